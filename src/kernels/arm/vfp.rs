//! 32-bit ARM with a hardware FPU (Cortex-M4F, M7, M33, ...): the portable kernel's
//! time-blocked inner loop in assembly. The compiler splits multiply-adds into `vmul` and
//! `vadd` (Cortex-M4 is tuned as having slow `vmla`), loads the inputs one by one and
//! spills its pointers; this loop is 18 instructions per tap for twelve outputs. The same
//! loop takes interleaved stereo and four-channel layers ([`crate::kernels::lanes`]): a
//! tap's twelve inputs are six stereo frames (three of four channels) in a row, so only
//! the weights differ, two or four of them, one per lane.

use core::arch::asm;

use crate::activation::Activation;
use crate::kernels::epilogue::Epilogue;
use crate::kernels::lanes::lanes_blocks;
use crate::kernels::portable::{Rows, ROWS};

/// The portable kernel's inner loop with `vmla`: one `vldm` of the twelve inputs, one
/// `vldr` of the weight and twelve `vmla` per tap. `vmla` rounds the product before
/// adding, as the portable loop does, so the results are the same to the bit. `vmla`
/// cannot hold the outputs for the activation, so it runs over each block's twelve
/// outputs as they are stored.
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
        for b in 0..blocks {
            let y = y.wrapping_add(b * ROWS * y_step);
            // SAFETY: the `Rows` contract covers every output `m < blocks * ROWS`, so block
            // `b`'s twelve outputs and their inputs satisfy `rows`' contract; `start` and
            // `x` are `f32`-aligned as every `&[f32]` is.
            unsafe {
                rows(start, x.add(b * ROWS), x_step, w, w_step, count, y, y_step);
                if !A::IDENTITY {
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
        for b in 0..blocks {
            let x = x.wrapping_add(b * frames * x_frame);
            let y = y.wrapping_add(b * frames * y_frame);
            // SAFETY: with x_frame == G, the run's `ROWS` inputs of tap j are the
            // contiguous x - j * x_step .. + ROWS, and its outputs `frames` runs of `G`
            // at y + f * y_frame: the `Rows::lanes` contract for run `b`.
            unsafe {
                if G == 2 {
                    lanes2(start, x, x_step, w, w_step, count, y, y_frame);
                } else {
                    lanes4(start, x, x_step, w, w_step, count, y, y_frame);
                }
                if !A::IDENTITY {
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
/// (multiply, round, add, round: the portable kernel's arithmetic).
///
/// # Safety
/// `x - j * x_step .. + 12` and `w + j * w_step` are readable for every `j < count`,
/// `y + m * y_step` writable for every `m < 12`, and `x` and `start` are aligned for
/// `f32` (as every `&[f32]` is).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn rows(
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
    // SAFETY: the block reads `start`, x - j * x_step .. + 12 and w + j * w_step for
    // j < count, and writes y + m * y_step for m < 12, which `rows`' contract makes valid; it
    // leaves every register but the named integer ones as it found them.
    unsafe {
        asm!(
            "vpush {{s3-s27}}",
            "vldmia {start}, {{s16-s27}}",
            "cmp {n}, #0",
            "beq 3f",
            "2:",
            "vldmia {x}, {{s4-s15}}",
            "vldr s3, [{w}]",
            "vmla.f32 s16, s4, s3",
            "vmla.f32 s17, s5, s3",
            "vmla.f32 s18, s6, s3",
            "vmla.f32 s19, s7, s3",
            "vmla.f32 s20, s8, s3",
            "vmla.f32 s21, s9, s3",
            "vmla.f32 s22, s10, s3",
            "vmla.f32 s23, s11, s3",
            "vmla.f32 s24, s12, s3",
            "vmla.f32 s25, s13, s3",
            "vmla.f32 s26, s14, s3",
            "vmla.f32 s27, s15, s3",
            "sub {x}, {x}, {xs}",
            "add {w}, {w}, {ws}",
            "subs {n}, {n}, #1",
            "bne 2b",
            "3:",
            "vstr s16, [{y}]",
            "add {y}, {y}, {ys}",
            "vstr s17, [{y}]",
            "add {y}, {y}, {ys}",
            "vstr s18, [{y}]",
            "add {y}, {y}, {ys}",
            "vstr s19, [{y}]",
            "add {y}, {y}, {ys}",
            "vstr s20, [{y}]",
            "add {y}, {y}, {ys}",
            "vstr s21, [{y}]",
            "add {y}, {y}, {ys}",
            "vstr s22, [{y}]",
            "add {y}, {y}, {ys}",
            "vstr s23, [{y}]",
            "add {y}, {y}, {ys}",
            "vstr s24, [{y}]",
            "add {y}, {y}, {ys}",
            "vstr s25, [{y}]",
            "add {y}, {y}, {ys}",
            "vstr s26, [{y}]",
            "add {y}, {y}, {ys}",
            "vstr s27, [{y}]",
            "add {y}, {y}, {ys}",
            "vpop {{s3-s27}}",
            start = in(reg) start.as_ptr(),
            x = inout(reg) x => _,
            w = inout(reg) w => _,
            n = inout(reg) count => _,
            xs = in(reg) x_step * 4,
            ws = in(reg) w_step * 4,
            y = inout(reg) y => _,
            ys = in(reg) y_step * 4,
        );
    }
}

/// Twelve outputs of one phase in 6 frames of 2 interleaved lanes: `y[f * y_frame + l]
/// = start[m] + sum_j x[m - j * x_step] * w[j * w_step + l]` for `m = 2f + l < 12`, taps
/// `j < count` in increasing order, with `vmla` (the portable kernel's arithmetic).
///
/// # Safety
/// `x - j * x_step .. + 12` and `w + j * w_step .. + 2` are readable for every `j < count`,
/// `y + f * y_frame .. + 2` writable for every `f < 6`, and `x`, `w`, `y` and `start`
/// are aligned for `f32` (as every `&[f32]` is).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn lanes2(
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
    // SAFETY: the block reads `start`, x - j * x_step .. + 12 and w + j * w_step .. + 2
    // for j < count, and writes y + f * y_frame .. + 2 for f < 6, which this
    // function's contract makes valid; it leaves every register but the named integer
    // ones as it found them.
    unsafe {
        asm!(
            "vpush {{s2-s27}}",
            "vldmia {start}, {{s16-s27}}",
            "cmp {n}, #0",
            "beq 3f",
            "2:",
            "vldmia {x}, {{s4-s15}}",
            "vldmia {w}, {{s2-s3}}",
            "vmla.f32 s16, s4, s2",
            "vmla.f32 s17, s5, s3",
            "vmla.f32 s18, s6, s2",
            "vmla.f32 s19, s7, s3",
            "vmla.f32 s20, s8, s2",
            "vmla.f32 s21, s9, s3",
            "vmla.f32 s22, s10, s2",
            "vmla.f32 s23, s11, s3",
            "vmla.f32 s24, s12, s2",
            "vmla.f32 s25, s13, s3",
            "vmla.f32 s26, s14, s2",
            "vmla.f32 s27, s15, s3",
            "sub {x}, {x}, {xs}",
            "add {w}, {w}, {ws}",
            "subs {n}, {n}, #1",
            "bne 2b",
            "3:",
            "vstmia {y}, {{s16-s17}}",
            "add {y}, {y}, {ys}",
            "vstmia {y}, {{s18-s19}}",
            "add {y}, {y}, {ys}",
            "vstmia {y}, {{s20-s21}}",
            "add {y}, {y}, {ys}",
            "vstmia {y}, {{s22-s23}}",
            "add {y}, {y}, {ys}",
            "vstmia {y}, {{s24-s25}}",
            "add {y}, {y}, {ys}",
            "vstmia {y}, {{s26-s27}}",
            "add {y}, {y}, {ys}",
            "vpop {{s2-s27}}",
            start = in(reg) start.as_ptr(),
            x = inout(reg) x => _,
            w = inout(reg) w => _,
            n = inout(reg) count => _,
            xs = in(reg) x_step * 4,
            ws = in(reg) w_step * 4,
            y = inout(reg) y => _,
            ys = in(reg) y_frame * 4,
        );
    }
}

/// Twelve outputs of one phase in 3 frames of 4 interleaved lanes: `y[f * y_frame + l]
/// = start[m] + sum_j x[m - j * x_step] * w[j * w_step + l]` for `m = 4f + l < 12`, taps
/// `j < count` in increasing order, with `vmla` (the portable kernel's arithmetic).
///
/// # Safety
/// `x - j * x_step .. + 12` and `w + j * w_step .. + 4` are readable for every `j < count`,
/// `y + f * y_frame .. + 4` writable for every `f < 3`, and `x`, `w`, `y` and `start`
/// are aligned for `f32` (as every `&[f32]` is).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn lanes4(
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
    // SAFETY: the block reads `start`, x - j * x_step .. + 12 and w + j * w_step .. + 4
    // for j < count, and writes y + f * y_frame .. + 4 for f < 3, which this
    // function's contract makes valid; it leaves every register but the named integer
    // ones as it found them.
    unsafe {
        asm!(
            "vpush {{s0-s27}}",
            "vldmia {start}, {{s16-s27}}",
            "cmp {n}, #0",
            "beq 3f",
            "2:",
            "vldmia {x}, {{s4-s15}}",
            "vldmia {w}, {{s0-s3}}",
            "vmla.f32 s16, s4, s0",
            "vmla.f32 s17, s5, s1",
            "vmla.f32 s18, s6, s2",
            "vmla.f32 s19, s7, s3",
            "vmla.f32 s20, s8, s0",
            "vmla.f32 s21, s9, s1",
            "vmla.f32 s22, s10, s2",
            "vmla.f32 s23, s11, s3",
            "vmla.f32 s24, s12, s0",
            "vmla.f32 s25, s13, s1",
            "vmla.f32 s26, s14, s2",
            "vmla.f32 s27, s15, s3",
            "sub {x}, {x}, {xs}",
            "add {w}, {w}, {ws}",
            "subs {n}, {n}, #1",
            "bne 2b",
            "3:",
            "vstmia {y}, {{s16-s19}}",
            "add {y}, {y}, {ys}",
            "vstmia {y}, {{s20-s23}}",
            "add {y}, {y}, {ys}",
            "vstmia {y}, {{s24-s27}}",
            "add {y}, {y}, {ys}",
            "vpop {{s0-s27}}",
            start = in(reg) start.as_ptr(),
            x = inout(reg) x => _,
            w = inout(reg) w => _,
            n = inout(reg) count => _,
            xs = in(reg) x_step * 4,
            ws = in(reg) w_step * 4,
            y = inout(reg) y => _,
            ys = in(reg) y_frame * 4,
        );
    }
}
