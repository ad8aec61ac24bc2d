#!/usr/bin/env bash
# Executed instructions per output sample of CMSIS-DSP's arm_fir_interpolate_f32 and
# arm_fir_interpolate_q15 (CMSIS-DSP 1.10.3, arm-none-eabi-gcc -O3 -DARM_MATH_LOOPUNROLL)
# on four cores under QEMU, counted the same way as firmware/count.sh counts `process`:
#
#   m0   Cortex-M0          -machine microbit      f32 in soft float (libgcc)
#   m4f  Cortex-M4F         -machine mps2-an386    FPv4-SP, DSP extension
#   m33  Cortex-M33         -machine mps2-an505    FPv5-SP, DSP extension
#   m55  Cortex-M55         -machine mps3-an547    Helium (MVE-I and MVE-F) code paths
#
# Needs arm-none-eabi-gcc, qemu-system-arm and pip (network access to PyPI). CMSIS-DSP's
# C sources are not part of this repository: they are taken at run time from the
# cmsisdsp sdist on PyPI, which carries CMSIS-DSP's Source/ and Include/ (not CMSIS-Core:
# include/cmsis_compiler.h here stands in for the little of it these functions use).
#
# Method: harness.c runs, per shape, one warm-up block and then one counted block between
# count_start() and count_stop(). QEMU runs with one guest instruction per translation
# block (-singlestep) and logs every block executed (-d exec,nochain), so each log line
# is one executed instruction; the lines from the first instruction of count_start to the
# first of count_stop are one arm_fir_interpolate_* call (plus the marker calls' few
# instructions), divided by the outputs it wrote. The harness checks every output of the
# counted call against a direct computation and prints "check ok" per call.
#
# The Cortex-M0 has 16 KiB of RAM, so its block lengths are divided by 4 (L = 256, 256,
# 120 instead of 1024, 1024, 480); the per-output count barely depends on L.
#
# Usage: firmware/cmsis/count.sh [core...]      (default: m0 m4f m33 m55)
# Env:   CMSISDSP_SRC=<unpacked cmsisdsp-1.10.3>  use these sources instead of downloading
#        KEEP_TMP=1                              keep the build directory
# Output: one line per (core, type, shape): instructions, outputs, instructions per output.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cores=("$@")
[ ${#cores[@]} -gt 0 ] || cores=(m0 m4f m33 m55)

tmp=$(mktemp -d /tmp/cmsis-count.XXXXXX)
if [ -z "${KEEP_TMP:-}" ]; then trap 'rm -rf "$tmp"' EXIT; else echo "build directory: $tmp" >&2; fi

# ---- CMSIS-DSP sources, out of tree
if [ -n "${CMSISDSP_SRC:-}" ]; then
    src=$CMSISDSP_SRC
else
    # pip prepares the sdist's metadata even for `download`; that runs its setup.py, which
    # imports numpy. Without numpy in this Python, let pip build it in an isolated
    # environment (pip fetches numpy as a wheel for that).
    if ! pip download -q --no-deps --no-build-isolation --no-binary cmsisdsp cmsisdsp==1.10.3 \
            -d "$tmp/dl" >"$tmp/pip.log" 2>&1; then
        pip download -q --no-deps --no-binary cmsisdsp cmsisdsp==1.10.3 -d "$tmp/dl" \
            >>"$tmp/pip.log" 2>&1 || { cat "$tmp/pip.log" >&2; exit 1; }
    fi
    tar -xzf "$tmp/dl/cmsisdsp-1.10.3.tar.gz" -C "$tmp"
    src=$tmp/cmsisdsp-1.10.3
fi
[ -f "$src/Source/FilteringFunctions/arm_fir_interpolate_f32.c" ] ||
    { echo "no CMSIS-DSP sources in $src" >&2; exit 1; }

flags_of() {
    case $1 in
        m0) echo "-mcpu=cortex-m0 -mthumb -mfloat-abi=soft -DL_DIV=4" ;;
        m4f) echo "-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard" ;;
        m33) echo "-mcpu=cortex-m33 -mthumb -mfpu=fpv5-sp-d16 -mfloat-abi=hard" ;;
        # cortex-m55 implies +mve.fp; gcc then defines __ARM_FEATURE_MVE=3, from which
        # arm_math_types.h defines ARM_MATH_MVEI and ARM_MATH_MVEF; ARM_MATH_HELIUM
        # says the same explicitly.
        m55) echo "-mcpu=cortex-m55 -mthumb -mfloat-abi=hard -DARM_MATH_HELIUM" ;;
        *) echo "unknown core $1" >&2; exit 2 ;;
    esac
}
qemu_of() {
    case $1 in
        m0) echo "-machine microbit -cpu cortex-m0" ;;
        m4f) echo "-machine mps2-an386 -cpu cortex-m4" ;;
        m33) echo "-machine mps2-an505" ;;
        m55) echo "-machine mps3-an547" ;;
    esac
}

cmsis_files=(arm_fir_interpolate_f32 arm_fir_interpolate_init_f32
             arm_fir_interpolate_q15 arm_fir_interpolate_init_q15)

