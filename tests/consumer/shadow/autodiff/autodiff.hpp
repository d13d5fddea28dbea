// A header of another library that claims the generic name <autodiff/autodiff.hpp> (autodiff.github.io
// installs <autodiff/...>). The consumer puts this folder first on its include path: if any tapegrad
// header, or the consumer's own include of tapegrad, resolved here, the build would stop.
#error "another library's autodiff/autodiff.hpp shadowed tapegrad's"
