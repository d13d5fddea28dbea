#!/bin/bash
# SPDX-License-Identifier: MIT
# Configs E (LeNet-5, batch 64) and F (conv 32 -> conv 64 -> pool -> 128 -> 10, batch 128): tapegrad's
# training step against libtorch's, interleaved in ONE process (conv_peer: tapegrad and libtorch linked
# into one binary from two translation units), with 1 and 2 threads; and conv2d forward+backward GFLOP/s
# against tapegrad's own gemm on the products conv2d runs.
#
# Usage: bench/anchors/run_conv_anchors.sh [OUTDIR]
#   env: MIN_S=0.3 REPS=5 THREADS="1 2" OPENBLAS_CORETYPE=Haswell INSTALL=1 (apt-get libtorch-dev if missing)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ANCHORS=${ANCHORS:-$(cd "$REPO/../shared/anchors/tensor" 2>/dev/null && pwd || true)}
[[ -n $ANCHORS && -d $ANCHORS ]] || { echo "no shared anchors at $REPO/../shared/anchors/tensor; set ANCHORS" >&2; exit 1; }
OUT=${1:-$(mktemp -d /tmp/tapegrad-conv-anchors.XXXXXX)}
MIN_S=${MIN_S:-0.3}
REPS=${REPS:-5}
THREADS=${THREADS:-"1 2"}
export OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-Haswell}
if ! dpkg -s libtorch-dev >/dev/null 2>&1; then
  if [[ ${INSTALL:-0} != 1 ]]; then
    echo "missing Debian package libtorch-dev (rerun with INSTALL=1 to apt-get it; it is large)" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libtorch-dev
fi
cmake -S "$HERE" -B "$OUT/build" -DANCHORS="$ANCHORS" -DCMAKE_BUILD_TYPE=Release >"$OUT/cmake.log"
cmake --build "$OUT/build" --target conv_peer -j 2 >"$OUT/build.log"
for t in $THREADS; do
  "$OUT/build/conv_peer" "$t" "$MIN_S" "$REPS" | tee -a "$OUT/conv_peer.txt"
  [[ $t == 1 ]] && CPU_TIME=1 "$OUT/build/conv_peer" "$t" "$MIN_S" "$REPS" | sed "s/^/CPU /" | tee -a "$OUT/conv_peer.txt"
done
echo "results in $OUT/conv_peer.txt"
