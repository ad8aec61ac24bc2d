//! The FPU loop over a sliding window of inputs, for the phases whose taps step back one
//! frame at a time (no dilation): mono and channels-first rows (`E = 1` sample a frame),
//! interleaved stereo (`E = 2`) and four channels (`E = 4`).
//!
//! Tap `j` of a block's twelve outputs reads the twelve inputs `e = m - E*j`, `m < 12`:
//! the window of tap `j + 1` is that of tap `j` moved down by `E` samples. So the inputs
//! stay in sixteen registers used as a ring, `s[(e + 4 - E) mod 16]`, and each group of
//! `4 / E` taps loads only the four samples it adds below the window (one `vldmdb`) and
//! its four weights (one `vldmia`, from a copy of the phase's weights in the order the
//! loop reads them), then does its `12 * 4 / E` multiply-adds: 52 instructions for four
//! mono taps of twelve outputs, where reloading the window costs 72. Sixteen samples
//! make the ring's period four groups, the loop's body; the taps that do not fill a
//! group (`count mod 4/E`, the first ones, so the sums keep their order) go one by one.
//! Registers: s0-s15 the ring, s16-s27 the accumulators, s28-s31 a group's weights (s28
//! the fused activation's operand once the taps are done).

use core::arch::asm;

use crate::activation::sealed::Op;
use crate::activation::Activation;
use crate::kernels::rows::ROWS;

use super::fused;

/// The weights a phase may have for these loops (taps times `E`): the loop reads them
/// from a copy of this many floats on the stack. Longer phases take the loop that
/// reloads its window.
const MAX_WEIGHTS: usize = 64;

/// The operands the block reads from memory: the packed weights, the taps before the
/// first group, the groups and the fused activation's operand.
#[repr(C)]
struct Ring {
    w: *const f32,
    rem: usize,
    groups: usize,
    k: f32,
}

/// `blocks` runs of twelve outputs of one phase, `E` lanes interleaved: `y[f * y_step +
/// l] = act(start[m] + sum_j x[b * 12 + m - j * E] * w[j * w_step + l])` for block `b`,
/// `m = f * E + l < 12`, taps `j < count` in increasing order, with `vmla` (the portable
/// kernel's arithmetic), ReLU and LeakyReLU fused (the caller applies a Tanh). Returns
/// `false`, writing nothing, for a phase of more than `MAX_WEIGHTS / E` taps.
///
/// # Safety
/// For every block `b < blocks` and tap `j < count`, `x + b * 12 - j * E .. + 12` and
/// `w + j * w_step .. + E` are readable and `y + (b * 12 / E + f) * y_step .. + E`
/// writable for every `f < 12 / E`; `x`, `y` and `start` are aligned for `f32` (as every
/// `&[f32]` is).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn ring<A: Activation, const E: usize>(
    act: A,
    start: &[f32; ROWS],
    x: *const f32,
    w: *const f32,
    w_step: usize,
    count: usize,
    y: *mut f32,
    y_step: usize,
    blocks: usize,
) -> bool {
    const { assert!(ROWS == 12 && (E == 1 || E == 2 || E == 4)) };
    if count == 0 || count > MAX_WEIGHTS / E || blocks == 0 {
        return false;
    }
    let mut packed = [0.0f32; MAX_WEIGHTS];
    for (j, taps) in packed.chunks_exact_mut(E).take(count).enumerate() {
        for (l, v) in taps.iter_mut().enumerate() {
            // SAFETY: j < count and l < E: readable by the contract.
            *v = unsafe { w.add(j * w_step + l).read() };
        }
    }
    let per_group = 4 / E;
    let rem = count % per_group;
    let args = Ring {
        w: packed.as_ptr(),
        rem,
        groups: (count - rem) / per_group,
        k: if matches!(A::OP, Op::LeakyRelu) {
            act.slope()
        } else {
            0.0
        },
    };
    // Stable Rust cannot name the FPU registers as asm operands on these targets, so the
    // block saves and restores all 32 itself.
    // SAFETY: the block reads `start`, `args`, the packed weights (`count * E` of them)
    // and, for each block, x + b * 12 - j * E .. + 12 for j < count (the remainder taps
    // load twelve, the ring's first load the window above tap 0 and each group the four
    // below, which its last tap reads), and writes the outputs: all valid by the
    // contract. It leaves every register but the named integer ones as it found them.
    unsafe {
        macro_rules! run {
            ($e:tt, $mode:ident) => {
                asm!(
                    ring_template!($e, $mode),
                    start = in(reg) start.as_ptr(),
                    p = in(reg) &args,
                    x = inout(reg) x => _,
                    y = inout(reg) y => _,
                    nb = inout(reg) blocks => _,
                    ys = in(reg) y_step * 4,
                    xp = out(reg) _,
                    wp = out(reg) _,
                    n = out(reg) _,
                )
            };
        }
        macro_rules! lanes {
            ($mode:ident) => {
                match E {
                    1 => run!(1, $mode),
                    2 => run!(2, $mode),
                    _ => run!(4, $mode),
                }
            };
        }
        match A::OP {
            Op::Relu => lanes!(relu),
            Op::LeakyRelu => lanes!(leaky),
            _ => lanes!(none),
        }
    }
    true
}

