//! The Arm DSP extension (every `thumbv7em` target, Cortex-M4 and M7; `thumbv8m.main`
//! with the `arm-dsp` feature, Cortex-M33 and M35P): the portable kernel's time-blocked
//! Q15 inner loops in assembly, mono and interleaved stereo.
//!
//! Inputs a tap pair reads for one output are neighbours in memory (`x[t - 1]`, `x[t]`),
//! so one 32-bit load fetches both and one `SMLALD` multiplies them by a packed pair of
//! weights and adds both products to a 64-bit accumulator: the definition's exact sum,
//! two taps per instruction, with no headroom condition. Four outputs share each weight
//! load; an odd last tap takes one `SMLALBB` each. The 64-bit sums are finished in the
//! assembly (`sat16(acc >> 15)`: a shift and `ssat`), so the results are the portable
//! kernel's to the bit. A ReLU is fused into that saturation (`usat` to 15 bits is
//! `max(sat16(..), 0)`); other activations run over the outputs once they are stored.
//! Where the phase's headroom allows, eight outputs a pass sum in 32 bits with `SMLAD`
//! instead ([`fits32`]). Interleaved stereo is split into two mono signals for the same
//! loops (`stereo.rs`).

use core::arch::asm;

use crate::activation::Activation;
use crate::fixed::Q15;
use crate::kernels::epilogue::Epilogue;
use crate::kernels::rows::lanes_blocks;
use crate::kernels::rows::{Rows, ROWS};

mod stereo;
use stereo::{split, stereo};

/// The portable kernel's Q15 inner loop with `SMLALD`: two multiply-adds into a 64-bit
/// accumulator per instruction, four outputs at a time.
pub(crate) struct Dsp;

impl Rows<Q15> for Dsp {
    #[inline(always)]
    unsafe fn rows<A: Activation>(
        start: &[i64; ROWS],
        x: *const Q15,
        x_step: usize,
        w: *const Q15,
        w_step: usize,
        count: usize,
        y: *mut Q15,
        y_step: usize,
        blocks: usize,
        act: A,
    ) -> bool {
        // SAFETY: the `Rows` contract, which `rows` takes as its own.
        unsafe {
            if !rows(
                A::RELU,
                start,
                x,
                x_step,
                w,
                w_step,
                count,
                y,
                y_step,
                blocks,
            ) {
                return false;
            }
            if !A::IDENTITY && !A::RELU {
                for m in 0..blocks * ROWS {
                    let y = y.add(m * y_step);
                    y.write(act.apply(y.read()));
                }
            }
        }
        true
    }

    #[inline(always)]
    unsafe fn lanes<A: Activation, const G: usize>(
        start: &[i64; ROWS],
        x: *const Q15,
        x_frame: usize,
        x_step: usize,
        w: *const Q15,
        w_step: usize,
        count: usize,
        y: *mut Q15,
        y_frame: usize,
        blocks: usize,
        act: A,
    ) -> bool {
        let bias_bits = start
            .iter()
            .all(|&s| (-(1i64 << 30)..1i64 << 30).contains(&s));
        if G != 2 || x_frame != 2 || x_step != 2 || count > MAX_PAIRS || !bias_bits {
            // SAFETY: the `Rows::lanes` contract, which `lanes_blocks` takes as its own.
            unsafe {
                lanes_blocks::<Q15, A, G>(
                    start, x, x_frame, x_step, w, w_step, count, y, y_frame, blocks, act,
                )
            };
            return true;
        }
        // SAFETY: interleaved stereo, not dilated: the `Rows::lanes` contract with G = 2,
        // x_frame = x_step = 2 is `split`'s and `stereo`'s.
        unsafe {
            let done = split(A::RELU, start, x, w, w_step, count, y, y_frame, blocks);
            if done < blocks {
                let (x, y) = (x.add(done * ROWS), y.add(done * ROWS / 2 * y_frame));
                let rest = blocks - done;
                stereo(A::RELU, start, x, w, w_step, count, y, y_frame, rest);
            }
            if !A::IDENTITY && !A::RELU {
                for m in 0..blocks * ROWS {
                    let y = y.add((m / 2) * y_frame + m % 2);
                    y.write(act.apply(y.read()));
                }
            }
        }
        true
    }
}

