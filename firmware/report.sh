#!/usr/bin/env bash
# The firmware tables of docs/ (python3 tools/tables.py regenerates them with this).
#
#   firmware/report.sh counts   instructions per output sample of `process` on the
#                               Cortex-M4F (count.sh), f32 and Q15, against CMSIS-DSP
#   firmware/report.sh sizes    flash and RAM of the firmware on both cores
set -euo pipefail
cd "$(dirname "$0")"

counts() {
    # CMSIS-DSP 1.10.3's arm_fir_interpolate_f32 / _q15, -O3 -DARM_MATH_LOOPUNROLL,
    # arm-none-eabi-gcc 12.2, one call of the same input length, counted the same way
    # (QEMU 7.2, mps2-an386). Quoted from that measurement; it has no mono_x4 Q15 figure.
    declare -A cmsis=([mono_x2]=42.1 [mono_x4]=40.2 [mono_x3_48k]=40.8
        [q15_mono_x2]=73.5 [q15_mono_x3_48k]=71.7)
    declare -A shape=([mono_x2]="1024, 32, 2" [mono_x4]="1024, 64, 4" [mono_x3_48k]="480, 48, 3")
    declare -A ours
    while read -r name _ _ _ _ _ _ per _; do
        ours[$name]=$per
    done < <(./count.sh | grep 'per output sample')
    ratio() { if [ -n "${2:-}" ]; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; else echo -; fi; }
    echo "| shape | L, K, S | f32 | CMSIS f32 | ratio | Q15 | CMSIS Q15 | ratio |"
    echo "|---|---|---|---|---|---|---|---|"
    for s in mono_x2 mono_x4 mono_x3_48k; do
        f=${ours[$s]} q=${ours[q15_$s]}
        cf=${cmsis[$s]:-} cq=${cmsis[q15_$s]:-}
        echo "| $s | ${shape[$s]} | $f | ${cf:--} | $(ratio "$f" "$cf") | $q | ${cq:--} | $(ratio "$q" "$cq") |"
    done
}

sizes() {
    local size
    size=$(command -v llvm-size || echo "$(rustc --print sysroot)/lib/rustlib/x86_64-unknown-linux-gnu/bin/llvm-size")
    echo "| target | text (flash) | data | bss | peak stack |"
    echo "|---|---|---|---|---|"
    for t in thumbv7em-none-eabihf thumbv6m-none-eabi; do
        cargo build --release -q --target "$t"
        local out stack chain
        out=$(cargo run --release -q --target "$t" 2>&1)
        stack=$(echo "$out" | sed -n 's/^peak stack (.*): \([0-9]*\) bytes$/\1/p')
        chain=$(echo "$out" | sed -n 's/^peak stack of the HiFi-GAN chain.*: \([0-9]*\) bytes$/\1/p')
        streamed=$(echo "$out" | sed -n 's/^peak stack of the HiFi-GAN stream.*: \([0-9]*\) bytes$/\1/p')
        decoder=$(echo "$out" | sed -n 's/^peak stack of the decoder stream.*: \([0-9]*\) bytes$/\1/p')
        read -r text data bss _ < <("$size" "target/$t/release/conv-transpose-firmware" | tail -1)
        local name
        case $t in
            thumbv7em*) name="Cortex-M4F, \`$t\`" ;;
            *) name="Cortex-M0, \`$t\`" ;;
        esac
        echo "| $name | $text | $data | $bss | $stack; decoder streamed: $decoder${chain:+; HiFi-GAN tail: $chain whole, $streamed streamed} |"
    done
}

case ${1:-} in
    counts) counts ;;
    sizes) sizes ;;
    *) echo "usage: $0 counts|sizes" >&2; exit 2 ;;
esac
