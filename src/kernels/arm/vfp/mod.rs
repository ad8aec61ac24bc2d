//! 32-bit ARM with a hardware FPU (Cortex-M4F, M7, M33, ...): the portable kernel's
//! time-blocked inner loop in assembly. The compiler splits multiply-adds into `vmul` and
//! `vadd` (Cortex-M4 is tuned as having slow `vmla`), loads the inputs one by one and
//! spills its pointers; this loop is 18 instructions per tap for twelve outputs. The same
//! loop takes interleaved stereo and four-channel layers ([`crate::kernels::lanes`]): a
//! tap's twelve inputs are six stereo frames (three of four channels) in a row, so only
//! the weights differ, two or four of them, one per lane.
//!
//! ReLU and LeakyReLU are fused before the stores, on the accumulators: `vcmp` with zero,
//! then a conditional `vmov` of zero or `vmul` by the slope, the portable kernel's
//! `relu` and `leaky_relu` to the bit. Tanh (a `libm` call) runs over the outputs once
//! they are stored.

use core::arch::asm;

use crate::activation::sealed::Op;
use crate::activation::Activation;
use crate::kernels::epilogue::Epilogue;
use crate::kernels::rows::lanes_blocks;
use crate::kernels::rows::{Rows, ROWS};

mod ring;
use ring::ring;

/// The portable kernel's inner loop with `vmla`: one `vldm` of the twelve inputs, one
/// `vldr` of the weight and twelve `vmla` per tap. `vmla` rounds the product before
/// adding, as the portable loop does, so the results are the same to the bit.
pub(crate) struct Vfp;

impl Rows<f32> for Vfp {
    #[inline(always)]
    unsafe fn rows<A: Activation>(
        start: &[f32; ROWS],
        x: *const f32,
        x_step: usize,
        w: *const f32,
        w_step: usize,
        count: usize,
        y: *mut f32,
        y_step: usize,
        blocks: usize,
        act: A,
    ) -> bool {
        let ringed = x_step == 1
            // SAFETY: with x_step == 1 the `Rows` contract is `ring`'s for one lane.
            && unsafe { ring::<A, 1>(act, start, x, w, w_step, count, y, y_step, blocks) };
        if ringed {
            if matches!(A::OP, Op::Tanh) {
                for m in 0..blocks * ROWS {
                    // SAFETY: output m < blocks * ROWS, writable by the contract.
                    unsafe {
                        let y = y.add(m * y_step);
                        y.write(act.apply(y.read()));
                    }
                }
            }
            return true;
        }
        for b in 0..blocks {
            let y = y.wrapping_add(b * ROWS * y_step);
            // SAFETY: the `Rows` contract covers every output `m < blocks * ROWS`, so block
            // `b`'s twelve outputs and their inputs satisfy `rows`' contract; `start` and
            // `x` are `f32`-aligned as every `&[f32]` is.
            unsafe {
                rows(
                    act,
                    start,
                    x.add(b * ROWS),
                    x_step,
                    w,
                    w_step,
                    count,
                    y,
                    y_step,
                );
                if matches!(A::OP, Op::Tanh) {
                    for m in 0..ROWS {
                        let y = y.add(m * y_step);
                        y.write(act.apply(y.read()));
                    }
                }
            }
        }
        true
    }