/// Tap pairs a phase may have for this path (512 bytes of stack). Longer phases, and
/// phases whose taps read inputs that are not adjacent (`x_step != 1`, from dilation),
/// are declined (the portable kernel computes them row by row).
const MAX_PAIRS: usize = 128;

/// Outputs per pass of the loop: four 64-bit accumulators in r4-r11.
const PASS: usize = 4;

/// What one pass reads, `r0` in the block.
#[repr(C)]
struct Pass {
    /// The four accumulators' starting values.
    start: *const i64,
    /// Byte address of `x[base + 1]`, where `x[base]` is tap 0's input for output 0.
    x: *const i16,
    /// Output 0; output m is `y + m * y_step`.
    y: *mut i16,
    /// `y_step` in bytes.
    y_bytes: usize,
    /// `npairs` packed weights: pair `p` has tap `2p + 1` low and tap `2p` high.
    pairs: *const u32,
    npairs: usize,
    /// The odd last tap's weight, sign-extended, or zero.
    last: i32,
}

/// Outputs per pass of the 32-bit loop: eight sums in r4-r11.
const WIDE: usize = 8;

/// What one pass of the 32-bit loop reads, `r0` in the block: [`Pass`] with the start
/// itself in place of a pointer to the starts (every output has the same).
#[repr(C)]
struct Pass32 {
    start: i32,
    x: *const i16,
    y: *mut i16,
    y_bytes: usize,
    pairs: *const u32,
    npairs: usize,
    last: i32,
}

/// The starts in 32 bits, if every output's starts are the same and every partial sum
/// stays in the `i32` range: `|start| + 2^15 * sum |w_j| <= i32::MAX`. (`SMLAD` adds both
/// products to the sum exactly, and wraps only where the result leaves that range.)
fn fits32(start: &[i64; ROWS], w: *const Q15, w_step: usize, count: usize) -> Option<i32> {
    if start.iter().any(|&s| s != start[0]) {
        return None;
    }
    // At most 257 taps: the sum of magnitudes is below 2^24.
    let l1: u32 = (0..count)
        // SAFETY: tap j's weight is at w + j * w_step, readable for j < count.
        .map(|j| u32::from(unsafe { (*w.add(j * w_step)).to_bits() }.unsigned_abs()))
        .sum();
    let room = match l1 {
        0..=0xffff => i64::from(i32::MAX as u32 - (l1 << 15)),
        _ => return None,
    };
    (-room..=room)
        .contains(&start[0])
        .then_some(start[0] as i32)
}

/// The loop without the activation, or with a ReLU where `relu`: [`Rows::rows`] with
/// `Identity` or `Relu` (`false`: declined).
///
/// # Safety
/// As [`Rows::rows`].
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn rows(
    relu: bool,
    start: &[i64; ROWS],
    x: *const Q15,
    x_step: usize,
    w: *const Q15,
    w_step: usize,
    count: usize,
    y: *mut Q15,
    y_step: usize,
    blocks: usize,
) -> bool {
    if x_step != 1 {
        return false;
    }
    let mut pairs = [0u32; MAX_PAIRS];
    // SAFETY: the contract's weights.
    let Some(taps) = (unsafe { Taps::new(&mut pairs, start, w, w_step, count) }) else {
        return false;
    };
    // SAFETY: with x_step == 1, the contract is `mono`'s.
    unsafe { mono(relu, &taps, start, x, y, y_step, blocks * ROWS) };
    true
}

/// A phase's weights as the mono loops read them, packed once for all its blocks.
struct Taps<'a> {
    /// `npairs` packed weights: pair `p` has tap `2p + 1` low and tap `2p` high.
    pairs: &'a [u32; MAX_PAIRS],
    npairs: usize,
    /// The odd last tap's weight, sign-extended, or zero.
    last: i32,
    /// The starts in 32 bits where the 32-bit loop may take the phase ([`fits32`]).
    start32: Option<i32>,
}

