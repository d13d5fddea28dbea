#!/usr/bin/env bash
# README quick start: install dependencies, build the release preset, run the flagship example.
set -euo pipefail

FLAGSHIP=digits  # examples/$FLAGSHIP.cpp; change here when the README's flagship changes

cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake --preset release
cmake --build --preset release
echo "--- build/release/examples/$FLAGSHIP"
"build/release/examples/$FLAGSHIP"
