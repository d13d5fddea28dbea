#!/bin/bash
# SPDX-License-Identifier: MIT
# Config G: tapegrad's LSTM training step (batch 64, length 16, input 32, hidden 128) against libtorch's
# C++ LSTM in ONE process, interleaved (lstm_step_peer.cpp). Needs Debian libtorch-dev.
# Usage: bench/anchors/run_lstm_anchor.sh [OUTDIR]     env: THREADS="1" MIN_S=0.3 REPS=7, CPU_TIME=1 (thread
# CPU time per repetition instead of wall time: what the other tenants of a shared machine disturb least)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$(mktemp -d /tmp/tapegrad-lstm-anchor.XXXXXX)}
THREADS=${THREADS:-1}
dpkg -s libtorch-dev >/dev/null 2>&1 || { echo "needs Debian libtorch-dev (large)" >&2; exit 1; }
cmake -S "$HERE" -B "$OUT" -DCMAKE_BUILD_TYPE=Release -DTAPEGRAD_ANCHOR_TORCH=ON >"$OUT.cmake.log" 2>&1 ||
  { cat "$OUT.cmake.log" >&2; exit 1; }
cmake --build "$OUT" -j2 --target lstm_step_peer >"$OUT.build.log" 2>&1 || { tail -30 "$OUT.build.log" >&2; exit 1; }
for t in $THREADS; do
  echo "LOAD $(cut -d' ' -f1-3 /proc/loadavg)"
  OPENBLAS_NUM_THREADS=$t OMP_NUM_THREADS=$t "$OUT/lstm_step_peer" "$t" "${MIN_S:-0.3}" "${REPS:-7}"
done
