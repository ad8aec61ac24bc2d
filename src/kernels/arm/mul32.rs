//! Cortex-M0/M0+/M3/M23 (no DSP extension): the portable kernel's time-blocked Q15 inner
//! loop with 32-bit sums.
//!
//! The definition sums Q30 products in 64 bits ([`crate::fixed`]); on a core whose only
//! multiplier is 32 x 32 -> 32 each 64-bit add is a carry chain and a sign extension.
//! The sum stays in 32 bits exactly when no partial sum can leave the `i32` range: every
//! partial sum of an output is at most `|start| + 2^15 * sum |w_j|` in magnitude, so a
//! phase whose weights pass that check runs here and gives the 64-bit sum's bits; one
//! that fails (weights summing to 2.0 and more in magnitude, or a bias near full scale)
//! is declined, and the portable kernel computes it row by row in 64 bits. A designed filter quantised by [`crate::Q15::taps_for`] passes.
//!
//! Four outputs at a time keep their inputs in a window of four registers: tap `j` reads
//! `x[base + m - j]` for output `m`, so from one tap to the next the window takes one new
//! sample and drops one. The assembly loop is 20 instructions per tap for four outputs
//! (the compiler's own spills most of its registers on a core with eight low ones): one
//! `ldm` of the weight, `muls` and `add` into a high-register sum per output, three moves
//! and a load for the window.

use core::arch::asm;
use core::mem::MaybeUninit;

use crate::activation::Activation;
use crate::fixed::Q15;
use crate::kernels::element::Element;
use crate::kernels::epilogue::Epilogue;
use crate::kernels::rows::lanes_blocks;
use crate::kernels::rows::{Rows, ROWS};

/// The Q15 inner loop with 32-bit sums where the headroom allows.
pub(crate) struct Mul32;

/// Outputs per pass: four sums and four inputs in registers.
const PASS: usize = 4;

/// Taps a phase may have for this path (256 bytes of stack, the weights sign-extended);
/// longer phases, and phases whose taps read inputs that are not adjacent (`x_step != 1`,
/// from dilation), are declined.
const MAX_TAPS: usize = 64;

/// What the passes read and write, `r0` in the block.
#[repr(C)]
struct Pass {
    /// Byte address of `x[base + m0]`, tap 0's input for the pass's first output.
    x: *const i16,
    /// The phase's weights, sign-extended, and their end.
    w: *const i32,
    w_end: *const i32,
    /// Every sum's start (the 64-bit path takes rows whose starts differ).
    start: i32,
    /// The pass's first output, and the step between outputs in bytes.
    y: *mut i16,
    y_bytes: usize,
    /// Passes still to run (at least one).
    passes: usize,
    /// The saturation's lower bound: `i16::MIN`, or 0 with a fused ReLU.
    low: i32,
}