/// Tap `j`'s twelve multiply-adds: accumulator `s(16 + m)` takes input `$x[m]` times
/// weight `$w[m % 4]` (the lane's: one weight four times for mono, two in turn for
/// stereo, four for four channels).
macro_rules! tap {
    ($x0:literal $x1:literal $x2:literal $x3:literal $x4:literal $x5:literal $x6:literal
     $x7:literal $x8:literal $x9:literal $x10:literal $x11:literal;
     $w0:literal $w1:literal $w2:literal $w3:literal) => {
        concat!(
            "vmla.f32 s16, ",
            $x0,
            ", ",
            $w0,
            "\n",
            "vmla.f32 s17, ",
            $x1,
            ", ",
            $w1,
            "\n",
            "vmla.f32 s18, ",
            $x2,
            ", ",
            $w2,
            "\n",
            "vmla.f32 s19, ",
            $x3,
            ", ",
            $w3,
            "\n",
            "vmla.f32 s20, ",
            $x4,
            ", ",
            $w0,
            "\n",
            "vmla.f32 s21, ",
            $x5,
            ", ",
            $w1,
            "\n",
            "vmla.f32 s22, ",
            $x6,
            ", ",
            $w2,
            "\n",
            "vmla.f32 s23, ",
            $x7,
            ", ",
            $w3,
            "\n",
            "vmla.f32 s24, ",
            $x8,
            ", ",
            $w0,
            "\n",
            "vmla.f32 s25, ",
            $x9,
            ", ",
            $w1,
            "\n",
            "vmla.f32 s26, ",
            $x10,
            ", ",
            $w2,
            "\n",
            "vmla.f32 s27, ",
            $x11,
            ", ",
            $w3,
            "\n",
        )
    };
}
use tap;

/// The taps before the first group, one at a time (none for four channels, whose group
/// is one tap): the twelve inputs into s0-s11, the tap's `E` weights into s28.., then
/// down `E` samples.
macro_rules! remainder {
    (1) => {
        concat!(
            "vldmia {xp}, {{s0-s11}}\n",
            "vldmia {wp}!, {{s28}}\n",
            tap!("s0" "s1" "s2" "s3" "s4" "s5" "s6" "s7" "s8" "s9" "s10" "s11"; "s28" "s28" "s28" "s28"),
            "sub {xp}, {xp}, #4\n",
        )
    };
    (2) => {
        concat!(
            "vldmia {xp}, {{s0-s11}}\n",
            "vldmia {wp}!, {{s28-s29}}\n",
            tap!("s0" "s1" "s2" "s3" "s4" "s5" "s6" "s7" "s8" "s9" "s10" "s11"; "s28" "s29" "s28" "s29"),
            "sub {xp}, {xp}, #8\n",
        )
    };
    (4) => {
        ""
    };
}
use remainder;