build() {
    local core=$1 d=$tmp/$1 f
    mkdir -p "$d"
    local flags
    flags="$(flags_of "$core") -O3 -DARM_MATH_LOOPUNROLL -ffunction-sections -fdata-sections"
    local inc="-I$here/include -I$src/Include -I$src/PrivateInclude"
    for f in "${cmsis_files[@]}"; do
        # shellcheck disable=SC2086
        arm-none-eabi-gcc $flags $inc -c "$src/Source/FilteringFunctions/$f.c" -o "$d/$f.o"
    done
    # shellcheck disable=SC2086
    arm-none-eabi-gcc $flags $inc -ffreestanding -c "$here/harness.c" -o "$d/harness.o"
    # shellcheck disable=SC2086
    arm-none-eabi-gcc $flags -nostdlib -nostartfiles -L"$here" -T"$here/$core.ld" \
        -Wl,--gc-sections "$d"/*.o -lgcc -o "$d/harness.elf"
}

# Address (Thumb bit cleared, 8 hex digits) of a symbol in an ELF.
addr() {
    printf '%08x' $(( 0x$(arm-none-eabi-nm "$1" | awk -v s="$2" '$3 == s { print $1 }') & ~1 ))
}

# Helium check: the M55 build must really contain the MVE kernels. (objdump decodes MVE
# only when told the architecture; otherwise it shows those encodings as ldc/cdp.)
check_helium() {
    local elf=$1 dis=$tmp/m55/harness.dis fn n what
    arm-none-eabi-objdump -d --no-show-raw-insn -m armv8.1-m.main "$elf" >"$dis"
    for fn in arm_fir_interpolate_f32 arm_fir_interpolate_q15; do
        # The function and any static helpers of its file (arm_fir_interpolate2_f32_mve...).
        awk -v f="$fn" '/^[0-9a-f]+ <.*>:$/ { on = index($2, "<" f) == 1 || ($2 ~ /_mve>:$/ && index($2, "<" substr(f, 1, 19)) == 1); next }
                        on && NF >= 2 { print $2 }' "$dis" >"$dis.$fn"
        n=$(grep -cE '^(vldr[bhw]|vstr[bhw]|vfma|vmla|vmlal|vmlaldav|vmlalva|vctp|vfmas)' "$dis.$fn" || true)
        what=$(grep -E '^(vldr[bhw]|vstr[bhw]|vfma|vmla|vmlal|vmlalva|vctp)' "$dis.$fn" | sort | uniq -c |
            sort -rn | awk '{ printf "%s%s x%s", sep, $2, $1; sep = ", " }' || true)
        if [ "$n" -eq 0 ]; then
            echo "m55: $fn contains no MVE instructions: the Helium path was not compiled" >&2
            exit 1
        fi
        echo "m55: $fn (Helium path): $what" >&2
    done
}

run() {
    local core=$1 elf=$tmp/$1/harness.elf log=$tmp/$1/log
    local start stop
    start=$(addr "$elf" count_start)
    stop=$(addr "$elf" count_stop)
    [ "$start" != "$stop" ] || { echo "count_start and count_stop share an address" >&2; exit 1; }
    # The log (one line per executed instruction, a few hundred MB) goes through a FIFO
    # straight into awk, never to disk.
    # Trace lines read "Trace 0: 0x... [cs_base/pc/flags/cflags] symbol"; the pc is the
    # second part of field 4 (as in firmware/count.sh).
    mkfifo "$log"
    awk -v start="$start" -v stop="$stop" '
      /^Trace/ {
        split($4, f, "/"); pc = substr(f[2], length(f[2]) - 7)
        if (pc == start) { counting = 1; n = 0 }
        if (counting) n++
        if (pc == stop && counting) { counting = 0; counts[++shape] = n - 1 }
      }
      END { for (i = 1; i <= shape; i++) print counts[i] }' "$log" >"$log.counts" &
    local awk_pid=$! rc=0
    # shellcheck disable=SC2046
    timeout 600 qemu-system-arm $(qemu_of "$core") -nographic \
        -semihosting-config enable=on,target=native -singlestep -d exec,nochain -D "$log" \
        -kernel "$elf" >"$log.out" 2>&1 </dev/null || rc=$?
    # Should QEMU have exited without opening the log, awk still waits in open(): give it
    # a writer and close it (an O_RDWR open of a FIFO never blocks).
    exec 3<>"$log"; exec 3>&-
    wait "$awk_pid"
    rm -f "$log"
    if [ "$rc" -ne 0 ] || grep -q 'FAILED\|fault' "$log.out"; then
        echo "$core: QEMU exit $rc:" >&2; cat "$log.out" >&2; exit 1
    fi
    local want got
    want=$(grep -c ' outputs check ok$' "$log.out")
    got=$(wc -l <"$log.counts")
    [ "$want" -eq 6 ] && [ "$got" -eq 6 ] ||
        { echo "$core: expected 6 counted calls, got $got counts and $want checked outputs" >&2
          cat "$log.out" >&2; exit 1; }
    paste -d' ' <(grep ' outputs check ok$' "$log.out" | awk '{ print $1, $2, $3 }') "$log.counts" |
        awk -v core="$core" '{ printf "%-4s %s %-12s %9d %6d %7.1f\n", core, $1, $2, $4, $3, $4 / $3 }'
}

printf '%-4s %s %-12s %9s %6s %7s\n' core type shape instr outputs per_out
for core in "${cores[@]}"; do
    build "$core"
    [ "$core" != m55 ] || check_helium "$tmp/m55/harness.elf"
    run "$core"
done
