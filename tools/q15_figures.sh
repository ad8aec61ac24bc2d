#!/usr/bin/env bash
# The Q15 table of docs/fixed-point.md: the demo's layer (K = 145, S = 3, 90 dB) in Q15,
# from `cargo run --release -p upsample -- --q15`.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(cargo run --release -q -p upsample -- --q15 2>/dev/null)
gain=$(echo "$out" | sed -n 's/.*taps quantised with headroom (gain \([0-9.]*\), \([-0-9.]*\) dB).*/\1 (\2 dB)/p')
snr=$(echo "$out" | sed -n 's/^ *SNR \([0-9.]*\) dB against the f64 result of the same layer.*/\1/p')
snr_taps=$(echo "$out" | sed -n 's/^ *\([0-9.]*\) dB against the unquantised filter.*/\1/p')
# "  Q15 speed scalar    1164x real time (...)", then "            sse2      6831x ...".
speeds=$(echo "$out" | sed -n '/^  Q15 speed/,$p' |
    awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+x$/) { sub("x", "", $i); print $(i - 1), $i } }')
names=$(echo "$speeds" | awk '{ print $1 }' | paste -sd/ | sed 's|/| / |g')
values=$(echo "$speeds" | awk '{ print $2 }' | paste -sd/ | sed 's|/| / |g')
echo "| | |"
echo "|---|---|"
echo "| gain from \`taps_for\` | $gain |"
echo "| SNR against the f64 result of the same layer (its Q15 taps) on the unquantised sine | $snr dB |"
echo "| SNR against the unquantised filter at the same gain (adds the taps' rounding) | $snr_taps dB |"
echo "| speed, x real time: $names | $values |"
