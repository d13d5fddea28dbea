#!/usr/bin/env bash
# Installs tapegrad's build dependencies on Debian 12 (bookworm). Idempotent: apt runs only if a package is missing.
# Needs root, or sudo.
set -euo pipefail

packages=(cmake g++ make libboost-dev libboost-container-dev doctest-dev libbenchmark-dev clang-14 zlib1g-dev
  libcli11-dev libopenblas-dev  # CLI11: the examples' flags (never the library); OpenBLAS: TAPEGRAD_BLAS
  libclang-rt-14-dev  # libFuzzer and the sanitizer runtimes of the `fuzz` preset
  libnlopt-cxx-dev libceres-dev  # the optional tapegrad::nlopt and tapegrad::ceres adapters (solvers/), built in CI
  libopenmpi-dev openmpi-bin  # the optional tapegrad::distributed (MPI) and its mpirun tests
  wamerican  # the words example's word list
  dataset-fashion-mnist)  # 30 MB: the fashion_cnn example and its smoke test (/usr/share/datasets/fashion-mnist/)

if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
  echo "deps: not a Debian system; install these (or equivalents) yourself: ${packages[*]}" >&2
  exit 0  # let CMake's find_package report whatever is really missing
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "deps: all present"
  exit 0
fi

if ((EUID == 0)); then
  as_root=()
elif command -v sudo >/dev/null; then
  as_root=(sudo)
else
  echo "deps: missing ${missing[*]}, and neither root nor sudo is available" >&2
  exit 1
fi

echo "deps: installing ${missing[*]}"
# env, because sudo drops the caller's environment by default.
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done"