impl<'a> Taps<'a> {
    /// Packs the `count` taps at `w + j * w_step` into `pairs`, or declines (`None`): more than
    /// `2 * MAX_PAIRS + 1` taps, or a start beyond `+-2^30`.
    ///
    /// # Safety
    /// `w + j * w_step` is readable for every `j < count`.
    #[inline(always)]
    unsafe fn new(
        pairs: &'a mut [u32; MAX_PAIRS],
        start: &[i64; ROWS],
        w: *const Q15,
        w_step: usize,
        count: usize,
    ) -> Option<Self> {
        let bias_bits = start
            .iter()
            .all(|&s| (-(1i64 << 30)..1i64 << 30).contains(&s));
        if count > 2 * MAX_PAIRS + 1 || !bias_bits {
            return None;
        }
        let weight = |j: usize| {
            // SAFETY: tap j's weight is at w + j * w_step, readable for j < count.
            unsafe { (*w.add(j * w_step)).to_bits() }
        };
        let npairs = count / 2;
        for (p, pair) in pairs.iter_mut().take(npairs).enumerate() {
            *pair = u32::from(weight(2 * p + 1) as u16) | (u32::from(weight(2 * p) as u16) << 16);
        }
        Some(Taps {
            pairs,
            npairs,
            last: if count % 2 == 1 {
                i32::from(weight(count - 1))
            } else {
                0
            },
            start32: fits32(start, w, w_step, count),
        })
    }
}

/// `total` consecutive outputs of one phase (a multiple of [`PASS`]): `y[m * y_step] =
/// sat16((start[m % ROWS] + sum_j x[m - j] * w_j) >> 15)`, `max(.., 0)` where `relu`.
///
/// # Safety
/// `x - j .. + total` is readable for every tap `j` of `taps`, and `y + m * y_step`
/// writable for every `m < total`.
#[inline(always)]
unsafe fn mono(
    relu: bool,
    taps: &Taps<'_>,
    start: &[i64; ROWS],
    x: *const Q15,
    y: *mut Q15,
    y_step: usize,
    total: usize,
) {
    const { assert!(ROWS.is_multiple_of(PASS)) };
    let mut pass = Pass {
        start: start.as_ptr(),
        x: x.cast::<i16>().wrapping_add(1),
        y: y.cast::<i16>(),
        y_bytes: y_step * 2,
        pairs: taps.pairs.as_ptr(),
        npairs: taps.npairs,
        last: taps.last,
    };
    // Where every partial sum stays in 32 bits (as for a designed filter), eight outputs
    // a pass in 32-bit sums with `SMLAD`; the rest (four outputs, where the block count is
    // odd, or all of them) four a pass in 64 bits with `SMLALD`.
    let mut done = 0;
    if let Some(start32) = taps.start32 {
        let mut wide = Pass32 {
            start: start32,
            x: pass.x,
            y: pass.y,
            y_bytes: pass.y_bytes,
            pairs: pass.pairs,
            npairs: pass.npairs,
            last: pass.last,
        };
        while total - done >= WIDE {
            // Registers as in the 64-bit pass below, with r4-r11 the eight outputs' sums.
            // The finish `ssat(acc, 16, asr 15)` is `sat16(acc >> 15)` of a sum that is
            // exact (`fits32`).
            //
            // SAFETY: as below, for outputs done .. done + 8.
            unsafe {
                if relu {
                    wide_pass!(&wide as *const Pass32, "usat", "#15")
                } else {
                    wide_pass!(&wide as *const Pass32, "ssat", "#16")
                }
            }
            wide.x = wide.x.wrapping_add(WIDE);
            wide.y = wide.y.wrapping_add(WIDE * y_step);
            done += WIDE;
        }
        pass.x = wide.x;
        pass.y = wide.y;
    }
    while done < total {
        pass.start = start[done % ROWS..].as_ptr();
        // Registers: r0 the pass; r1 the input pointer, which steps back two samples
        // per pair (pre-indexed load), r2 the weights, r3 the pair count; r4:r5,
        // r6:r7, r8:r9, r10:r11 the accumulators of outputs 0-3 (saved and restored
        // by the block itself: r6, r7 and r9 cannot be named as operands); r12 the
        // weight pair, lr the input pair. Output m, pair p reads the word at
        // x[base + m - 2p - 1] (the inputs of taps 2p + 1 and 2p); the odd last tap
        // the halfword x[base + m - 2 * npairs].
        //
        // The finish is `ssat(acc >> 15, 16)` on the low word of `acc >> 15`, which
        // is all of it: |acc| <= (count + 1) * 2^30 < 2^39 (count <= 257 taps, the
        // bias checked below 2^30 above).
        //
        // SAFETY: with x_step == 1, tap j of output m reads x[base + m - j]; the
        // caller makes those readable for every j < count and m < blocks * ROWS, and
        // y + m * y_step writable; the block reads those inputs, the pairs, the
        // starts and the pass, and writes outputs 0-3 of this pass. It leaves every
        // register it does not declare as it found it.
        unsafe {
            if relu {
                mono_pass!(&pass as *const Pass, "usat", "#15")
            } else {
                mono_pass!(&pass as *const Pass, "ssat", "#16")
            }
        }
        pass.x = pass.x.wrapping_add(PASS);
        pass.y = pass.y.wrapping_add(PASS * y_step);
        done += PASS;
    }
}