    #[inline(always)]
    unsafe fn lanes<A: Activation, const G: usize>(
        start: &[f32; ROWS],
        x: *const f32,
        x_frame: usize,
        x_step: usize,
        w: *const f32,
        w_step: usize,
        count: usize,
        y: *mut f32,
        y_frame: usize,
        blocks: usize,
        act: A,
    ) -> bool {
        if x_frame != G || !(G == 2 || G == 4) {
            // SAFETY: the `Rows::lanes` contract, which `lanes_blocks` takes as its own.
            unsafe {
                lanes_blocks::<f32, A, G>(
                    start, x, x_frame, x_step, w, w_step, count, y, y_frame, blocks, act,
                )
            };
            return true;
        }
        let frames = ROWS / G;
        let ringed = x_step == G
            // SAFETY: with x_frame == x_step == G the `Rows::lanes` contract is `ring`'s
            // for G lanes.
            && unsafe { ring::<A, G>(act, start, x, w, w_step, count, y, y_frame, blocks) };
        if ringed {
            if matches!(A::OP, Op::Tanh) {
                for m in 0..blocks * ROWS {
                    // SAFETY: frame m / G of the runs, lane m % G: writable by the contract.
                    unsafe {
                        let y = y.add((m / G) * y_frame + m % G);
                        y.write(act.apply(y.read()));
                    }
                }
            }
            return true;
        }
        for b in 0..blocks {
            let x = x.wrapping_add(b * frames * x_frame);
            let y = y.wrapping_add(b * frames * y_frame);
            // SAFETY: with x_frame == G, the run's `ROWS` inputs of tap j are the
            // contiguous x - j * x_step .. + ROWS, and its outputs `frames` runs of `G`
            // at y + f * y_frame: the `Rows::lanes` contract for run `b`.
            unsafe {
                if G == 2 {
                    lanes2(act, start, x, x_step, w, w_step, count, y, y_frame);
                } else {
                    lanes4(act, start, x, x_step, w, w_step, count, y, y_frame);
                }
                if matches!(A::OP, Op::Tanh) {
                    for m in 0..ROWS {
                        let y = y.add((m / G) * y_frame + m % G);
                        y.write(act.apply(y.read()));
                    }
                }
            }
        }
        true
    }
}

/// Twelve outputs of one phase: `y[m * y_step] = start[m] + sum_j x[m - j * x_step] *
/// w[j * w_step]` for `m < 12`, taps `j < count` in increasing order, with `vmla`
/// (multiply, round, add, round: the portable kernel's arithmetic), then `act` if it is
/// a ReLU or LeakyReLU (the caller applies a Tanh).
///
/// # Safety
/// `x - j * x_step .. + 12` and `w + j * w_step` are readable for every `j < count`,
/// `y + m * y_step` writable for every `m < 12`, and `x` and `start` are aligned for
/// `f32` (as every `&[f32]` is).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn rows<A: Activation>(
    act: A,
    start: &[f32; ROWS],
    x: *const f32,
    x_step: usize,
    w: *const f32,
    w_step: usize,
    count: usize,
    y: *mut f32,
    y_step: usize,
) {
    const { assert!(ROWS == 12) };
    // Stable Rust cannot name the FPU registers as asm operands on these targets (the
    // `sreg` class needs a target feature only nightly can enable), so the block saves
    // and restores every FPU register it touches itself: s3 the weight, s4-s15 the
    // inputs, s16-s27 the accumulators.
    // The fused activation's operand: 0 for ReLU, the slope for LeakyReLU.
    let k: f32 = if matches!(A::OP, Op::LeakyRelu) {
        act.slope()
    } else {
        0.0
    };
    // SAFETY: the block reads `start`, x - j * x_step .. + 12 and w + j * w_step for
    // j < count, and writes y + m * y_step for m < 12, which `rows`' contract makes valid; it
    // leaves every register but the named integer ones as it found them.
    unsafe {
        macro_rules! run {
            (none) => {
                asm!(
                    rows_template!(none),
                    start = in(reg) start.as_ptr(),
                    x = inout(reg) x => _,
                    w = inout(reg) w => _,
                    n = inout(reg) count => _,
                    xs = in(reg) x_step * 4,
                    ws = in(reg) w_step * 4,
                    y = inout(reg) y => _,
                    ys = in(reg) y_step * 4,
                )
            };
            ($mode:ident) => {
                asm!(
                    rows_template!($mode),
                    start = in(reg) start.as_ptr(),
                    x = inout(reg) x => _,
                    w = inout(reg) w => _,
                    n = inout(reg) count => _,
                    xs = in(reg) x_step * 4,
                    ws = in(reg) w_step * 4,
                    y = inout(reg) y => _,
                    ys = in(reg) y_step * 4,
                    k = in(reg) &k,
                )
            };
        }
        match A::OP {
            Op::Relu => run!(relu),
            Op::LeakyRelu => run!(leaky),
            _ => run!(none),
        }
    }
}

