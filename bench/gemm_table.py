#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs the gemm benchmarks of tapegrad_bench once and prints the GFLOP/s tables of bench/README.md.

Every BM_Gemm/<type>/<shape>/<variant>/t<threads> case runs --reps times, interleaved at random with all
the others, so OpenBLAS and our kernels see the same machine; the tables give medians. Two tables per
type: one thread with GFLOP/s = 2 m n k / CPU time of the thread (other tenants' time slices do not count,
so this is the steadier measure of a kernel on a shared machine), with our kernel as a percentage of BLAS;
and one and two threads in wall time (what a user waits for).
OpenBLAS picks its kernel from OPENBLAS_CORETYPE when set (CI sets Haswell), so run this with the
environment you want to describe.

Usage: bench/gemm_table.py [--bench build/release/bench/tapegrad_bench] [--reps 5] [--min-time 0.1]
                           [--types f32,f64] [--taskset 0,1] [--json out.json]
"""
import argparse
import json
import subprocess
import sys

VARIANTS = ["kernel", "generic", "avx2", "blas", "auto"]
# Row order of the tables (the shapes of bench/gemm_bench.cpp).
SHAPES = ["sq64", "sq128", "sq256", "sq512", "sq1024", "C.fwd", "C.dX", "C.dW", "D.fwd1", "D.fwd2", "D.dW2",
          "A.fwd2", "B.fwd1"]


def run(args):
    cmd = [args.bench,
           "--benchmark_filter=^BM_Gemm/",
           "--benchmark_format=json",
           f"--benchmark_repetitions={args.reps}",
           "--benchmark_enable_random_interleaving=true",
           "--benchmark_report_aggregates_only=true",
           f"--benchmark_min_time={args.min_time}"]
    if args.taskset:
        cmd = ["taskset", "-c", args.taskset] + cmd
    print("running:", " ".join(cmd), file=sys.stderr)
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    if args.json:
        with open(args.json, "w") as f:
            f.write(out)
    return json.loads(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", default="build/release/bench/tapegrad_bench", help="path to tapegrad_bench")
    ap.add_argument("--reps", type=int, default=5, help="repetitions (interleaved at random)")
    ap.add_argument("--min-time", default="0.1", help="seconds per repetition (--benchmark_min_time)")
    ap.add_argument("--types", default="f32,f64", help="element types to tabulate")
    ap.add_argument("--taskset", help="CPU list for taskset -c")
    ap.add_argument("--json", help="also keep the raw Google Benchmark JSON here")
    args = ap.parse_args()

    report = run(args)
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
    wall, cpu, shapes = {}, {}, []
    for b in report["benchmarks"]:
        if b.get("error_occurred"):
            sys.exit(f"{b['name']}: {b.get('error_message')}")
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        _, dtype, shape, variant, threads = b.get("run_name", b["name"]).split("/")[:5]
        key = (dtype, shape, variant, threads)
        wall[key] = b["GFLOPS"]
        cpu[key] = b["flop"] / (b["cpu_time"] * scale[b["time_unit"]]) / 1e9
        if shape not in shapes:
            shapes.append(shape)

    shapes.sort(key=lambda s: SHAPES.index(s) if s in SHAPES else len(SHAPES))
    ctx = report["context"]
    print(f"kernel: {ctx.get('gemm_kernel')}, BLAS: {ctx.get('gemm_blas')} "
          f"(auto hands it large products: {ctx.get('gemm_uses_blas')}), {ctx.get('num_cpus')} CPUs, "
          f"median of {args.reps} interleaved repetitions, GFLOP/s")

    def table(title, figures, cols, ratio):
        print()
        print(f"| {title} | " + " | ".join(f"{v} {t}" for v, t in cols) + (" | kernel/blas |" if ratio else " |"))
        print("|---" * (len(cols) + 1 + ratio) + "|")
        for s in shapes:
            cells = [f"{figures[(dtype, s, v, t)]:.1f}" if (dtype, s, v, t) in figures else "" for v, t in cols]
            row = f"| {s} | " + " | ".join(cells) + " |"
            if ratio:
                ours, blas = figures.get((dtype, s, "kernel", "t1")), figures.get((dtype, s, "blas", "t1"))
                row += f" {100 * ours / blas:.0f}% |" if ours and blas else " |"
            print(row)

    for dtype in args.types.split(","):
        present = lambda v, t: any((dtype, s, v, t) in wall for s in shapes)
        table(f"{dtype}, 1 thread, CPU time", cpu, [(v, "t1") for v in VARIANTS if present(v, "t1")], True)
        table(f"{dtype}, wall time", wall,
              [(v, t) for v in ("kernel", "blas", "auto") for t in ("t1", "t2") if present(v, t)], False)


if __name__ == "__main__":
    main()
