#!/bin/bash
# SPDX-License-Identifier: MIT
# Times tapegrad against ADOL-C (and Stan Math with WITH_STAN=1, Sacado with WITH_SACADO=1) in ONE
# run of the shared scalar anchors harness, so the ratios are comparable.
#
# The harness lives read-only in the shared anchors (../shared/anchors/scalar next to this repository, or
# ANCHORS=...); we copy it to a temp dir, add
# peer_tapegrad.cpp, and build with TAPEGRAD=<this repo> (the harness builds tapegrad as a CMake
# consumer; if that fails we compile autodiff/*.cpp ourselves). Then: the timing run and --mem.
#
# Usage: bench/anchors/run_scalar_anchors.sh [OUTDIR]       env: WITH_STAN=1 REPS=15 TARGET_MS=30 CPU=1
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ANCHORS=${ANCHORS:-$(cd "$REPO/../shared/anchors/scalar" 2>/dev/null && pwd || true)}
[[ -n $ANCHORS && -d $ANCHORS ]] || { echo "no shared anchors at $REPO/../shared/anchors/scalar; set ANCHORS" >&2; exit 1; }
OUT=${1:-$(mktemp -d /tmp/tapegrad-anchors.XXXXXX)}
REPS=${REPS:-15}
TARGET_MS=${TARGET_MS:-30}
mkdir -p "$OUT/src"
cp "$ANCHORS"/* "$OUT/src/"
cp "$HERE/peer_tapegrad.cpp" "$OUT/src/"

if ! TAPEGRAD="$REPO" bash "$OUT/src/build.sh" "$OUT" >"$OUT/build.log" 2>&1; then
  # Fallback: the harness's own recipe, with tapegrad's sources compiled in directly.
  echo "build.sh with TAPEGRAD failed (see $OUT/build.log); compiling autodiff/*.cpp directly" >&2
  # Includes name the project first (<tapegrad/autodiff/...>): an include root whose tapegrad/autodiff is
  # this repository's autodiff/, as CMake makes in the build tree.
  mkdir -p "$OUT/include/tapegrad"
  ln -sfn "$REPO/autodiff" "$OUT/include/tapegrad/autodiff"
  INC=(-I"$OUT/include")
  FLAGS=(-O3 -DNDEBUG -std=c++20 -DWITH_TAPEGRAD)
  mapfile -t LIB < <(find "$REPO/autodiff" -name '*.cpp' ! -name 'gemm_*.cpp')
  SRCS=("$OUT/src/main.cpp" "$OUT/src/hand.cpp" "$OUT/src/peer_adolc.cpp" "$OUT/src/peer_tapegrad.cpp" "${LIB[@]}")
  # gemm's kernels need their own instruction-set flags, as in CMakeLists.txt: compile them apart.
  K="$REPO/autodiff/kernels"
  mkdir -p "$OUT/gemm"
  g++ -O3 -DNDEBUG -std=c++20 "${INC[@]}" -ffp-contract=fast -c "$K/gemm_generic.cpp" -o "$OUT/gemm/generic.o"
  g++ -O3 -DNDEBUG -std=c++20 "${INC[@]}" -ffp-contract=fast -mavx2 -mfma -c "$K/gemm_avx2.cpp" -o "$OUT/gemm/avx2.o"
  g++ -O3 -DNDEBUG -std=c++20 "${INC[@]}" -ffp-contract=fast -mavx512f -mfma -c "$K/gemm_avx512.cpp" -o "$OUT/gemm/avx512.o"
  SRCS+=("$OUT"/gemm/*.o)
  EXTRA=()
  if [[ ${WITH_STAN:-0} == 1 ]]; then
    FLAGS+=(-DWITH_STAN)
    SRCS+=("$OUT/src/peer_stan.cpp")
    EXTRA+=(-I/usr/lib/R/site-library/StanHeaders/include -I/usr/lib/R/site-library/RcppEigen/include
            -DBOOST_DISABLE_ASSERTS -Wno-ignored-attributes -Wno-deprecated-declarations)
  fi
  g++ "${FLAGS[@]}" -I"$OUT/src" "${INC[@]}" "${EXTRA[@]}" "${SRCS[@]}" -ladolc -pthread -o "$OUT/scalar_anchors"
fi

# ADOL-C reads its buffer sizes from ./.adolcrc (sizes as in the harness README).
cd "$OUT"
printf '"OBUFSIZE" "2097152"\n"LBUFSIZE" "4194304"\n"VBUFSIZE" "1048576"\n' > .adolcrc
PIN=()
[[ -n ${CPU:-} ]] && PIN=(taskset -c "$CPU")
"${PIN[@]}" ./scalar_anchors --reps "$REPS" --target-ms "$TARGET_MS" --csv "$OUT/anchors.csv" | tee "$OUT/anchors.txt"
echo
"${PIN[@]}" ./scalar_anchors --mem | tee "$OUT/mem.txt"
echo "results in $OUT (anchors.txt, anchors.csv, mem.txt)"
