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

use crate::activation::Activation;
use crate::fixed::Q15;
use crate::kernels::epilogue::Epilogue;
use crate::kernels::portable::{Rows, ROWS};

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
        const { assert!(ROWS % PASS == 0) };
        if x_step != 1 || count > MAX_TAPS {
            return false;
        }
        // The weights, sign-extended, and the sum of their magnitudes (below 2^22: at
        // most 64 of them).
        let mut packed = [0i32; MAX_TAPS];
        let mut l1 = 0u32;
        for (j, p) in packed[..count].iter_mut().enumerate() {
            // SAFETY: tap j's weight is at w + j * w_step, readable for j < count.
            *p = i32::from(unsafe { (*w.add(j * w_step)).to_bits() });
            l1 += p.unsigned_abs();
        }
        // Every partial sum within `|start| + 2^15 * l1 <= i32::MAX`.
        let room = match l1 {
            0..=0xffff => i64::from(i32::MAX as u32 - (l1 << 15)),
            _ => return false,
        };
        if !(-room..=room).contains(&start[0]) || start.iter().any(|&s| s != start[0]) {
            return false;
        }
        let mut pass = Pass {
            x: x.cast::<i16>(),
            w: packed.as_ptr(),
            w_end: packed[..count].as_ptr_range().end,
            // `fits`: the start, and every partial sum below, is in the i32 range.
            start: start[0] as i32,
            y: y.cast::<i16>(),
            y_bytes: y_step * 2,
            passes: blocks * ROWS / PASS,
        };
        // Registers, per pass: r0 the input pointer (x[base + m0 - j] at tap j), r1 the
        // packed weights, r2 the weight, r3 a product, r4-r7 the window (x[base + m0 + i
        // - j] for output i), r8-r11 the four sums, r12 the end of the weights; then r4
        // and r5 the saturation bounds, r6 the output pointer, r7 its step. The block
        // saves and restores r4-r11 itself (r6, r7 and r9 cannot be named as operands)
        // and keeps the pass pointer on the stack.
        //
        // The finish is `sat16(acc >> 15)`, the definition's, on sums that are exact.
        //
        // SAFETY: with x_step == 1, tap j of output m reads x[base + m - j], which the
        // caller makes readable for every j < count and m < blocks * ROWS, and y + m *
        // y_step writable; pass p's outputs are m0 + i for m0 = 4p, i < 4, and it reads
        // x[base + m0 + i - j] for j < count (the window's new sample only when another
        // tap follows) and the `count >= 1` packed weights, and writes those outputs and
        // the pass's own fields. It leaves every register it does not declare as it
        // found it.
        unsafe {
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
                "adds r3, #8",
                "str r3, [r0, #0]",
                "subs r3, #8",
                "mov r0, r3",
                "ldrh r4, [r0, #0]",
                "sxth r4, r4",
                "ldrh r5, [r0, #2]",
                "sxth r5, r5",
                "ldrh r6, [r0, #4]",
                "sxth r6, r6",
                "ldrh r7, [r0, #6]",
                "sxth r7, r7",
                "b 2f",
                "1:",
                "mov r7, r6",
                "mov r6, r5",
                "mov r5, r4",
                "subs r0, #2",
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
                "mvns r5, r4",
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
                inout("r0") &mut pass as *mut Pass => _,
                out("r1") _,
                out("r2") _,
                out("r3") _,
                out("r12") _,
            );
            if !A::IDENTITY {
                for m in 0..blocks * ROWS {
                    let y = y.add(m * y_step);
                    y.write(act.apply(y.read()));
                }
            }
        }
        true
    }
}
