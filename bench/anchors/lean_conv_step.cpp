// SPDX-License-Identifier: MIT
// lean_conv_step.cpp: see lean_conv_step.hpp. Needs cblas.h; built by run_conv_anchors.sh.
#include "lean_conv_step.hpp"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

namespace conv_peer {
namespace {

using Vec = std::vector<float>;

/// A stride-1 convolution layer [c, h, w] -> [o, oh, ow] with padding p and a k x k kernel.
struct Conv {
  int c, h, w, o, k, p, oh, ow, kk, pixels;
  Conv(int c_, int h_, int w_, int o_, int k_, int p_)
      : c(c_),
        h(h_),
        w(w_),
        o(o_),
        k(k_),
        p(p_),
        oh(h_ + 2 * p_ - k_ + 1),
        ow(w_ + 2 * p_ - k_ + 1),
        kk(c_ * k_ * k_),
        pixels(oh * ow) {}

  void im2col(const float* x, float* col) const {
    for (int ci = 0; ci < c; ++ci)
      for (int i = 0; i < k; ++i)
        for (int j = 0; j < k; ++j) {
          float* dst = col + ((ci * k + i) * k + j) * pixels;
          for (int y = 0; y < oh; ++y) {
            const int iy = y - p + i;
            float* out = dst + y * ow;
            if (iy < 0 || iy >= h) {
              std::fill(out, out + ow, 0.f);
              continue;
            }
            const float* row = x + (ci * h + iy) * w;
            for (int xo = 0; xo < ow; ++xo) {
              const int ix = xo - p + j;
              out[xo] = ix >= 0 && ix < w ? row[ix] : 0.f;
            }
          }
        }
  }
  void col2im(const float* col, float* dx) const {
    for (int ci = 0; ci < c; ++ci)
      for (int i = 0; i < k; ++i)
        for (int j = 0; j < k; ++j) {
          const float* src = col + ((ci * k + i) * k + j) * pixels;
          for (int y = 0; y < oh; ++y) {
            const int iy = y - p + i;
            if (iy < 0 || iy >= h) continue;
            float* row = dx + (ci * h + iy) * w;
            for (int xo = 0; xo < ow; ++xo) {
              const int ix = xo - p + j;
              if (ix >= 0 && ix < w) row[ix] += src[y * ow + xo];
            }
          }
        }
  }
};

/// Adam state of one parameter tensor.
struct Param {
  Vec w, g, m, v;
  explicit Param(std::size_t n) : w(n), g(n), m(n, 0.f), v(n, 0.f) {}
};

}  // namespace

struct LeanLeNet::Net {
  int batch;
  Conv c1{1, 28, 28, 6, 5, 2}, c2{6, 14, 14, 16, 5, 0};
  Param w1{6 * 25}, b1{6}, w2{16 * 150}, b2{16}, w3{120 * 400}, b3{120}, w4{84 * 120}, b4{84}, w5{10 * 84},
      b5{10};
  Vec x, col1, a1, p1, col2, a2, p2, h3, h4, logits, dcol, dp1, da1, da2, dp2, dh3, dh4, dlogits;
  std::vector<int> arg1, arg2, labels;
  int t = 0;

  explicit Net(int b) : batch(b) {
    std::mt19937 rng(0);
    const auto init = [&](Param& w, Param& bias, int fan_in) {
      std::uniform_real_distribution<float> u(-1.f / std::sqrt(float(fan_in)),
                                              1.f / std::sqrt(float(fan_in)));
      for (float& v : w.w) v = u(rng);
      for (float& v : bias.w) v = u(rng);
    };
    init(w1, b1, 25), init(w2, b2, 150), init(w3, b3, 400), init(w4, b4, 120), init(w5, b5, 84);
    std::normal_distribution<float> normal;
    x.resize(std::size_t(batch) * 784);
    for (float& v : x) v = normal(rng);
    for (int i = 0; i < batch; ++i) labels.push_back(i % 10);
    col1.resize(std::size_t(batch) * c1.kk * c1.pixels), a1.resize(std::size_t(batch) * 6 * 784);
    p1.resize(std::size_t(batch) * 6 * 196), arg1.resize(p1.size());
    col2.resize(std::size_t(batch) * c2.kk * c2.pixels), a2.resize(std::size_t(batch) * 16 * 100);
    p2.resize(std::size_t(batch) * 400), arg2.resize(p2.size());
    h3.resize(std::size_t(batch) * 120), h4.resize(std::size_t(batch) * 84),
        logits.resize(std::size_t(batch) * 10);
    dcol.resize(std::size_t(c2.kk) * c2.pixels), dp1.resize(p1.size()), da1.resize(a1.size());
    da2.resize(a2.size()), dp2.resize(p2.size()), dh3.resize(h3.size()), dh4.resize(h4.size());
    dlogits.resize(logits.size());
  }

