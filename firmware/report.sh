#!/usr/bin/env bash
# The firmware tables of docs/ (python3 tools/tables.py regenerates them with this).
#
#   firmware/report.sh counts   instructions per output sample of `process` (count.sh),
#                               f32 and Q15, against CMSIS-DSP (cmsis/count.sh), per core
#   firmware/report.sh sizes    flash and RAM of the firmware on both cores
set -euo pipefail
cd "$(dirname "$0")"

counts() {
    # Ours (count.sh) and CMSIS-DSP 1.10.3's arm_fir_interpolate_f32 / _q15 built for the
    # same core (cmsis/count.sh: -O3 -DARM_MATH_LOOPUNROLL, its Helium paths on the M55),
    # counted the same way in the same run. CMSIS has no interleaved-stereo interpolator:
    # stereo's ratio is to our own mono_x2 on that core.
    declare -A ours cmsis
    local core
    for core in m0 m4f m33 m55; do
        while read -r name _ _ _ _ _ _ per _; do
            ours[$core.$name]=$per
        done < <(./count.sh "$core" | grep 'per output sample')
    done
    while read -r core type shape _ _ per; do
        case $type in f32) cmsis[$core.$shape]=$per ;; q15) cmsis[$core.q15_$shape]=$per ;; esac
    done < <(cmsis/count.sh m0 m4f m33 m55 | grep -E '^m[0-9a-z]+ +(f32|q15) ')
    ratio() { if [ -n "${2:-}" ]; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; else echo -; fi; }
    declare -A name=([m0]="Cortex-M0" [m4f]="Cortex-M4F" [m33]="Cortex-M33 (DSP)" [m55]="Cortex-M55")
    echo "| core | shape | f32 | CMSIS f32 | ratio | Q15 | CMSIS Q15 | ratio |"
    echo "|---|---|---|---|---|---|---|---|"
    local s f q cf cq
    for core in m0 m4f m33 m55; do
        for s in mono_x2 mono_x4 mono_x3_48k; do
            f=${ours[$core.$s]} q=${ours[$core.q15_$s]}
            cf=${cmsis[$core.$s]:-} cq=${cmsis[$core.q15_$s]:-}
            echo "| ${name[$core]} | $s | $f | ${cf:--} | $(ratio "$f" "$cf") | $q | ${cq:--} | $(ratio "$q" "$cq") |"
        done
        f=${ours[$core.stereo_dw_x2]} q=${ours[$core.q15_stereo_dw_x2]}
        echo "| ${name[$core]} | stereo_dw_x2 (to our mono_x2) | $f | - | $(ratio "$f" "${ours[$core.mono_x2]}") | $q | - | $(ratio "$q" "${ours[$core.q15_mono_x2]}") |"
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