/// The assembly of one pass of [`rows`], `$pass` its `*const Pass`; the finish
/// saturates with `$sat` to `$bits` (`"ssat", "#16"`: `sat16`; `"usat", "#15"`: `sat16`
/// and a fused ReLU, `max(.., 0)`, at no cost).
macro_rules! mono_pass {
    ($pass:expr, $sat:literal, $bits:literal) => {
        asm!(
            "push {{r4-r11}}",
            "ldr r1, [r0]",
            "ldm r1, {{r4-r11}}",
            "ldr r1, [r0, #4]",
            "ldr r2, [r0, #16]",
            "ldr r3, [r0, #20]",
            "cmp r3, #0",
            "beq 2f",
            "1:",
            "ldr r12, [r2], #4",
            "ldr lr, [r1, #-4]!",
            "smlald r4, r5, lr, r12",
            "ldr lr, [r1, #2]",
            "smlald r6, r7, lr, r12",
            "ldr lr, [r1, #4]",
            "smlald r8, r9, lr, r12",
            "ldr lr, [r1, #6]",
            "smlald r10, r11, lr, r12",
            "subs r3, r3, #1",
            "bne 1b",
            "2:",
            "ldr r12, [r0, #24]",
            "cmp r12, #0",
            "beq 3f",
            "ldrsh lr, [r1, #-2]",
            "smlalbb r4, r5, lr, r12",
            "ldrsh lr, [r1, #0]",
            "smlalbb r6, r7, lr, r12",
            "ldrsh lr, [r1, #2]",
            "smlalbb r8, r9, lr, r12",
            "ldrsh lr, [r1, #4]",
            "smlalbb r10, r11, lr, r12",
            "3:",
            "ldr r1, [r0, #8]",
            "ldr r2, [r0, #12]",
            "lsrs r4, r4, #15",
            "orr r4, r4, r5, lsl #17",
            concat!($sat, " r4, ", $bits, ", r4"),
            "strh r4, [r1]",
            "lsrs r6, r6, #15",
            "orr r6, r6, r7, lsl #17",
            concat!($sat, " r6, ", $bits, ", r6"),
            "add r1, r1, r2",
            "strh r6, [r1]",
            "lsrs r8, r8, #15",
            "orr r8, r8, r9, lsl #17",
            concat!($sat, " r8, ", $bits, ", r8"),
            "add r1, r1, r2",
            "strh r8, [r1]",
            "lsrs r10, r10, #15",
            "orr r10, r10, r11, lsl #17",
            concat!($sat, " r10, ", $bits, ", r10"),
            "add r1, r1, r2",
            "strh r10, [r1]",
            "pop {{r4-r11}}",
            in("r0") $pass,
            out("r1") _,
            out("r2") _,
            out("r3") _,
            out("r12") _,
            out("lr") _,
        )
    };
}
use mono_pass;

