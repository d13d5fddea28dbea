#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs tapegrad_bench once and prints the figures we publish: ratios taken in that one run.

Google Benchmark reports absolute times, which drift on a shared machine; a ratio of two medians
measured interleaved in the same run does not. For each problem: medians of the primal, the hand
adjoint and tapegrad's gradient, x_primal (time / primal), x_hand (time / hand adjoint), the
geometric mean, tape bytes per elementary op and ns per op, as a markdown table. Times are CPU
time by default: on a shared machine the wall clock also counts other processes' time slices.

With --tensor it runs problems a, b, c written as float64 Tensor expressions (tensor_problems_bench.cpp)
next to the same plain-double primal, and prints x_primal against FastAD's figures instead.

Usage: bench/ratios.py [--bench build/release/bench/tapegrad_bench] [--reps 10] [--min-time 0.2]
                       [--taskset 1] [--json out.json] [--tensor]
"""
import argparse
import json
import math
import subprocess
import sys

PROBLEMS = [("a", "Rosenbrock"), ("b", "NormalLL"), ("c", "DenseTanh"), ("d", "Advection"), ("e", "Chain")]
# The project's issue: CoDiPack RealReverse and Adept-2 on this kind of machine (x primal), the best
# of the two per problem is what we must beat.
PEERS = {"CoDiPack": [40, 5.0, 20, 29, 2.3], "Adept-2": [44, 5.0, 20, 28, 2.3]}
# Tensor versions of a, b, c: FastAD (whole-array expression templates on Eigen arrays, expression prebuilt)
# is the target, the per-scalar tapes of CoDiPack/Adept the comparison (x primal, the project's issue).
TENSOR_PROBLEMS = PROBLEMS[:3]
FASTAD = [10, 1.3, 1.5]
PER_SCALAR_TAPES = [39, 5.0, 20]
TARGET_GEOMEAN = 9.0
TARGET_BYTES_PER_OP = 16.0


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def run(args):
    if args.tensor:
        names = "|".join(p for _, p in TENSOR_PROBLEMS)
        bench_filter = f"^BM_(Baseline_({names})_Primal|Tensor_({names})_(Record|Gradient))$"
    else:
        names = "|".join(p for _, p in PROBLEMS)
        bench_filter = f"^BM_(Baseline|Var)_({names})_(Primal|HandAdjoint|Record|Gradient)$"
    cmd = [args.bench,
           f"--benchmark_filter={bench_filter}",
           "--benchmark_format=json",
           f"--benchmark_repetitions={args.reps}",
           "--benchmark_enable_random_interleaving=true",
           "--benchmark_report_aggregates_only=true",
           f"--benchmark_min_time={args.min_time}"]
    if args.taskset is not None:
        cmd = ["taskset", "-c", str(args.taskset)] + cmd
    print("running:", " ".join(cmd), file=sys.stderr)
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    if args.json:
        with open(args.json, "w") as f:
            f.write(out)
    return json.loads(out)


def medians(report, field):
    """name -> (median time in ns, counters) for every benchmark; errors are fatal."""
    scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
    result = {}
    for b in report["benchmarks"]:
        if b.get("error_occurred"):
            sys.exit(f"{b['name']}: {b.get('error_message')}")
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        name = b.get("run_name", b["name"])
        result[name] = (b[field] * scale[b["time_unit"]], b)
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", default="build/release/bench/tapegrad_bench", help="path to tapegrad_bench")
    ap.add_argument("--reps", type=int, default=10, help="repetitions (interleaved at random)")
    ap.add_argument("--min-time", default="0.2", help="seconds per repetition (--benchmark_min_time)")
    ap.add_argument("--taskset", type=int, help="pin to this CPU (taskset -c)")
    ap.add_argument("--json", help="also keep the raw Google Benchmark JSON here")
    ap.add_argument("--time", choices=["cpu", "real"], default="cpu",
                    help="cpu (default): on a shared machine another process's slices do not count; real: wall clock")
    ap.add_argument("--tensor", action="store_true",
                    help="problems a, b, c as tensor expressions against the primal and FastAD's figures")
    args = ap.parse_args()

    m = medians(run(args), f"{args.time}_time")
    if args.tensor:
        tensor_table(m)
        return
    rows, x_primal, x_hand = [], [], []
    for letter, p in PROBLEMS:
        primal, _ = m[f"BM_Baseline_{p}_Primal"]
        hand, _ = m[f"BM_Baseline_{p}_HandAdjoint"]
        grad, gb = m[f"BM_Var_{p}_Gradient"]
        record, _ = m[f"BM_Var_{p}_Record"]
        ops = gb["ops"]
        best = min(v[PROBLEMS.index((letter, p))] for v in PEERS.values())
        x_primal.append(grad / primal)
        x_hand.append(grad / hand)
        rows.append(f"| {letter} {p} | {primal / 1e3:.1f} | {hand / 1e3:.1f} | {grad / 1e3:.1f} | "
                    f"{hand / primal:.2f} | **{grad / primal:.2f}** | {grad / hand:.2f} | {best:g} | "
                    f"{'yes' if grad / primal < best else 'no'} | {record / ops:.2f} | {grad / ops:.2f} | "
                    f"{gb['tape_bytes_per_op']:.1f} |")
    peers_geo = {k: geomean(v) for k, v in PEERS.items()}
    best_geo = geomean([min(col) for col in zip(*PEERS.values())])
    print("| problem | primal µs | hand µs | tapegrad µs | hand x_primal | tapegrad x_primal | tapegrad x_hand "
          "| best peer x_primal | beats it | record ns/op | gradient ns/op | tape B/op |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(f"| geometric mean | | | | | **{geomean(x_primal):.2f}** | {geomean(x_hand):.2f} | {best_geo:.1f} | "
          f"{'yes' if geomean(x_primal) < best_geo else 'no'} | | | |")
    print()
    print("Peers (x_primal geometric mean, from the issue): " +
          ", ".join(f"{k} {v:.1f}" for k, v in peers_geo.items()) +
          f". Targets: every problem below the best peer, geometric mean <= {TARGET_GEOMEAN:g}, "
          f"tape <= {TARGET_BYTES_PER_OP:g} B/op on a and d.")


def tensor_table(m):
    print("| problem | primal µs | tensor record µs | tensor gradient µs | tensor x_primal | FastAD x_primal "
          "| at or below FastAD | CoDiPack/Adept x_primal | tensor ops |")
    print("|---|---|---|---|---|---|---|---|---|")
    for (letter, p), fastad, per_scalar in zip(TENSOR_PROBLEMS, FASTAD, PER_SCALAR_TAPES):
        primal, _ = m[f"BM_Baseline_{p}_Primal"]
        if f"BM_Tensor_{p}_Gradient" not in m:  # problem a needs slice(), registered once it exists
            print(f"| {letter} {p} | {primal / 1e3:.1f} | | | not built (needs slice) | {fastad:g} | | "
                  f"{per_scalar:g} | |")
            continue
        grad, gb = m[f"BM_Tensor_{p}_Gradient"]
        record, _ = m[f"BM_Tensor_{p}_Record"]
        ratio = grad / primal
        print(f"| {letter} {p} | {primal / 1e3:.1f} | {record / 1e3:.1f} | {grad / 1e3:.1f} | **{ratio:.2f}** | "
              f"{fastad:g} | {'yes' if ratio <= fastad else 'no'} | {per_scalar:g} | {gb['tensor_ops']:g} |")


if __name__ == "__main__":
    main()