/// The window above the first group's tap: samples `E..12` into s4..s(15 - E), with
/// {xp} left at sample `E`, so that each group's `vldmdb` loads the four below.
macro_rules! window {
    (1) => {
        "add {xp}, {xp}, #4\nvldmia {xp}, {{s4-s14}}\n"
    };
    (2) => {
        "add {xp}, {xp}, #8\nvldmia {xp}, {{s4-s13}}\n"
    };
    (4) => {
        "add {xp}, {xp}, #16\nvldmia {xp}, {{s4-s11}}\n"
    };
}
use window;

/// One period of the ring: four groups, each the four samples below the window into its
/// bank (s0-s3, s12-s15, s8-s11, s4-s7 in turn), four weights, `4 / E` taps, and the
/// exit once the last group is done. Tap `j` of the period reads `s[(m - E*j + 4 - E)
/// mod 16]` for output `m`.
macro_rules! groups {
    (1) => {
        concat!(
            "vldmdb {xp}!, {{s0-s3}}\n",
            "vldmia {wp}!, {{s28-s31}}\n",
            tap!("s3" "s4" "s5" "s6" "s7" "s8" "s9" "s10" "s11" "s12" "s13" "s14"; "s28" "s28" "s28" "s28"),
            tap!("s2" "s3" "s4" "s5" "s6" "s7" "s8" "s9" "s10" "s11" "s12" "s13"; "s29" "s29" "s29" "s29"),
            tap!("s1" "s2" "s3" "s4" "s5" "s6" "s7" "s8" "s9" "s10" "s11" "s12"; "s30" "s30" "s30" "s30"),
            tap!("s0" "s1" "s2" "s3" "s4" "s5" "s6" "s7" "s8" "s9" "s10" "s11"; "s31" "s31" "s31" "s31"),
            "subs {n}, {n}, #1\n",
            "beq 5f\n",
            "vldmdb {xp}!, {{s12-s15}}\n",
            "vldmia {wp}!, {{s28-s31}}\n",
            tap!("s15" "s0" "s1" "s2" "s3" "s4" "s5" "s6" "s7" "s8" "s9" "s10"; "s28" "s28" "s28" "s28"),
            tap!("s14" "s15" "s0" "s1" "s2" "s3" "s4" "s5" "s6" "s7" "s8" "s9"; "s29" "s29" "s29" "s29"),
            tap!("s13" "s14" "s15" "s0" "s1" "s2" "s3" "s4" "s5" "s6" "s7" "s8"; "s30" "s30" "s30" "s30"),
            tap!("s12" "s13" "s14" "s15" "s0" "s1" "s2" "s3" "s4" "s5" "s6" "s7"; "s31" "s31" "s31" "s31"),
            "subs {n}, {n}, #1\n",
            "beq 5f\n",
            "vldmdb {xp}!, {{s8-s11}}\n",
            "vldmia {wp}!, {{s28-s31}}\n",
            tap!("s11" "s12" "s13" "s14" "s15" "s0" "s1" "s2" "s3" "s4" "s5" "s6"; "s28" "s28" "s28" "s28"),
            tap!("s10" "s11" "s12" "s13" "s14" "s15" "s0" "s1" "s2" "s3" "s4" "s5"; "s29" "s29" "s29" "s29"),
            tap!("s9" "s10" "s11" "s12" "s13" "s14" "s15" "s0" "s1" "s2" "s3" "s4"; "s30" "s30" "s30" "s30"),
            tap!("s8" "s9" "s10" "s11" "s12" "s13" "s14" "s15" "s0" "s1" "s2" "s3"; "s31" "s31" "s31" "s31"),
            "subs {n}, {n}, #1\n",
            "beq 5f\n",
            "vldmdb {xp}!, {{s4-s7}}\n",
            "vldmia {wp}!, {{s28-s31}}\n",
            tap!("s7" "s8" "s9" "s10" "s11" "s12" "s13" "s14" "s15" "s0" "s1" "s2"; "s28" "s28" "s28" "s28"),
            tap!("s6" "s7" "s8" "s9" "s10" "s11" "s12" "s13" "s14" "s15" "s0" "s1"; "s29" "s29" "s29" "s29"),
            tap!("s5" "s6" "s7" "s8" "s9" "s10" "s11" "s12" "s13" "s14" "s15" "s0"; "s30" "s30" "s30" "s30"),
            tap!("s4" "s5" "s6" "s7" "s8" "s9" "s10" "s11" "s12" "s13" "s14" "s15"; "s31" "s31" "s31" "s31"),
            "subs {n}, {n}, #1\n",
            "bne 4b\n",
        )
    };
    (2) => {
        concat!(
            "vldmdb {xp}!, {{s0-s3}}\n",
            "vldmia {wp}!, {{s28-s31}}\n",
            tap!("s2" "s3" "s4" "s5" "s6" "s7" "s8" "s9" "s10" "s11" "s12" "s13"; "s28" "s29" "s28" "s29"),
            tap!("s0" "s1" "s2" "s3" "s4" "s5" "s6" "s7" "s8" "s9" "s10" "s11"; "s30" "s31" "s30" "s31"),
            "subs {n}, {n}, #1\n",
            "beq 5f\n",
            "vldmdb {xp}!, {{s12-s15}}\n",
            "vldmia {wp}!, {{s28-s31}}\n",
            tap!("s14" "s15" "s0" "s1" "s2" "s3" "s4" "s5" "s6" "s7" "s8" "s9"; "s28" "s29" "s28" "s29"),
            tap!("s12" "s13" "s14" "s15" "s0" "s1" "s2" "s3" "s4" "s5" "s6" "s7"; "s30" "s31" "s30" "s31"),
            "subs {n}, {n}, #1\n",
            "beq 5f\n",
            "vldmdb {xp}!, {{s8-s11}}\n",
            "vldmia {wp}!, {{s28-s31}}\n",
            tap!("s10" "s11" "s12" "s13" "s14" "s15" "s0" "s1" "s2" "s3" "s4" "s5"; "s28" "s29" "s28" "s29"),
            tap!("s8" "s9" "s10" "s11" "s12" "s13" "s14" "s15" "s0" "s1" "s2" "s3"; "s30" "s31" "s30" "s31"),
            "subs {n}, {n}, #1\n",
            "beq 5f\n",
            "vldmdb {xp}!, {{s4-s7}}\n",
            "vldmia {wp}!, {{s28-s31}}\n",
            tap!("s6" "s7" "s8" "s9" "s10" "s11" "s12" "s13" "s14" "s15" "s0" "s1"; "s28" "s29" "s28" "s29"),
            tap!("s4" "s5" "s6" "s7" "s8" "s9" "s10" "s11" "s12" "s13" "s14" "s15"; "s30" "s31" "s30" "s31"),
            "subs {n}, {n}, #1\n",
            "bne 4b\n",
        )
    };
    (4) => {
        concat!(
            "vldmdb {xp}!, {{s0-s3}}\n",
            "vldmia {wp}!, {{s28-s31}}\n",
            tap!("s0" "s1" "s2" "s3" "s4" "s5" "s6" "s7" "s8" "s9" "s10" "s11"; "s28" "s29" "s30" "s31"),
            "subs {n}, {n}, #1\n",
            "beq 5f\n",
            "vldmdb {xp}!, {{s12-s15}}\n",
            "vldmia {wp}!, {{s28-s31}}\n",
            tap!("s12" "s13" "s14" "s15" "s0" "s1" "s2" "s3" "s4" "s5" "s6" "s7"; "s28" "s29" "s30" "s31"),
            "subs {n}, {n}, #1\n",
            "beq 5f\n",
            "vldmdb {xp}!, {{s8-s11}}\n",
            "vldmia {wp}!, {{s28-s31}}\n",
            tap!("s8" "s9" "s10" "s11" "s12" "s13" "s14" "s15" "s0" "s1" "s2" "s3"; "s28" "s29" "s30" "s31"),
            "subs {n}, {n}, #1\n",
            "beq 5f\n",
            "vldmdb {xp}!, {{s4-s7}}\n",
            "vldmia {wp}!, {{s28-s31}}\n",
            tap!("s4" "s5" "s6" "s7" "s8" "s9" "s10" "s11" "s12" "s13" "s14" "s15"; "s28" "s29" "s30" "s31"),
            "subs {n}, {n}, #1\n",
            "bne 4b\n",
        )
    };
}
use groups;

