#!/usr/bin/env bash
# Guest instructions per multiply-add of the NEON and AVX2 kernels on the seven benchmark
# shapes (docs/speed.md), counted under QEMU user mode with the TCG plugin tools/tcg/insn.c:
# NEON under qemu-aarch64 -cpu neoverse-n1 (NEON without SVE, so that glibc's memcpy is
# its NEON one, as on most aarch64 hosts; AARCH64_CPU=max gives its SVE one), AVX2 (with
# FMA) under qemu-x86_64 -cpu max (QEMU >= 7.2's TCG runs AVX2 and FMA; it has no
# AVX-512; X86_CPU overrides it). The harness refuses a backend the CPU lacks.
#
#   tools/insn_count.sh                    # all seven shapes
#   tools/insn_count.sh mono_x2 tiny_nn    # some
#   MIX=1 tools/insn_count.sh              # and each kernel's commonest instructions,
#                                          # and its share of instructions in libc
#
# The harness (examples/kernel_count.rs) builds a shape's layer and runs `forward_with` N
# times; each shape runs for N1 and N2 passes (default 2 and 12), so that the setup
# cancels: per pass = (count(N2) - count(N1)) / (N2 - N1), and per multiply-add that over
# FLOPS / 2 (FLOPS = 2 * L * CIN * COUT/G * K, the layer's constant). A NEON FMLA does 4
# multiply-adds, an AVX2 VFMADD 8: the ideal is 0.25 and 0.125 instructions per
# multiply-add, and "% ideal" is the ideal over the count. "MACs/FMA" is the
# multiply-adds over the vector FMAs executed (4 and 8 when every lane is useful),
# "FMA %" the FMAs' share of all instructions. The counts are exact and repeatable (not
# timings), so this may run beside other work.
#
# Needs qemu-user (with plugin support, as Debian's), gcc, gcc-aarch64-linux-gnu and the
# aarch64-unknown-linux-gnu Rust target. Its own target directory, CARGO_TARGET_DIR
# (default target/insn); progress goes to standard error, the table to standard output.
set -euo pipefail
cd "$(dirname "$0")/.."

N1=${N1:-2}
N2=${N2:-12}
MIX=${MIX:-0}
AARCH64_CPU=${AARCH64_CPU:-neoverse-n1}
X86_CPU=${X86_CPU:-max}
ARM64=aarch64-unknown-linux-gnu
X86=x86_64-unknown-linux-gnu
SHAPES=(mono_x2 mono_x4 mono_x3_48k stereo_dw_x2 tiny_nn melgan_small hifigan_up1)
[ $# -gt 0 ] && SHAPES=("$@")
[ "$N2" -gt "$N1" ] || { echo "N2 ($N2) must exceed N1 ($N1)" >&2; exit 1; }

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target/insn}
mkdir -p "$CARGO_TARGET_DIR/tcg"
T=$(cd "$CARGO_TARGET_DIR" && pwd)
plugin=$T/tcg/libinsn.so
log=$T/tcg/log

echo "building the plugin and the harness ($X86, $ARM64) in $T" >&2
gcc -shared -fPIC -O2 -Wall -Wextra -o "$plugin" tools/tcg/insn.c
cargo build --release -q --example kernel_count --target "$X86" >&2
CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=${CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER:-aarch64-linux-gnu-gcc} \
    cargo build --release -q --example kernel_count --target "$ARM64" >&2

# run <backend> <shape> <reps> <log file>: the harness under its QEMU, with the plugin.
run() {
    local qemu bin
    case $1 in
    neon) qemu=(qemu-aarch64 -cpu "$AARCH64_CPU" -L /usr/aarch64-linux-gnu) bin=$T/$ARM64/release/examples/kernel_count ;;
    avx2) qemu=(qemu-x86_64 -cpu "$X86_CPU") bin=$T/$X86/release/examples/kernel_count ;;
    esac
    "${qemu[@]}" -plugin "$plugin,mix=on,sym=on" -d plugin -D "$4" "$bin" "$2" "$1" "$3"
}