/// The assembly of one pass of the 32-bit loop, `$pass` its `*const Pass32`: eight
/// outputs, `SMLAD` (both taps of a pair) into each output's 32-bit sum, an odd last tap
/// by `SMLABB`; the finish saturates `acc >> 15` with `$sat` to `$bits` (`"ssat", "#16"`:
/// `sat16`; `"usat", "#15"`: with a fused ReLU).
macro_rules! wide_pass {
    ($pass:expr, $sat:literal, $bits:literal) => {
        asm!(
            "push {{r4-r11}}",
            "ldr r4, [r0]",
            "mov r5, r4",
            "mov r6, r4",
            "mov r7, r4",
            "mov r8, r4",
            "mov r9, r4",
            "mov r10, r4",
            "mov r11, r4",
            "ldr r1, [r0, #4]",
            "ldr r2, [r0, #16]",
            "ldr r3, [r0, #20]",
            "cmp r3, #0",
            "beq 2f",
            "1:",
            "ldr r12, [r2], #4",
            "ldr lr, [r1, #-4]!",
            "smlad r4, lr, r12, r4",
            "ldr lr, [r1, #2]",
            "smlad r5, lr, r12, r5",
            "ldr lr, [r1, #4]",
            "smlad r6, lr, r12, r6",
            "ldr lr, [r1, #6]",
            "smlad r7, lr, r12, r7",
            "ldr lr, [r1, #8]",
            "smlad r8, lr, r12, r8",
            "ldr lr, [r1, #10]",
            "smlad r9, lr, r12, r9",
            "ldr lr, [r1, #12]",
            "smlad r10, lr, r12, r10",
            "ldr lr, [r1, #14]",
            "smlad r11, lr, r12, r11",
            "subs r3, r3, #1",
            "bne 1b",
            "2:",
            "ldr r12, [r0, #24]",
            "cmp r12, #0",
            "beq 3f",
            "ldrsh lr, [r1, #-2]",
            "smlabb r4, lr, r12, r4",
            "ldrsh lr, [r1, #0]",
            "smlabb r5, lr, r12, r5",
            "ldrsh lr, [r1, #2]",
            "smlabb r6, lr, r12, r6",
            "ldrsh lr, [r1, #4]",
            "smlabb r7, lr, r12, r7",
            "ldrsh lr, [r1, #6]",
            "smlabb r8, lr, r12, r8",
            "ldrsh lr, [r1, #8]",
            "smlabb r9, lr, r12, r9",
            "ldrsh lr, [r1, #10]",
            "smlabb r10, lr, r12, r10",
            "ldrsh lr, [r1, #12]",
            "smlabb r11, lr, r12, r11",
            "3:",
            "ldr r1, [r0, #8]",
            "ldr r2, [r0, #12]",
            concat!($sat, " r4, ", $bits, ", r4, asr #15"),
            "strh r4, [r1]",
            "add r1, r1, r2",
            concat!($sat, " r5, ", $bits, ", r5, asr #15"),
            "strh r5, [r1]",
            "add r1, r1, r2",
            concat!($sat, " r6, ", $bits, ", r6, asr #15"),
            "strh r6, [r1]",
            "add r1, r1, r2",
            concat!($sat, " r7, ", $bits, ", r7, asr #15"),
            "strh r7, [r1]",
            "add r1, r1, r2",
            concat!($sat, " r8, ", $bits, ", r8, asr #15"),
            "strh r8, [r1]",
            "add r1, r1, r2",
            concat!($sat, " r9, ", $bits, ", r9, asr #15"),
            "strh r9, [r1]",
            "add r1, r1, r2",
            concat!($sat, " r10, ", $bits, ", r10, asr #15"),
            "strh r10, [r1]",
            "add r1, r1, r2",
            concat!($sat, " r11, ", $bits, ", r11, asr #15"),
            "strh r11, [r1]",
            "pop {{r4-r11}}",
            in("r0") $pass,
            out("r1") _,
            out("r2") _,
            out("r3") _,
            out("r12") _,
            out("lr") _,
        )
    };
}
use wide_pass;
