#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# data_parallel_model.py: the cost model of one data-parallel step at N ranks (docs/data-parallel.md),
#   t(N) = t1 / N + 2 (N - 1) / N * G / B + 2 (N - 1) * a,
# t1 the 1-rank step, G the gradient bytes, B the link bandwidth, a the per-message latency; fitted to the
# loopback measurements of bench/data_parallel_step.cpp and evaluated at 8, 64, 256 ranks on 10 and 100 Gbit/s.
#   cat threads.txt mpi.txt | python3 bench/data_parallel_model.py   (the outputs of the threads and mpi runs)
# t1 is the 1-thread step's process CPU time (cpu_us of "STEP <c> threads 1"): what one unloaded core needs,
# which other tenants of a shared machine disturb far less than the wall time.
import re
import sys

steps, allreduce = {}, []
for line in sys.stdin:
    m = re.match(r"STEP (\w) threads 1 us=\d+ .*cpu_us=(\d+)", line)
    if m:
        steps.setdefault(m.group(1), [0.0, 0])[0] = float(m.group(2)) * 1e-6
    m = re.match(r"STEP (\w) mpi \d+ .*gradient_bytes=(\d+)", line)
    if m:
        steps.setdefault(m.group(1), [0.0, 0])[1] = int(m.group(2))
    m = re.match(r"ALLREDUCE ranks=2 bytes=(\d+) us=([\d.]+)", line)
    if m:
        allreduce.append((int(m.group(1)), float(m.group(2)) * 1e-6))

# At N = 2, t(bytes) = 2 a + bytes / B: the smallest message gives a (bytes / B is nothing there), the
# largest gives B. (A least-squares line over all sizes would let one descheduled middle size, common on a
# loaded machine, swing the intercept by milliseconds.)
allreduce.sort()
alpha_loop = allreduce[0][1] / 2
big_bytes, big_t = allreduce[-1]
bw_loop = big_bytes / max(big_t - 2 * alpha_loop, 1e-9)
print(f"loopback fit: latency a = {alpha_loop * 1e6:.1f} us, bandwidth B = {bw_loop / 1e9:.2f} GB/s")

# Networks: bandwidth from the link rate; latency per message of a TCP (10 Gbit/s) or RDMA (100 Gbit/s)
# cluster, never below what loopback itself costs.
networks = [("10 Gbit/s", 10e9 / 8, max(alpha_loop, 20e-6)), ("100 Gbit/s", 100e9 / 8, max(alpha_loop, 3e-6))]
for name, (bw_name, bw, alpha) in [(n, x) for n in sorted(steps) for x in networks]:
    t1, grad = steps[name]
    if t1 == 0 or grad == 0:
        continue
    row = []
    for ranks in (8, 64, 256):
        t = t1 / ranks + 2 * (ranks - 1) / ranks * grad / bw + 2 * (ranks - 1) * alpha
        row.append(f"{(t1 / ranks) / t:.2f}")
    # The rank count where the step is fastest: d t / d N = 0.
    best = ((t1 - 2 * grad / bw) / (2 * alpha)) ** 0.5 if t1 > 2 * grad / bw else 1
    half = next((r for r in range(2, 100000) if (t1 / r) / (t1 / r + 2 * (r - 1) / r * grad / bw + 2 * (r - 1) * alpha) < 0.5), None)
    # Weak scaling (each rank keeps the config's whole batch: global batch x N) and fp16 gradients (G / 2).
    comm256 = 2 * 255 / 256 * grad / bw + 2 * 255 * alpha
    weak = t1 / (t1 + comm256)
    fp16 = (t1 / 256) / (t1 / 256 + 2 * 255 / 256 * grad / 2 / bw + 2 * 255 * alpha)
    print(f"| {name} | {bw_name} | {t1 * 1e3:.1f} | {grad / 1e6:.2f} | " + " | ".join(row) +
          f" | {half} | {best:.0f} | {weak:.2f} | {fp16:.2f} |")
