#!/usr/bin/env bash
# Builds the minimal image and the empty one for the Cortex-M4F (f32 layer) and the
# Cortex-M0 (Q15 layer) and fails if
#   - text + data of `minimal` less that of `empty` is above the budget (3072 bytes on the
#     M4F, 2560 on the M0): the library's code on this path, beyond the weights. (On the
#     M4F the sliding-window FPU loop, src/kernels/arm/vfp/ring.rs, is about 1 KB of it;
#     on the M0, compiler-builtins' division, 408 bytes, is linked for the stream's
#     window arithmetic, and the block copy is the library's own loop, not memcpy.)
#   - any function branches into a panic (`core::panicking`, the slice index failures,
#     `unwrap_failed`, `expect_failed`), or the panic handler is linked at all;
#   - `memmove` is linked (the layer has no latency and a short history: nothing moves);
#   - the stream state is not in `.bss`, or `.data` is not empty.
#
#     firmware/minimal/check.sh              # the check
#     firmware/minimal/check.sh --self-test  # a broken variant must fail each check
#
# Builds go to firmware/minimal/target (or $CARGO_TARGET_DIR).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
target_dir=${CARGO_TARGET_DIR:-$here/target}
tools="$(rustc --print sysroot)/lib/rustlib/x86_64-unknown-linux-gnu/bin"
size="$tools/llvm-size"
objdump="$tools/llvm-objdump"
nm="$tools/llvm-nm"

features=()
if [[ ${1:-} == --self-test ]]; then
    features=(--features perturb)
fi

# What a panicking path calls: a branch from any other function into one of these fails.
panics='core::panicking|panic_bounds_check|slice_index_fail|slice_end_index_len_fail|slice_start_index_len_fail|core::slice::index|unwrap_failed|expect_failed|panic_const'

# check TARGET BUDGET RUSTFLAGS: prints the sizes and every failure, returns 1 on any.
check() {
    local target=$1 budget=$2 flags=$3 bad=0
    # RUSTFLAGS replaces every config file's rustflags (firmware/.cargo/config.toml's
    # too): the build is exactly this one.
    RUSTFLAGS="$flags" cargo build --quiet --release --bins --target "$target" \
        --target-dir "$target_dir" "${features[@]}"
    local dir="$target_dir/$target/release"
    echo "== $target"
    "$size" "$dir/minimal" "$dir/empty"
    local used
    used=$("$size" "$dir/minimal" "$dir/empty" | awk 'NR == 2 { m = $1 + $2 } NR == 3 { e = $1 + $2 } END { print m - e }')
    echo "minimal - empty (text + data): $used bytes (budget $budget)"
    if ((used > budget)); then
        echo "FAIL: $target: the library takes $used bytes, above the budget of $budget"
        bad=1
    fi

    local calls
    calls=$("$objdump" -d --demangle --no-show-raw-insn "$dir/minimal" | awk -v panics="$panics" '
        /^[0-9a-f]+ <.*>:$/ { fn = substr($0, index($0, "<") + 1); sub(/>:$/, "", fn); next }
        /\t(b|bl|blx|cbz|cbnz)(\.w|eq|ne|cs|cc|hs|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le)?(\.w)?\t/ {
            if (!match($0, /<[^>]*>/)) next
            to = substr($0, RSTART + 1, RLENGTH - 2); sub(/\+0x[0-9a-f]+$/, "", to)
            if (to ~ panics && fn !~ panics && fn !~ /rust_begin_unwind/) print fn " -> " to
        }' | sort -u)
    if [[ -n $calls ]]; then
        echo "FAIL: $target: branches into a panic:"
        echo "$calls" | sed 's/^/    /'
        bad=1
    fi
    if "$nm" --demangle "$dir/minimal" | grep -q 'rust_begin_unwind'; then
        echo "FAIL: $target: the panic handler is linked: something can panic"
        bad=1
    fi
    if "$nm" "$dir/minimal" | grep -qi 'memmove'; then
        echo "FAIL: $target: memmove is linked"
        bad=1
    fi

    local state data
    state=$("$objdump" -t --demangle "$dir/minimal" | awk '/STATE/ { print $(NF - 2) }')
    if [[ $state != .bss ]]; then
        echo "FAIL: $target: the stream state is in '${state:-nowhere}', not .bss"
        bad=1
    fi
    data=$("$size" -A "$dir/minimal" | awk '$1 == ".data" { print $2 }')
    if [[ ${data:-0} != 0 ]]; then
        echo "FAIL: $target: .data holds $data bytes (flash copied to RAM at reset)"
        bad=1
    fi
    return "$bad"
}

run_all() {
    local bad=0
    check thumbv7em-none-eabihf 3072 "-C link-arg=-Tlink.x -C target-cpu=cortex-m4" || bad=1
    check thumbv6m-none-eabi 2560 "-C link-arg=-Tlink.x" || bad=1
    return "$bad"
}

if ((${#features[@]} == 0)); then
    if run_all; then
        echo "ok: within budget, panic-free, no memmove, state in .bss"
    else
        exit 1
    fi
else
    # The `perturb` variant slices with a run-time bound, moves its output and keeps a
    # counter in .data: each check must catch its breakage, on both targets.
    out=$(run_all 2>&1) && status=0 || status=$?
    echo "$out"
    missed=0
    for what in "branches into a panic" "panic handler is linked" "memmove is linked" ".data holds"; do
        found=$(grep -c "FAIL: .*$what" <<<"$out" || true)
        if ((found != 2)); then
            echo "self-test: '$what' reported on $found of the 2 targets, not both"
            missed=1
        fi
    done
    if ((status == 0 || missed)); then
        echo "self-test FAILED: check.sh passes a broken image"
        exit 1
    fi
    echo "self-test ok: the broken variant fails every check it breaks"
fi
