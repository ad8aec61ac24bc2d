#!/usr/bin/env bash
# Builds or runs the firmware for one Cortex-M core on its QEMU machine:
#
#   firmware/run.sh CORE CARGO-COMMAND [ARGS...]    e.g.  firmware/run.sh m55 run --release
#
# CORE   target                      QEMU machine   built with
# m0     thumbv6m-none-eabi          microbit       (no FPU, no DSP extension)
# m4f    thumbv7em-none-eabihf       mps2-an386     target-cpu=cortex-m4 (FPU, DSP)
# m7     thumbv7em-none-eabihf       mps2-an500     target-cpu=cortex-m7 (FPU, DSP)
# m33    thumbv8m.main-none-eabihf   mps2-an505     target-cpu=cortex-m33, feature arm-dsp
# m55    thumbv8m.main-none-eabihf   mps3-an547     target-cpu=cortex-m55, feature arm-mve (Helium)
#
# m4f and m0 build into target/ (as plain `cargo run` does, with .cargo/config.toml); the
# others into target/CORE/, since their flags differ from their target's defaults. `run`
# builds one binary (the firmware unless --bin names another) and runs it under QEMU,
# with $QEMU_EXTRA added to QEMU's arguments.
set -euo pipefail
cd "$(dirname "$0")"
usage="usage: run.sh m0|m4f|m7|m33|m55 CARGO-COMMAND [ARGS...]"
core=${1:?$usage}
cmd=${2:?$usage}
shift 2
features=()
case $core in
m0) target=thumbv6m-none-eabi machine="-machine microbit -cpu cortex-m0" ;;
m4f) target=thumbv7em-none-eabihf machine="-machine mps2-an386 -cpu cortex-m4" ;;
m7) target=thumbv7em-none-eabihf cpu=cortex-m7 machine="-machine mps2-an500 -cpu cortex-m7" ;;
m33)
    target=thumbv8m.main-none-eabihf cpu=cortex-m33 machine="-machine mps2-an505"
    features=(--features arm-dsp)
    ;;
m55)
    target=thumbv8m.main-none-eabihf cpu=cortex-m55 machine="-machine mps3-an547"
    features=(--features arm-mve)
    ;;
*)
    echo "run.sh: unknown core $core; $usage" >&2
    exit 2
    ;;
esac
if [ -n "${cpu:-}" ]; then
    # RUSTFLAGS replaces the target's rustflags of .cargo/config.toml (and reaches no
    # build script, with --target); build.rs picks the memory map from FIRMWARE_MACHINE.
    export RUSTFLAGS="-C link-arg=-Tlink.x -C target-cpu=$cpu"
    export CARGO_TARGET_DIR=target/$core
    export FIRMWARE_MACHINE=${machine#-machine }
    FIRMWARE_MACHINE=${FIRMWARE_MACHINE%% *}
fi
if [ "$cmd" != run ]; then
    exec cargo "$cmd" --target "$target" "${features[@]}" "$@"
fi
case " $* " in *" --bin "*) ;; *) set -- "$@" --bin conv-transpose-firmware ;; esac
elf=$(cargo build --target "$target" "${features[@]}" "$@" --message-format=json-render-diagnostics |
    python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable"):
        print(m["executable"])')
# shellcheck disable=SC2086 # the machine and QEMU_EXTRA are lists of arguments
exec qemu-system-arm $machine -nographic -semihosting-config enable=on,target=native \
    ${QEMU_EXTRA:-} -kernel "$elf"
