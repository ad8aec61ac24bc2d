#!/usr/bin/env bash
# Executed instructions per output sample of `process` on one Cortex-M core under QEMU,
# for the three mono benchmark shapes and interleaved stereo, f32 and Q15:
#
#   firmware/count.sh [m0|m4f|m7|m33|m55]      (default m4f; run.sh lists the cores)
#
# Method: QEMU runs the `count` binary with one guest instruction per translation block
# (-singlestep) and logs every block it executes (-d exec,nochain: no chaining, so every
# execution is logged). Each log line is then one executed instruction. The lines from the
# first instruction of `count_start` to the first of `count_stop` are the instructions of
# one `process` call (dispatch, history copy, kernel and all, plus the two marker calls'
# few instructions), divided by the outputs it wrote.
set -euo pipefail
cd "$(dirname "$0")"
core=${1:-m4f}
log=$(mktemp)
trap 'rm -f "$log" "$log.out" "$log.counts"' EXIT
QEMU_EXTRA="-singlestep -d exec,nochain -D $log" ./run.sh "$core" run --release -q --bin count > "$log.out"
case $core in
m0) elf=target/thumbv6m-none-eabi/release/count ;;
m4f) elf=target/thumbv7em-none-eabihf/release/count ;;
m7) elf=target/m7/thumbv7em-none-eabihf/release/count ;;
*) elf=target/$core/thumbv8m.main-none-eabihf/release/count ;;
esac
nm=$(command -v llvm-nm || echo "$(rustc --print sysroot)/lib/rustlib/x86_64-unknown-linux-gnu/bin/llvm-nm")
addr() { printf '%08x' $(( 0x$("$nm" "$elf" | awk -v s="$1" '$3 == s { print $1 }') & ~1 )); }
start=$(addr count_start)
stop=$(addr count_stop)
cat "$log.out"
# Trace lines read "Trace 0: 0x... [cs_base/pc/flags/cflags] symbol"; the pc is the second part of field 4.
awk -v start="$start" -v stop="$stop" '
  /^Trace/ {
    split($4, f, "/"); pc = substr(f[2], length(f[2]) - 7)
    if (pc == start) { counting = 1; n = 0 }
    if (counting) n++
    if (pc == stop && counting) { counting = 0; counts[++shape] = n - 1 }
  }
  END { for (i = 1; i <= shape; i++) print counts[i] }' "$log" > "$log.counts"
paste <(grep -o '^[a-z_0-9]*: [0-9]* outputs' "$log.out" | awk '{ print $1, $2 }') "$log.counts" |
  awk '{ sub(":", "", $1); printf "%-16s %8d instructions / %5d outputs = %5.1f per output sample\n", $1, $3, $2, $3 / $2 }'