# per_mac <log N1> <log N2> <flops> <FMA mnemonic regex>: "insns/MAC MACs/FMA FMA%".
per_mac() {
    awk -v d=$((N2 - N1)) -v macs=$(($3 / 2)) -v fma="$4" '
        FNR == 1 { f++ }
        $1 == "insns" { n[f] = $2 }
        $1 == "mnem" && $2 ~ ("^(" fma ")$") { k[f] += $3 }
        END {
            pass = (n[2] - n[1]) / d; fmas = (k[2] - k[1]) / d
            printf "%.4f %s %.0f\n", pass / macs, (fmas ? sprintf("%.2f", macs / fmas) : "-"),
                100 * fmas / pass
        }' "$1" "$2"
}

# mix <log N1> <log N2> <flops>: the commonest instructions of one pass, per multiply-add,
# then " | " and the share of the pass outside the executable (libc: memcpy, memset).
mix() {
    join <(awk '$1 == "mnem" { print $2, $3 }' "$1" | sort) \
        <(awk '$1 == "mnem" { print $2, $3 }' "$2" | sort) |
        awk -v d=$((N2 - N1)) -v macs=$(($3 / 2)) '
            { v = ($3 - $2) / d / macs; if (v > 0) printf "%.4f %s\n", v, $1 }' |
        sort -rn | head -8 | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1 }'
    awk 'FNR == 1 { f++ } $1 == "insns" { n[f] = $2 } $1 == "sym" && $2 == "?" { o[f] = $3 }
        END { printf " | %.0f %%\n", 100 * (o[2] - o[1]) / (n[2] - n[1]) }' "$1" "$2"
}

rows=()
mixes=()
for shape in "${SHAPES[@]}"; do
    cells=
    for backend in neon avx2; do
        echo "$shape $backend: $N1 and $N2 passes" >&2
        for n in "$N1" "$N2"; do
            out=$(run "$backend" "$shape" "$n" "$log.$backend.$n") || {
                echo "the harness failed ($shape, $backend, $n passes)" >&2
                exit 1
            }
        done
        flops=$(echo "$out" | awk '$1 == "flops" { print $2 }')
        case $backend in
        neon) ideal=0.25 fma='fmla' ;;
        avx2) ideal=0.125 fma='vfmadd(132|213|231)ps' ;;
        esac
        read -r ipm mpf share < <(per_mac "$log.$backend.$N1" "$log.$backend.$N2" "$flops" "$fma")
        pct=$(awk -v i="$ideal" -v x="$ipm" 'BEGIN { printf "%.0f", 100 * i / x }')
        cells+=" $ipm | $pct % | $mpf | $share % |"
        mixes+=("| $shape | $backend | $(mix "$log.$backend.$N1" "$log.$backend.$N2" "$flops") |")
    done
    rows+=("| $shape | $((flops / 2)) |$cells")
done

echo "Instructions per multiply-add, one forward pass ($N2 - $N1 passes, setup cancelled;"
echo "qemu-aarch64 -cpu $AARCH64_CPU, qemu-x86_64 -cpu $X86_CPU)."
echo "Ideal: NEON 0.25 (FMLA, 4 lanes), AVX2 0.125 (VFMADD, 8 lanes)."
echo
echo "| shape | MACs | NEON insns/MAC | NEON % ideal | NEON MACs/FMA | NEON FMA % | AVX2 insns/MAC | AVX2 % ideal | AVX2 MACs/FMA | AVX2 FMA % |"
echo "|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
if [ "$MIX" != 0 ]; then
    echo
    echo "| shape | backend | commonest instructions, per multiply-add | in libc |"
    echo "|---|---|---|---|"
    printf '%s\n' "${mixes[@]}"
fi