/// The twelve outputs' stores: one a frame of `E` lanes, `{ys}` bytes apart.
macro_rules! stores {
    (1) => {
        concat!(
            "vstr s16, [{y}]\nadd {y}, {y}, {ys}\n",
            "vstr s17, [{y}]\nadd {y}, {y}, {ys}\n",
            "vstr s18, [{y}]\nadd {y}, {y}, {ys}\n",
            "vstr s19, [{y}]\nadd {y}, {y}, {ys}\n",
            "vstr s20, [{y}]\nadd {y}, {y}, {ys}\n",
            "vstr s21, [{y}]\nadd {y}, {y}, {ys}\n",
            "vstr s22, [{y}]\nadd {y}, {y}, {ys}\n",
            "vstr s23, [{y}]\nadd {y}, {y}, {ys}\n",
            "vstr s24, [{y}]\nadd {y}, {y}, {ys}\n",
            "vstr s25, [{y}]\nadd {y}, {y}, {ys}\n",
            "vstr s26, [{y}]\nadd {y}, {y}, {ys}\n",
            "vstr s27, [{y}]\nadd {y}, {y}, {ys}\n",
        )
    };
    (2) => {
        concat!(
            "vstmia {y}, {{s16-s17}}\nadd {y}, {y}, {ys}\n",
            "vstmia {y}, {{s18-s19}}\nadd {y}, {y}, {ys}\n",
            "vstmia {y}, {{s20-s21}}\nadd {y}, {y}, {ys}\n",
            "vstmia {y}, {{s22-s23}}\nadd {y}, {y}, {ys}\n",
            "vstmia {y}, {{s24-s25}}\nadd {y}, {y}, {ys}\n",
            "vstmia {y}, {{s26-s27}}\nadd {y}, {y}, {ys}\n",
        )
    };
    (4) => {
        concat!(
            "vstmia {y}, {{s16-s19}}\nadd {y}, {y}, {ys}\n",
            "vstmia {y}, {{s20-s23}}\nadd {y}, {y}, {ys}\n",
            "vstmia {y}, {{s24-s27}}\nadd {y}, {y}, {ys}\n",
        )
    };
}
use stores;