/// Twelve outputs of one phase in 6 frames of 2 interleaved lanes: `y[f * y_frame + l]
/// = start[m] + sum_j x[m - j * x_step] * w[j * w_step + l]` for `m = 2f + l < 12`, taps
/// `j < count` in increasing order, with `vmla` (the portable kernel's arithmetic), then
/// `act` if it is a ReLU or LeakyReLU (the caller applies a Tanh).
///
/// # Safety
/// `x - j * x_step .. + 12` and `w + j * w_step .. + 2` are readable for every `j < count`,
/// `y + f * y_frame .. + 2` writable for every `f < 6`, and `x`, `w`, `y` and `start`
/// are aligned for `f32` (as every `&[f32]` is).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn lanes2<A: Activation>(
    act: A,
    start: &[f32; ROWS],
    x: *const f32,
    x_step: usize,
    w: *const f32,
    w_step: usize,
    count: usize,
    y: *mut f32,
    y_frame: usize,
) {
    // As in `rows`: the block saves and restores every FPU register it touches (s2-s3
    // the weights, s4-s15 the inputs, s16-s27 the accumulators).
    // The fused activation's operand: 0 for ReLU, the slope for LeakyReLU.
    let k: f32 = if matches!(A::OP, Op::LeakyRelu) {
        act.slope()
    } else {
        0.0
    };
    // SAFETY: the block reads `start`, x - j * x_step .. + 12 and w + j * w_step .. + 2
    // for j < count, and writes y + f * y_frame .. + 2 for f < 6, which this
    // function's contract makes valid; it leaves every register but the named integer
    // ones as it found them.
    unsafe {
        macro_rules! run {
            (none) => {
                asm!(
                    lanes2_template!(none),
                    start = in(reg) start.as_ptr(),
                    x = inout(reg) x => _,
                    w = inout(reg) w => _,
                    n = inout(reg) count => _,
                    xs = in(reg) x_step * 4,
                    ws = in(reg) w_step * 4,
                    y = inout(reg) y => _,
                    ys = in(reg) y_frame * 4,
                )
            };
            ($mode:ident) => {
                asm!(
                    lanes2_template!($mode),
                    start = in(reg) start.as_ptr(),
                    x = inout(reg) x => _,
                    w = inout(reg) w => _,
                    n = inout(reg) count => _,
                    xs = in(reg) x_step * 4,
                    ws = in(reg) w_step * 4,
                    y = inout(reg) y => _,
                    ys = in(reg) y_frame * 4,
                    k = in(reg) &k,
                )
            };
        }
        match A::OP {
            Op::Relu => run!(relu),
            Op::LeakyRelu => run!(leaky),
            _ => run!(none),
        }
    }
}

/// Twelve outputs of one phase in 3 frames of 4 interleaved lanes: `y[f * y_frame + l]
/// = start[m] + sum_j x[m - j * x_step] * w[j * w_step + l]` for `m = 4f + l < 12`, taps
/// `j < count` in increasing order, with `vmla` (the portable kernel's arithmetic), then
/// `act` if it is a ReLU or LeakyReLU (the caller applies a Tanh).
///
/// # Safety
/// `x - j * x_step .. + 12` and `w + j * w_step .. + 4` are readable for every `j < count`,
/// `y + f * y_frame .. + 4` writable for every `f < 3`, and `x`, `w`, `y` and `start`
/// are aligned for `f32` (as every `&[f32]` is).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn lanes4<A: Activation>(
    act: A,
    start: &[f32; ROWS],
    x: *const f32,
    x_step: usize,
    w: *const f32,
    w_step: usize,
    count: usize,
    y: *mut f32,
    y_frame: usize,
) {
    // As in `rows`: the block saves and restores every FPU register it touches (s0-s3
    // the weights, s4-s15 the inputs, s16-s27 the accumulators).
    // The fused activation's operand: 0 for ReLU, the slope for LeakyReLU.
    let k: f32 = if matches!(A::OP, Op::LeakyRelu) {
        act.slope()
    } else {
        0.0
    };
    // SAFETY: the block reads `start`, x - j * x_step .. + 12 and w + j * w_step .. + 4
    // for j < count, and writes y + f * y_frame .. + 4 for f < 3, which this
    // function's contract makes valid; it leaves every register but the named integer
    // ones as it found them.
    unsafe {
        macro_rules! run {
            (none) => {
                asm!(
                    lanes4_template!(none),
                    start = in(reg) start.as_ptr(),
                    x = inout(reg) x => _,
                    w = inout(reg) w => _,
                    n = inout(reg) count => _,
                    xs = in(reg) x_step * 4,
                    ws = in(reg) w_step * 4,
                    y = inout(reg) y => _,
                    ys = in(reg) y_frame * 4,
                )
            };
            ($mode:ident) => {
                asm!(
                    lanes4_template!($mode),
                    start = in(reg) start.as_ptr(),
                    x = inout(reg) x => _,
                    w = inout(reg) w => _,
                    n = inout(reg) count => _,
                    xs = in(reg) x_step * 4,
                    ws = in(reg) w_step * 4,
                    y = inout(reg) y => _,
                    ys = in(reg) y_frame * 4,
                    k = in(reg) &k,
                )
            };
        }
        match A::OP {
            Op::Relu => run!(relu),
            Op::LeakyRelu => run!(leaky),
            _ => run!(none),
        }
    }
}