  // y[o, pixels] = b + W col for every sample; col kept for the backward.
  void conv_forward(const Conv& c, const Param& w, const Param& b, const float* in, float* col, float* out) {
    for (int s = 0; s < batch; ++s) {
      float* cs = col + std::size_t(s) * c.kk * c.pixels;
      float* ys = out + std::size_t(s) * c.o * c.pixels;
      c.im2col(in + std::size_t(s) * c.c * c.h * c.w, cs);
      for (int o = 0; o < c.o; ++o) std::fill(ys + o * c.pixels, ys + (o + 1) * c.pixels, b.w[o]);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, c.o, c.pixels, c.kk, 1.f, w.w.data(), c.kk, cs,
                  c.pixels, 1.f, ys, c.pixels);
    }
  }
  // dW = sum dy colT, db = sum dy, and (when dx) dx = col2im(W^T dy).
  void conv_backward(const Conv& c, Param& w, Param& b, const float* col, const float* dy, float* dx) {
    std::fill(w.g.begin(), w.g.end(), 0.f);
    std::fill(b.g.begin(), b.g.end(), 0.f);
    if (dx) std::fill(dx, dx + std::size_t(batch) * c.c * c.h * c.w, 0.f);
    for (int s = 0; s < batch; ++s) {
      const float* dys = dy + std::size_t(s) * c.o * c.pixels;
      const float* cs = col + std::size_t(s) * c.kk * c.pixels;
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, c.o, c.kk, c.pixels, 1.f, dys, c.pixels, cs,
                  c.pixels, 1.f, w.g.data(), c.kk);
      for (int o = 0; o < c.o; ++o) {
        float sum = 0.f;
        for (int q = 0; q < c.pixels; ++q) sum += dys[o * c.pixels + q];
        b.g[o] += sum;
      }
      if (!dx) continue;
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, c.kk, c.pixels, c.o, 1.f, w.w.data(), c.kk, dys,
                  c.pixels, 0.f, dcol.data(), c.pixels);
      c.col2im(dcol.data(), dx + std::size_t(s) * c.c * c.h * c.w);
    }
  }
  // ReLU then 2 x 2 max-pool, as one pass (relu(max) = max(relu)); the winner's index is kept.
  static void relu_pool(const float* a, int planes, int h, int w, float* out, int* arg) {
    const int oh = h / 2, ow = w / 2;
    for (int pl = 0; pl < planes; ++pl)
      for (int y = 0; y < oh; ++y)
        for (int xo = 0; xo < ow; ++xo) {
          int best = (pl * h + 2 * y) * w + 2 * xo;
          for (int at : {best + 1, best + w, best + w + 1})
            if (a[at] > a[best]) best = at;
          const int o = (pl * oh + y) * ow + xo;
          out[o] = std::max(a[best], 0.f);
          arg[o] = best;
        }
  }
  static void relu_pool_backward(const float* a, const float* dout, const int* arg, int n, float* da,
                                 std::size_t da_size) {
    std::fill(da, da + da_size, 0.f);
    for (int o = 0; o < n; ++o)
      if (a[arg[o]] > 0.f) da[arg[o]] += dout[o];
  }
  // y[batch, out] = x W^T + b (W [out, in]), then ReLU when asked.
  void dense(const float* in, const Param& w, const Param& b, int n_in, int n_out, float* out, bool relu) {
    for (int s = 0; s < batch; ++s) std::copy(b.w.begin(), b.w.end(), out + std::size_t(s) * n_out);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, batch, n_out, n_in, 1.f, in, n_in, w.w.data(), n_in,
                1.f, out, n_out);
    if (relu)
      for (int i = 0; i < batch * n_out; ++i) out[i] = std::max(out[i], 0.f);
  }
  // dW = dy^T x, db = sum dy, dx = dy W (masked by the ReLU of x's layer when asked).
  void dense_backward(const float* in, const float* dy, Param& w, Param& b, int n_in, int n_out, float* dx,
                      bool relu_in) {
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n_out, n_in, batch, 1.f, dy, n_out, in, n_in, 0.f,
                w.g.data(), n_in);
    std::fill(b.g.begin(), b.g.end(), 0.f);
    for (int s = 0; s < batch; ++s)
      for (int o = 0; o < n_out; ++o) b.g[o] += dy[s * n_out + o];
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, batch, n_in, n_out, 1.f, dy, n_out, w.w.data(),
                n_in, 0.f, dx, n_in);
    if (relu_in)
      for (int i = 0; i < batch * n_in; ++i)
        if (in[i] <= 0.f) dx[i] = 0.f;
  }
  void adam(Param& p) {
    const float b1 = 0.9f, b2 = 0.999f, lr = 1e-3f, eps = 1e-8f;
    const float step = lr / (1.f - std::pow(b1, float(t))),
                inv = 1.f / std::sqrt(1.f - std::pow(b2, float(t)));
    for (std::size_t i = 0; i < p.w.size(); ++i) {
      p.m[i] = b1 * p.m[i] + (1.f - b1) * p.g[i];
      p.v[i] = b2 * p.v[i] + (1.f - b2) * p.g[i] * p.g[i];
      p.w[i] -= step * p.m[i] / (std::sqrt(p.v[i]) * inv + eps);
    }
  }

  float step() {
    conv_forward(c1, w1, b1, x.data(), col1.data(), a1.data());
    relu_pool(a1.data(), batch * 6, 28, 28, p1.data(), arg1.data());
    conv_forward(c2, w2, b2, p1.data(), col2.data(), a2.data());
    relu_pool(a2.data(), batch * 16, 10, 10, p2.data(), arg2.data());
    dense(p2.data(), w3, b3, 400, 120, h3.data(), true);
    dense(h3.data(), w4, b4, 120, 84, h4.data(), true);
    dense(h4.data(), w5, b5, 84, 10, logits.data(), false);
    float loss = 0.f;
    for (int s = 0; s < batch; ++s) {  // softmax cross-entropy, mean over the batch
      const float* z = logits.data() + s * 10;
      const float m = *std::max_element(z, z + 10);
      float sum = 0.f;
      for (int j = 0; j < 10; ++j) sum += std::exp(z[j] - m);
      loss += std::log(sum) + m - z[labels[s]];
      for (int j = 0; j < 10; ++j)
        dlogits[s * 10 + j] = (std::exp(z[j] - m) / sum - (j == labels[s] ? 1.f : 0.f)) / float(batch);
    }
    dense_backward(h4.data(), dlogits.data(), w5, b5, 84, 10, dh4.data(), true);
    dense_backward(h3.data(), dh4.data(), w4, b4, 120, 84, dh3.data(), true);
    dense_backward(p2.data(), dh3.data(), w3, b3, 400, 120, dp2.data(), false);
    relu_pool_backward(a2.data(), dp2.data(), arg2.data(), batch * 400, da2.data(), da2.size());
    conv_backward(c2, w2, b2, col2.data(), da2.data(), dp1.data());
    relu_pool_backward(a1.data(), dp1.data(), arg1.data(), batch * 6 * 196, da1.data(), da1.size());
    conv_backward(c1, w1, b1, col1.data(), da1.data(), nullptr);
    ++t;
    for (Param* p : {&w1, &b1, &w2, &b2, &w3, &b3, &w4, &b4, &w5, &b5}) adam(*p);
    return loss / float(batch);
  }
};

LeanLeNet::LeanLeNet(int batch) : net_(new Net(batch)) {}
LeanLeNet::~LeanLeNet() = default;
float LeanLeNet::step() {
  return net_->step();
}

}  // namespace conv_peer
