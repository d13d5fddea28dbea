#!/bin/bash
# SPDX-License-Identifier: MIT
# Times tapegrad's MLP training step (configs A-D) against libtorch's C++ step and the hand-written "lean"
# floor in ONE run, with 1 and 2 threads and the OpenBLAS kernel CI selects (OPENBLAS_CORETYPE=Haswell),
# and prints one table.
#
# The peers' sources stay in the read-only anchors directory and are used by path: its CMake project builds
# torch_bench (libtorch vs lean, interleaved in one process); our tensor_mlp_peer.cpp (CMakeLists.txt here)
# times tapegrad vs the same lean step (lean_net.hpp, included by path), interleaved in one process. Ratios to lean measured inside
# each process are what the table trusts; absolute times drift with the load of a shared machine.
#
# Usage: bench/anchors/run_tensor_anchors.sh [OUTDIR]
#   env: ROUNDS=1 MIN_S=0.2 REPS=7 THREADS="1 2" TB_ONLY=ABCD OPENBLAS_CORETYPE=Haswell
#        NATIVE=1 (also build tapegrad with -march=native: one more column)
#        ANCHORS=<dir> (default ../shared/anchors/tensor beside this repository)   INSTALL=1 (apt-get the missing Debian packages)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ANCHORS=${ANCHORS:-$(cd "$REPO/../shared/anchors/tensor" 2>/dev/null && pwd || true)}
[[ -n $ANCHORS && -d $ANCHORS ]] || { echo "no shared anchors at $REPO/../shared/anchors/tensor; set ANCHORS" >&2; exit 1; }
OUT=${1:-$(mktemp -d /tmp/tapegrad-tensor-anchors.XXXXXX)}
ROUNDS=${ROUNDS:-1}
MIN_S=${MIN_S:-0.2}
REPS=${REPS:-7}
THREADS=${THREADS:-"1 2"}
CORETYPE=${OPENBLAS_CORETYPE:-Haswell}
export TB_ONLY=${TB_ONLY:-ABCD}
mkdir -p "$OUT"

# ---- dependencies (Debian packages; the anchors' run.sh installs the same) ---------------------------
missing=()
for p in libtorch-dev libopenblas-dev cmake g++; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  if [[ ${INSTALL:-0} != 1 ]]; then
    echo "missing Debian packages: ${missing[*]} (rerun with INSTALL=1 to apt-get them; libtorch-dev is large)" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=900 \
    "${missing[@]}"
fi

# ---- build --------------------------------------------------------------------------------------------
echo "building in $OUT (logs: $OUT/*.log)" >&2
logged() {  # logged LOG cmd...: run quietly, show the log if it fails
  local log=$1
  shift
  "$@" >"$log" 2>&1 || { cat "$log" >&2; echo "failed: $*" >&2; exit 1; }
}
logged "$OUT/anchors-cmake.log" cmake -S "$ANCHORS" -B "$OUT/anchors" -DCMAKE_BUILD_TYPE=Release
logged "$OUT/anchors-build.log" cmake --build "$OUT/anchors" -j2 --target torch_bench

# tapegrad's side: CMakeLists.txt here (tapegrad by add_subdirectory, as a user takes it, portable unless
# NATIVE=1 adds a second, host-tuned build; the lean step compiled as the anchors compile it).
variants=(portable)
[[ ${NATIVE:-0} == 1 ]] && variants+=(native)
for v in "${variants[@]}"; do
  native=OFF
  [[ $v == native ]] && native=ON
  logged "$OUT/peer-$v-cmake.log" cmake -S "$HERE" -B "$OUT/peer-$v" -DCMAKE_BUILD_TYPE=Release \
    -DANCHORS="$ANCHORS" -DTAPEGRAD_NATIVE=$native
  logged "$OUT/peer-$v-build.log" cmake --build "$OUT/peer-$v" -j2 --target tensor_mlp_peer
done

# ---- run ----------------------------------------------------------------------------------------------
LOG=$OUT/raw.log
: >"$LOG"
{
  echo "META date $(date -u +%FT%TZ) cpu $(lscpu | sed -n 's/^Model name: *//p') cores $(nproc)"
  echo "META versions g++ $(g++ -dumpfullversion) openblas $(dpkg-query -W -f='${Version}' libopenblas0-pthread 2>/dev/null)" \
    "libtorch $(dpkg-query -W -f='${Version}' libtorch-dev) tapegrad $(git -C "$REPO" rev-parse --short HEAD)"
  echo "META params ROUNDS=$ROUNDS MIN_S=$MIN_S REPS=$REPS OPENBLAS_CORETYPE=$CORETYPE TB_ONLY=$TB_ONLY"
} >>"$LOG"
run() {  # run TAG THREADS cmd...: prefix every output line with "TAG t<THREADS>", note the load average
  local tag=$1 t=$2
  shift 2
  echo "$tag t$t LOAD $(cut -d' ' -f1-3 /proc/loadavg) $(basename "$1")" >>"$LOG"
  env OPENBLAS_CORETYPE="$CORETYPE" OPENBLAS_NUM_THREADS="$t" OMP_NUM_THREADS="$t" "$@" 2>&1 | sed "s/^/$tag t$t /" >>"$LOG"
}
for r in $(seq 1 "$ROUNDS"); do
  for t in $THREADS; do
    echo "round $r, $t thread(s)" >&2
    for v in "${variants[@]}"; do run "r$r.$v" "$t" "$OUT/peer-$v/tensor_mlp_peer" "$t" "$MIN_S" "$REPS"; done
    run "r$r" "$t" "$OUT/anchors/torch_bench" "$t" "$MIN_S" "$REPS"
  done
done
python3 "$HERE/tensor_table.py" "$LOG" | tee "$OUT/table.md"
echo "raw log: $LOG" >&2