impl Rows<Q15> for Mul32 {
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
        const { assert!(ROWS.is_multiple_of(PASS)) };
        if x_step != 1 || start.iter().any(|&s| s != start[0]) {
            return false;
        }
        let mut packed = [MaybeUninit::uninit(); MAX_TAPS];
        let Some(start) = pack(&mut packed, w, w_step, count, start[0]) else {
            return false;
        };
        let mut pass = Pass {
            x: x.cast::<i16>(),
            w: packed.as_ptr().cast::<i32>(),
            // `pack` refused more than MAX_TAPS taps; `min` shows it without a panic path.
            w_end: packed
                .as_ptr()
                .cast::<i32>()
                .wrapping_add(count.min(MAX_TAPS)),
            start,
            y: y.cast::<i16>(),
            y_bytes: y_step * 2,
            passes: blocks * ROWS / PASS,
            low: low::<A>(),
        };
        // SAFETY: with x_step == 1, tap j of output m reads x[base + m - j], which the
        // caller makes readable for every j < count and m < blocks * ROWS, and y + m *
        // y_step writable: `passes`' contract with adjacent samples, `blocks * ROWS / 4`
        // passes of four outputs.
        unsafe {
            passes!(&mut pass, 2, 4, 6, 8);
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
        if G != 2 || x_frame != 2 || x_step != 2 {
            // SAFETY: the `Rows::lanes` contract, which `lanes_blocks` takes as its own.
            unsafe {
                lanes_blocks::<Q15, A, G>(
                    start, x, x_frame, x_step, w, w_step, count, y, y_frame, blocks, act,
                )
            };
            return true;
        }
        let mut buffers = [[MaybeUninit::uninit(); MAX_TAPS]; 2];
        let [left_taps, right_taps] = &mut buffers;
        let (Some(left), Some(right)) = (
            pack(left_taps, w, w_step, count, start[0]),
            pack(right_taps, w.wrapping_add(1), w_step, count, start[1]),
        ) else {
            return false;
        };
        // Each channel in turn: its frames are a mono signal of every other sample.
        let frames = blocks * ROWS / 2;
        let passes = frames / PASS;
        for (l, (packed, start)) in buffers.iter().zip([left, right]).enumerate() {
            let packed = packed.as_ptr().cast::<i32>();
            let mut pass = Pass {
                x: x.cast::<i16>().wrapping_add(l),
                w: packed,
                // `pack` refused more than MAX_TAPS taps; `min` shows it without a panic path.
                w_end: packed.wrapping_add(count.min(MAX_TAPS)),
                start,
                y: y.cast::<i16>().wrapping_add(l),
                y_bytes: y_frame * 2,
                passes,
                low: low::<A>(),
            };
            if passes > 0 {
                // SAFETY: tap j of frame f, lane l reads x[(f - j) * 2 + l], readable for
                // every j < count and frame f < frames (the contract), and y + f *
                // y_frame + l is writable: `passes`' contract with samples two apart,
                // `frames / 4` passes of four frames.
                unsafe { passes!(&mut pass, 4, 8, 12, 16) };
            }
            // The last frames (two, where the block count is odd), in the same 32-bit
            // sums.
            for f in passes * PASS..frames {
                let mut acc = start;
                for j in 0..count.min(MAX_TAPS) {
                    // SAFETY: as above, and `pack` wrote the first `count` weights and
                    // checked that the sum stays in i32.
                    let (xv, wv) =
                        unsafe { (*x.cast::<i16>().add((f - j) * 2 + l), *packed.add(j)) };
                    acc += i32::from(xv) * wv;
                }
                let v = Q15::finish(i64::from(acc));
                let v = if A::RELU { act.apply(v) } else { v };
                // SAFETY: as above.
                unsafe { y.add(f * y_frame + l).write(v) };
            }
        }
        if !A::IDENTITY && !A::RELU {
            for f in 0..frames {
                for l in 0..2 {
                    // SAFETY: as above.
                    unsafe {
                        let y = y.add(f * y_frame + l);
                        y.write(act.apply(y.read()));
                    }
                }
            }
        }
        true
    }
}

/// The saturation's lower bound for `A`: ReLU is `max(sat16(acc >> 15), 0)`, which is
/// saturation to `0..=i16::MAX`.
fn low<A: Activation>() -> i32 {
    if A::RELU {
        0
    } else {
        i32::from(i16::MIN)
    }
}

/// A phase's weights (`count` of them, `w_step` apart), sign-extended into the first
/// `count` of `packed`, and `start` in 32 bits, if every partial sum of an output stays in
/// the `i32` range (`|start| + 2^15 * sum |w| <= i32::MAX`) and the phase fits the
/// buffer. (The buffer is the caller's and left uninitialised beyond `count`: no copy of
/// it, no clearing.)
fn pack(
    packed: &mut [MaybeUninit<i32>; MAX_TAPS],
    w: *const Q15,
    w_step: usize,
    count: usize,
    start: i64,
) -> Option<i32> {
    if count > MAX_TAPS {
        return None;
    }
    // The sum of the magnitudes is below 2^22: at most 64 of them.
    let mut l1 = 0u32;
    for (j, p) in packed.iter_mut().take(count).enumerate() {
        // SAFETY: tap j's weight is at w + j * w_step, readable for j < count (the
        // callers' `Rows` contract).
        let v = i32::from(unsafe { (*w.add(j * w_step)).to_bits() });
        p.write(v);
        l1 += v.unsigned_abs();
    }
    let room = match l1 {
        0..=0xffff => i64::from(i32::MAX as u32 - (l1 << 15)),
        _ => return None,
    };
    (-room..=room).contains(&start).then_some(start as i32)
}

