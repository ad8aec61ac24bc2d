#!/usr/bin/env bash
# The speed table of docs/speed.md, in one run: the kernel benches (the seven benchmark
# shapes on every backend this CPU has and on the default one, and the single-core f32
# FMA peak), then the peers on the same shapes (tools/peers.py: PyTorch and Intel IPP,
# each skipped if not installed), then the table from both results. Pin it to one core
# where possible:
#   taskset -c 1 tools/speed.sh
# Progress goes to standard error, the table alone to standard output. CARGO_TARGET_DIR
# is honoured throughout.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --bench kernels -q >&2
python3 tools/peers.py
python3 tools/bench_table.py