/// The fused activation's operand into s28, once the taps are done with it.
macro_rules! operand {
    (none) => {
        ""
    };
    ($mode:ident) => {
        "vldr s28, [{p}, #12]\n"
    };
}
use operand;

/// The block loop: per block the accumulators from `start`, the remainder taps, the
/// window and the ring's groups, the fused activation and the stores; then the next
/// twelve inputs.
macro_rules! ring_template {
    ($e:tt, $mode:ident) => {
        concat!(
            "vpush {{d0-d15}}\n",
            "6:\n",
            "vldmia {start}, {{s16-s27}}\n",
            "ldr {wp}, [{p}]\n",
            "mov {xp}, {x}\n",
            "ldr {n}, [{p}, #4]\n",
            "cmp {n}, #0\n",
            "beq 3f\n",
            "2:\n",
            remainder!($e),
            "subs {n}, {n}, #1\n",
            "bne 2b\n",
            "3:\n",
            "ldr {n}, [{p}, #8]\n",
            "cmp {n}, #0\n",
            "beq 5f\n",
            window!($e),
            "4:\n",
            groups!($e),
            "5:\n",
            operand!($mode),
            fused!($mode, "s16"),
            fused!($mode, "s17"),
            fused!($mode, "s18"),
            fused!($mode, "s19"),
            fused!($mode, "s20"),
            fused!($mode, "s21"),
            fused!($mode, "s22"),
            fused!($mode, "s23"),
            fused!($mode, "s24"),
            fused!($mode, "s25"),
            fused!($mode, "s26"),
            fused!($mode, "s27"),
            stores!($e),
            "add {x}, {x}, #48\n",
            "subs {nb}, {nb}, #1\n",
            "bne 6b\n",
            "vpop {{d0-d15}}\n",
        )
    };
}
use ring_template;
