#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# data_parallel_model.py: the cost model of one data-parallel step at N ranks (docs/data-parallel.md),
#   t(N) = t1 / N + 2 (N - 1) / N * G / B + 2 (N - 1) * a,
# t1 the 1-rank step, G the gradient bytes, B the link bandwidth, a the per-message latency; fitted to the
# loopback measurements of bench/data_parallel_step.cpp and evaluated at 8, 64, 256 ranks on 10 and 100 Gbit/s.
#   python3 bench/data_parallel_model.py < data_parallel_step.txt   (the output of the threads and mpi runs)
import re
import sys

steps, allreduce = {}, []
for line in sys.stdin:
    m = re.match(r"STEP (\w) (threads|mpi) (\d+) us=(\d+).*?(?:gradient_bytes=(\d+))?", line)
    if m and m.group(2) == "mpi":
        grad = re.search(r"gradient_bytes=(\d+)", line)
        steps.setdefault(m.group(1), {})[int(m.group(3))] = (float(m.group(4)) * 1e-6,
                                                             int(grad.group(1)) if grad else 0)
    m = re.match(r"ALLREDUCE ranks=2 bytes=(\d+) us=([\d.]+)", line)
    if m:
        allreduce.append((int(m.group(1)), float(m.group(2)) * 1e-6))

# Least squares of t = 2 a + bytes / B (N = 2: 2 (N - 1) / N = 1, 2 (N - 1) = 2).
n = len(allreduce)
sx = sum(b for b, _ in allreduce); sy = sum(t for _, t in allreduce)
sxx = sum(b * b for b, _ in allreduce); sxy = sum(b * t for b, t in allreduce)
slope = (n * sxy - sx * sy) / (n * sxx - sx * sx)
intercept = (sy - slope * sx) / n
alpha_loop, bw_loop = max(intercept / 2, 1e-7), 1 / slope
print(f"loopback fit: latency a = {alpha_loop * 1e6:.1f} us, bandwidth B = {bw_loop / 1e9:.2f} GB/s")

# Networks: bandwidth from the link rate; latency per message of a TCP (10 Gbit/s) or RDMA (100 Gbit/s)
# cluster, never below what loopback itself costs.
networks = [("10 Gbit/s", 10e9 / 8, max(alpha_loop, 20e-6)), ("100 Gbit/s", 100e9 / 8, max(alpha_loop, 3e-6))]
for name, (bw_name, bw, alpha) in [(n, x) for n in sorted(steps) for x in networks]:
    if 1 not in steps[name]:
        continue
    t1, grad = steps[name][1]
    grad = grad or steps[name].get(2, (0, 0))[1]
    row = []
    for ranks in (8, 64, 256):
        t = t1 / ranks + 2 * (ranks - 1) / ranks * grad / bw + 2 * (ranks - 1) * alpha
        row.append(f"{(t1 / ranks) / t:.2f}")
    # The rank count where the step is fastest: d t / d N = 0.
    best = ((t1 - 2 * grad / bw) / (2 * alpha)) ** 0.5 if t1 > 2 * grad / bw else 1
    half = next((r for r in range(2, 100000) if (t1 / r) / (t1 / r + 2 * (r - 1) / r * grad / bw + 2 * (r - 1) * alpha) < 0.5), None)
    print(f"| {name} | {bw_name} | {t1 * 1e3:.1f} | {grad / 1e6:.2f} | " + " | ".join(row) + f" | {half} | {best:.0f} |")