/// The fused activation's operand into `s28` (nothing without one).
macro_rules! fused_load {
    (none) => {
        ""
    };
    ($mode:ident) => {
        "vldr s28, [{k}]\n"
    };
}
use fused_load;

/// The fused activation of one accumulator before the stores (`s28` holds 0 for ReLU,
/// the slope for LeakyReLU): `if y < 0 { y = s28 }` or `{ y *= s28 }`, the portable
/// kernel's `relu` and `leaky_relu` (a NaN or a -0 is not below zero, and is kept).
macro_rules! fused {
    (none, $r:literal) => {
        ""
    };
    (relu, $r:literal) => {
        concat!(
            "vcmp.f32 ",
            $r,
            ", #0\nvmrs APSR_nzcv, fpscr\nit mi\nvmovmi.f32 ",
            $r,
            ", s28\n"
        )
    };
    (leaky, $r:literal) => {
        concat!(
            "vcmp.f32 ",
            $r,
            ", #0\nvmrs APSR_nzcv, fpscr\nit mi\nvmulmi.f32 ",
            $r,
            ", ",
            $r,
            ", s28\n"
        )
    };
}
use fused;

/// The assembly of [`rows`], with the activation `$mode` (`none`, `relu`, `leaky`) fused
/// before the stores.
macro_rules! rows_template {
    ($mode:ident) => {
        concat!(
            "vpush {{s3-s28}}\n",
            fused_load!($mode),
            "vldmia {start}, {{s16-s27}}\n",
            "cmp {n}, #0\n",
            "beq 3f\n",
            "2:\n",
            "vldmia {x}, {{s4-s15}}\n",
            "vldr s3, [{w}]\n",
            "vmla.f32 s16, s4, s3\n",
            "vmla.f32 s17, s5, s3\n",
            "vmla.f32 s18, s6, s3\n",
            "vmla.f32 s19, s7, s3\n",
            "vmla.f32 s20, s8, s3\n",
            "vmla.f32 s21, s9, s3\n",
            "vmla.f32 s22, s10, s3\n",
            "vmla.f32 s23, s11, s3\n",
            "vmla.f32 s24, s12, s3\n",
            "vmla.f32 s25, s13, s3\n",
            "vmla.f32 s26, s14, s3\n",
            "vmla.f32 s27, s15, s3\n",
            "sub {x}, {x}, {xs}\n",
            "add {w}, {w}, {ws}\n",
            "subs {n}, {n}, #1\n",
            "bne 2b\n",
            "3:\n",
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
            "vstr s16, [{y}]\n",
            "add {y}, {y}, {ys}\n",
            "vstr s17, [{y}]\n",
            "add {y}, {y}, {ys}\n",
            "vstr s18, [{y}]\n",
            "add {y}, {y}, {ys}\n",
            "vstr s19, [{y}]\n",
            "add {y}, {y}, {ys}\n",
            "vstr s20, [{y}]\n",
            "add {y}, {y}, {ys}\n",
            "vstr s21, [{y}]\n",
            "add {y}, {y}, {ys}\n",
            "vstr s22, [{y}]\n",
            "add {y}, {y}, {ys}\n",
            "vstr s23, [{y}]\n",
            "add {y}, {y}, {ys}\n",
            "vstr s24, [{y}]\n",
            "add {y}, {y}, {ys}\n",
            "vstr s25, [{y}]\n",
            "add {y}, {y}, {ys}\n",
            "vstr s26, [{y}]\n",
            "add {y}, {y}, {ys}\n",
            "vstr s27, [{y}]\n",
            "add {y}, {y}, {ys}\n",
            "vpop {{s3-s28}}\n",
        )
    };
}
use rows_template;

