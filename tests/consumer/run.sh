#!/usr/bin/env bash
# Consumer test: install tapegrad into a scratch prefix, then build and run tests/consumer/ against it
# with find_package, and again with add_subdirectory. No network is used.
# Usage: run.sh [repo root] [work dir]   (defaults: this script's repo, a fresh mktemp -d)
# Honours CXX (ctest sets it to the outer build's compiler).
set -euo pipefail

root=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
work=${2:-}
if [[ -z $work ]]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
work=$(cd "$work" && pwd)
# Start clean: only the directories this script creates.
rm -rf "$work/build" "$work/prefix" "$work/package" "$work/subdirectory"

# Keep the log short, but show a failing step's full output.
quiet() { "$@" >"$work/step.log" 2>&1 || { cat "$work/step.log"; echo "consumer: FAILED: $*" >&2; return 1; }; }

jobs=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}
off=(-DCMAKE_BUILD_TYPE=Release -DTAPEGRAD_BUILD_TESTS=OFF -DTAPEGRAD_BUILD_BENCH=OFF -DTAPEGRAD_BUILD_EXAMPLES=OFF)

quiet cmake -S "$root" -B "$work/build" "${off[@]}" -DCMAKE_INSTALL_PREFIX="$work/prefix"
quiet cmake --build "$work/build" --parallel "$jobs"
quiet cmake --install "$work/build"

consume() {  # $1 = package | subdirectory, then extra cmake arguments
  local mode=$1; shift
  quiet cmake -S "$root/tests/consumer" -B "$work/$mode" -DCMAKE_BUILD_TYPE=Release -DTAPEGRAD_CONSUME="$mode" "$@"
  quiet cmake --build "$work/$mode" --parallel "$jobs"
  "$work/$mode/consumer" || { echo "consumer: $mode returned a wrong gradient" >&2; return 1; }
  echo "consumer: $mode OK"
}
consume package -DCMAKE_PREFIX_PATH="$work/prefix"
consume subdirectory -DTAPEGRAD_ROOT="$root"
