#!/usr/bin/env bash
# The speed table of docs/speed.md: runs the kernel benches (the seven benchmark shapes
# on every backend this CPU has, and the single-core f32 FMA peak, in one run), then
# prints the table from criterion's results. Pin it to one core where possible:
#   taskset -c 1 tools/speed.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --bench kernels -q >&2
python3 tools/bench_table.py