/// The assembly of [`lanes2`], with the activation `$mode` (`none`, `relu`, `leaky`) fused
/// before the stores.
macro_rules! lanes2_template {
    ($mode:ident) => {
        concat!(
            "vpush {{s2-s28}}\n",
            fused_load!($mode),
            "vldmia {start}, {{s16-s27}}\n",
            "cmp {n}, #0\n",
            "beq 3f\n",
            "2:\n",
            "vldmia {x}, {{s4-s15}}\n",
            "vldmia {w}, {{s2-s3}}\n",
            "vmla.f32 s16, s4, s2\n",
            "vmla.f32 s17, s5, s3\n",
            "vmla.f32 s18, s6, s2\n",
            "vmla.f32 s19, s7, s3\n",
            "vmla.f32 s20, s8, s2\n",
            "vmla.f32 s21, s9, s3\n",
            "vmla.f32 s22, s10, s2\n",
            "vmla.f32 s23, s11, s3\n",
            "vmla.f32 s24, s12, s2\n",
            "vmla.f32 s25, s13, s3\n",
            "vmla.f32 s26, s14, s2\n",
            "vmla.f32 s27, s15, s3\n",
            "sub {x}, {x}, {xs}\n",
            "add {w}, {w}, {ws}\n",
            "subs {n}, {n}, #1\n",
            "bne 2b\n",
            "3:\n",
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
            "vstmia {y}, {{s16-s17}}\n",
            "add {y}, {y}, {ys}\n",
            "vstmia {y}, {{s18-s19}}\n",
            "add {y}, {y}, {ys}\n",
            "vstmia {y}, {{s20-s21}}\n",
            "add {y}, {y}, {ys}\n",
            "vstmia {y}, {{s22-s23}}\n",
            "add {y}, {y}, {ys}\n",
            "vstmia {y}, {{s24-s25}}\n",
            "add {y}, {y}, {ys}\n",
            "vstmia {y}, {{s26-s27}}\n",
            "add {y}, {y}, {ys}\n",
            "vpop {{s2-s28}}\n",
        )
    };
}
use lanes2_template;

/// The assembly of [`lanes4`], with the activation `$mode` (`none`, `relu`, `leaky`) fused
/// before the stores.
macro_rules! lanes4_template {
    ($mode:ident) => {
        concat!(
            "vpush {{s0-s28}}\n",
            fused_load!($mode),
            "vldmia {start}, {{s16-s27}}\n",
            "cmp {n}, #0\n",
            "beq 3f\n",
            "2:\n",
            "vldmia {x}, {{s4-s15}}\n",
            "vldmia {w}, {{s0-s3}}\n",
            "vmla.f32 s16, s4, s0\n",
            "vmla.f32 s17, s5, s1\n",
            "vmla.f32 s18, s6, s2\n",
            "vmla.f32 s19, s7, s3\n",
            "vmla.f32 s20, s8, s0\n",
            "vmla.f32 s21, s9, s1\n",
            "vmla.f32 s22, s10, s2\n",
            "vmla.f32 s23, s11, s3\n",
            "vmla.f32 s24, s12, s0\n",
            "vmla.f32 s25, s13, s1\n",
            "vmla.f32 s26, s14, s2\n",
            "vmla.f32 s27, s15, s3\n",
            "sub {x}, {x}, {xs}\n",
            "add {w}, {w}, {ws}\n",
            "subs {n}, {n}, #1\n",
            "bne 2b\n",
            "3:\n",
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
            "vstmia {y}, {{s16-s19}}\n",
            "add {y}, {y}, {ys}\n",
            "vstmia {y}, {{s20-s23}}\n",
            "add {y}, {y}, {ys}\n",
            "vstmia {y}, {{s24-s27}}\n",
            "add {y}, {y}, {ys}\n",
            "vpop {{s0-s28}}\n",
        )
    };
}
use lanes4_template;