/// Runs the passes of `pass` (a `*mut Pass`), four outputs each; `$d1`, `$d2`, `$d3` are
/// the byte offsets of a pass's second, third and fourth outputs' inputs (and `$d1` the
/// step back per tap), `$pass` the bytes from one pass's inputs to the next's.
///
/// Registers, per pass: r0 the input pointer (the inputs of tap j), r1 the packed
/// weights, r2 the weight, r3 a product, r4-r7 the window (output i's input of tap j),
/// r8-r11 the four sums, r12 the end of the weights; then r4 and r5 the saturation
/// bounds, r6 the output pointer, r7 its step. The block saves and restores r4-r11 itself
/// (r6, r7 and r9 cannot be named as operands) and keeps the pass pointer on the stack.
/// The finish is `sat16(acc >> 15)`, the definition's, on sums that are exact.
///
/// # Safety
/// For each of `passes` passes, its four outputs' inputs at `x + i * $d1 - j * $d1` bytes
/// for i < 4 and j < count are readable (the window's new sample is read only when
/// another tap follows), the `count >= 1` packed weights too, and its outputs at `y + i *
/// y_bytes` writable; every partial sum stays in the `i32` range. The block writes those
/// outputs and the pass's fields, and leaves every register it does not declare as it
/// found it.
macro_rules! passes {
    ($pass:expr, $d1:literal, $d2:literal, $d3:literal, $pass_bytes:literal) => {
        asm!(
            "push {{r4-r7}}",
            "mov r4, r8",
            "mov r5, r9",
            "mov r6, r10",
            "mov r7, r11",
            "push {{r4-r7}}",
            "push {{r0}}",
            "5:",
            "ldr r0, [sp]",
            "ldr r4, [r0, #12]",
            "mov r8, r4",
            "mov r9, r4",
            "mov r10, r4",
            "mov r11, r4",
            "ldr r1, [r0, #4]",
            "ldr r2, [r0, #8]",
            "mov r12, r2",
            "ldr r3, [r0, #0]",
            "adds r3, #{pass_bytes}",
            "str r3, [r0, #0]",
            "subs r3, #{pass_bytes}",
            "mov r0, r3",
            "ldrh r4, [r0, #0]",
            "sxth r4, r4",
            "ldrh r5, [r0, #{d1}]",
            "sxth r5, r5",
            "ldrh r6, [r0, #{d2}]",
            "sxth r6, r6",
            "ldrh r7, [r0, #{d3}]",
            "sxth r7, r7",
            "b 2f",
            "1:",
            "mov r7, r6",
            "mov r6, r5",
            "mov r5, r4",
            "subs r0, #{d1}",
            "ldrh r4, [r0, #0]",
            "sxth r4, r4",
            "2:",
            "ldm r1!, {{r2}}",
            "mov r3, r4",
            "muls r3, r2, r3",
            "add r8, r3",
            "mov r3, r5",
            "muls r3, r2, r3",
            "add r9, r3",
            "mov r3, r6",
            "muls r3, r2, r3",
            "add r10, r3",
            "muls r7, r2, r7",
            "add r11, r7",
            "cmp r1, r12",
            "bne 1b",
            "ldr r0, [sp]",
            "ldr r6, [r0, #16]",
            "ldr r7, [r0, #20]",
            "movs r4, #1",
            "lsls r4, r4, #15",
            "subs r4, #1",
            "ldr r5, [r0, #28]",
                "mov r3, r8",
                "asrs r3, r3, #15",
                "cmp r3, r4",
                "ble 3f",
                "mov r3, r4",
                "3:",
                "cmp r3, r5",
                "bge 3f",
                "mov r3, r5",
                "3:",
                "strh r3, [r6]",
                "add r6, r7",
                "mov r3, r9",
                "asrs r3, r3, #15",
                "cmp r3, r4",
                "ble 3f",
                "mov r3, r4",
                "3:",
                "cmp r3, r5",
                "bge 3f",
                "mov r3, r5",
                "3:",
                "strh r3, [r6]",
                "add r6, r7",
                "mov r3, r10",
                "asrs r3, r3, #15",
                "cmp r3, r4",
                "ble 3f",
                "mov r3, r4",
                "3:",
                "cmp r3, r5",
                "bge 3f",
                "mov r3, r5",
                "3:",
                "strh r3, [r6]",
                "add r6, r7",
                "mov r3, r11",
                "asrs r3, r3, #15",
                "cmp r3, r4",
                "ble 3f",
                "mov r3, r4",
                "3:",
                "cmp r3, r5",
                "bge 3f",
                "mov r3, r5",
                "3:",
                "strh r3, [r6]",
                "add r6, r7",
            "str r6, [r0, #16]",
            "ldr r1, [r0, #24]",
            "subs r1, #1",
            "str r1, [r0, #24]",
            "bne 5b",
            "pop {{r0}}",
            "pop {{r4-r7}}",
            "mov r8, r4",
            "mov r9, r5",
            "mov r10, r6",
            "mov r11, r7",
            "pop {{r4-r7}}",
            inout("r0") $pass as *mut Pass => _,
            out("r1") _,
            out("r2") _,
            out("r3") _,
            out("r12") _,
            d1 = const $d1,
            d2 = const $d2,
            d3 = const $d3,
            pass_bytes = const $pass_bytes,
        )
    };
}
use passes;
