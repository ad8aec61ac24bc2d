//! Helium's Q15 loops: mono and channels-first depthwise ([`Rows::rows`]), and
//! interleaved stereo ([`Rows::lanes`]).

use core::arch::asm;

use crate::activation::Activation;
use crate::fixed::Q15;
use crate::kernels::epilogue::Epilogue;
use crate::kernels::rows::lanes_blocks;
use crate::kernels::rows::{Rows, ROWS};

use super::{activate, Mve, MAX_TAPS};

/// What the Q15 passes read and write, `r12` in the block.
#[repr(C)]
struct Pass {
    /// Byte address of the first input of the pass's first output: `x[base + m0 -
    /// (count - 1)]`, its last tap's.
    x: *const i16,
    /// The phase's weights, last tap first.
    w: *const i16,
    /// The pass's first output.
    y: *mut i16,
    count: usize,
    /// Every sum's start (the bias, in Q30).
    start: i64,
    /// The step between outputs in bytes.
    y_bytes: usize,
    /// Passes still to run (at least one).
    passes: usize,
}

/// Outputs per Q15 pass: four 64-bit sums in r0-r7.
const PASS: usize = 4;

impl Rows<Q15> for Mve {
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
        // |acc| <= (count + 1) * 2^30 < 2^39, so `acc >> 15` is its low word.
        let bias_bits = (-(1i64 << 30)..1i64 << 30).contains(&start[0]);
        if x_step != 1 || count > MAX_TAPS || !bias_bits || start.iter().any(|&s| s != start[0]) {
            return false;
        }
        let mut reversed = [0i16; MAX_TAPS];
        for (i, r) in reversed[..count].iter_mut().enumerate() {
            // SAFETY: tap j's weight is at w + j * w_step, readable for j < count.
            *r = unsafe { (*w.add((count - 1 - i) * w_step)).to_bits() };
        }
        let mut pass = Pass {
            x: x.cast::<i16>().wrapping_sub(count - 1),
            w: reversed.as_ptr(),
            y: y.cast::<i16>(),
            count,
            start: start[0],
            y_bytes: 2 * y_step,
            passes: blocks * ROWS / PASS,
        };
        // Registers: r0:r1, r2:r3, r4:r5, r6:r7 the sums of outputs 0-3 of a pass, r8 the
        // inputs of output 0 (output m's are 2m bytes on), r10 the weights, q0 eight
        // weights, q1-q3 eight inputs, lr the taps left (tail-predicated); then r9 the
        // output step and r11 the output. The block saves and restores r4-r11 itself (r6,
        // r7 and r9 cannot be named as operands).
        //
        // SAFETY: with x_step == 1, tap j of output m reads x[base + m - j], which the
        // caller makes readable for every j < count and m < blocks * ROWS, and y + m *
        // y_step writable. Pass p's outputs are m0 + i for m0 = 4p, i < 4: it reads
        // x[base + m0 + i - count + 1 ..= base + m0 + i] (the tail-predicated last
        // iteration touches only the lanes that are taps) and the reversed weights, and
        // writes those outputs and the pass's own fields. It leaves every register it
        // does not declare as it found it.
        unsafe {
            if A::RELU {
                mono_pass!(&mut pass as *mut Pass, "usat", "#15")
            } else {
                mono_pass!(&mut pass as *mut Pass, "ssat", "#16")
            }
            if !A::RELU {
                activate(y, y_step, blocks * ROWS, act);
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
        if G != 2 || x_frame != 2 || x_step != 2 || count > MAX_TAPS || !bias_bits {
            // SAFETY: the `Rows::lanes` contract, which `lanes_blocks` takes as its own.
            unsafe {
                lanes_blocks::<Q15, A, G>(
                    start, x, x_frame, x_step, w, w_step, count, y, y_frame, blocks, act,
                )
            };
            return true;
        }
        // SAFETY: interleaved stereo, not dilated: the `Rows::lanes` contract with G = 2,
        // x_frame = x_step = 2 is `stereo_q15`'s.
        unsafe {
            stereo_q15(A::RELU, start, x, w, w_step, count, y, y_frame, blocks);
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

/// What the stereo Q15 passes read and write, `r12` in the block.
#[repr(C)]
struct StereoPass {
    /// Byte address of the pass's first frame's left input of the last tap: `x[(f0 -
    /// (count - 1)) * 2]`.
    x: *const i16,
    /// Each channel's weights, last tap first.
    w: [*const i16; 2],
    /// The pass's first output (frame 0, left).
    y: *mut i16,
    count: usize,
    /// Padding, so that the starts are 8-byte aligned for `ldrd`.
    _pad: usize,
    /// Each channel's start (its bias, in Q30).
    start: [i64; 2],
    /// The step between output frames in bytes.
    y_bytes: usize,
    /// Passes still to run (at least one).
    passes: usize,
}

/// Interleaved stereo ([`Rows::lanes`] with two lanes), without the activation (or with a
/// ReLU where `relu`): two
/// frames of both channels a pass, each output a dot product of its channel's reversed
/// weights with a run of that channel's inputs, which a gather load (`vldrh` with a
/// vector of offsets, every other sample) de-interleaves. Tail-predicated as the mono
/// loop is.
///
/// # Safety
/// As [`Rows::lanes`] with G = 2, x_frame = x_step = 2; `count <= MAX_TAPS` and every
/// start within `+-2^30`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn stereo_q15(
    relu: bool,
    start: &[i64; ROWS],
    x: *const Q15,
    w: *const Q15,
    w_step: usize,
    count: usize,
    y: *mut Q15,
    y_frame: usize,
    blocks: usize,
) {
    let mut reversed = [[0i16; MAX_TAPS]; 2];
    for (l, reversed) in reversed.iter_mut().enumerate() {
        for (i, r) in reversed[..count].iter_mut().enumerate() {
            // SAFETY: tap j's weight of lane l is at w + j * w_step + l, readable for j <
            // count.
            *r = unsafe { (*w.add((count - 1 - i) * w_step + l)).to_bits() };
        }
    }
    let mut pass = StereoPass {
        x: x.cast::<i16>().wrapping_sub(2 * (count - 1)),
        w: [reversed[0].as_ptr(), reversed[1].as_ptr()],
        y: y.cast::<i16>(),
        count,
        _pad: 0,
        start: [start[0], start[1]],
        y_bytes: 2 * y_frame,
        passes: blocks * ROWS / 4,
    };
    // Registers: r0:r1, r2:r3, r4:r5, r6:r7 the sums of frame 0 left and right, frame 1
    // left and right; r8 the inputs (frame 0, left, of the tap the chunk starts at), r10
    // and r11 the weights of the two channels, q0 and q1 eight of them; q4-q7 the
    // offsets, in samples, of each output's inputs from r8 (every other sample: 0, 2, ..
    // 14, then 1, 3, .. for the right channel, 2 and 3 on for frame 1); q2 and q3 eight
    // inputs; lr the taps left (tail-predicated). Then r9 the output step and r11 the
    // output. The block saves and restores r4-r11 itself (r6, r7 and r9 cannot be named
    // as operands).
    //
    // SAFETY: tap j of frame f, lane l reads x[(f - j) * 2 + l], readable for every j <
    // count and frame f of the call (the contract); pass p's frames are 2p and 2p + 1, and
    // its gathers read x[(f - count + 1 + i) * 2 + l] for i < count only (the
    // tail-predicated last iteration loads just the lanes that are taps). It writes the
    // pass's four outputs and fields. It leaves every register it does not declare as it
    // found it.
    unsafe {
        if relu {
            stereo_pass!(&mut pass as *mut StereoPass, "usat", "#15")
        } else {
            stereo_pass!(&mut pass as *mut StereoPass, "ssat", "#16")
        }
    }
}

/// The assembly of the mono passes, `$pass` their `*mut Pass`; the finish saturates with
/// `$sat` to `$bits` (`"ssat", "#16"`: `sat16`; `"usat", "#15"`: `sat16` and a fused
/// ReLU, `max(.., 0)`, at no cost).
macro_rules! mono_pass {
    ($pass:expr, $sat:literal, $bits:literal) => {
        asm!(
            "push {{r4-r11}}",
            "ldr r11, [r12, #8]",
            "3:",
            "ldr r8, [r12, #0]",
            "add.w r9, r8, #8",
            "str r9, [r12, #0]",
            "ldrd r0, r1, [r12, #16]",
            "mov r2, r0",
            "mov r3, r1",
            "mov r4, r0",
            "mov r5, r1",
            "mov r6, r0",
            "mov r7, r1",
            "ldr r10, [r12, #4]",
            "ldr r9, [r12, #12]",
            "wlstp.16 lr, r9, 2f",
            "1:",
            "vldrh.u16 q0, [r10], #16",
            "vldrh.u16 q1, [r8, #2]",
            "vmlaldava.s16 r2, r3, q1, q0",
            "vldrh.u16 q2, [r8, #4]",
            "vmlaldava.s16 r4, r5, q2, q0",
            "vldrh.u16 q3, [r8, #6]",
            "vmlaldava.s16 r6, r7, q3, q0",
            "vldrh.u16 q1, [r8], #16",
            "vmlaldava.s16 r0, r1, q1, q0",
            "letp lr, 1b",
            "2:",
            "ldr r9, [r12, #24]",
            "asrl r0, r1, #15",
            concat!($sat, " r0, ", $bits, ", r0"),
            "strh r0, [r11]",
            "add r11, r11, r9",
            "asrl r2, r3, #15",
            concat!($sat, " r2, ", $bits, ", r2"),
            "strh r2, [r11]",
            "add r11, r11, r9",
            "asrl r4, r5, #15",
            concat!($sat, " r4, ", $bits, ", r4"),
            "strh r4, [r11]",
            "add r11, r11, r9",
            "asrl r6, r7, #15",
            concat!($sat, " r6, ", $bits, ", r6"),
            "strh r6, [r11]",
            "add r11, r11, r9",
            "ldr r9, [r12, #28]",
            "subs r9, #1",
            "str r9, [r12, #28]",
            "bne 3b",
            "pop {{r4-r11}}",
            in("r12") $pass,
            out("r0") _,
            out("r1") _,
            out("r2") _,
            out("r3") _,
            out("lr") _,
            out("q0") _, out("q1") _, out("q2") _, out("q3") _,
        )
    };
}
use mono_pass;

/// The assembly of the stereo passes, `$pass` their `*mut StereoPass`; the finish saturates with
/// `$sat` to `$bits` (`"ssat", "#16"`: `sat16`; `"usat", "#15"`: `sat16` and a fused
/// ReLU, `max(.., 0)`, at no cost).
macro_rules! stereo_pass {
    ($pass:expr, $sat:literal, $bits:literal) => {
        asm!(
            "push {{r4-r11}}",
            "movs r8, #0",
            "vidup.u16 q4, r8, #2",
            "movs r8, #1",
            "vidup.u16 q5, r8, #2",
            "movs r8, #2",
            "vidup.u16 q6, r8, #2",
            "movs r8, #3",
            "vidup.u16 q7, r8, #2",
            "3:",
            "ldr r8, [r12, #0]",
            "add.w r9, r8, #8",
            "str r9, [r12, #0]",
            "ldrd r0, r1, [r12, #24]",
            "ldrd r2, r3, [r12, #32]",
            "mov r4, r0",
            "mov r5, r1",
            "mov r6, r2",
            "mov r7, r3",
            "ldr r10, [r12, #4]",
            "ldr r11, [r12, #8]",
            "ldr r9, [r12, #16]",
            "wlstp.16 lr, r9, 2f",
            "1:",
            "vldrh.u16 q0, [r10], #16",
            "vldrh.u16 q1, [r11], #16",
            "vldrh.u16 q2, [r8, q4, uxtw #1]",
            "vmlaldava.s16 r0, r1, q2, q0",
            "vldrh.u16 q3, [r8, q5, uxtw #1]",
            "vmlaldava.s16 r2, r3, q3, q1",
            "vldrh.u16 q2, [r8, q6, uxtw #1]",
            "vmlaldava.s16 r4, r5, q2, q0",
            "vldrh.u16 q3, [r8, q7, uxtw #1]",
            "vmlaldava.s16 r6, r7, q3, q1",
            "add.w r8, r8, #32",
            "letp lr, 1b",
            "2:",
            "ldr r11, [r12, #12]",
            "ldr r9, [r12, #40]",
            "asrl r0, r1, #15",
            concat!($sat, " r0, ", $bits, ", r0"),
            "strh r0, [r11]",
            "asrl r2, r3, #15",
            concat!($sat, " r2, ", $bits, ", r2"),
            "strh r2, [r11, #2]",
            "add r11, r11, r9",
            "asrl r4, r5, #15",
            concat!($sat, " r4, ", $bits, ", r4"),
            "strh r4, [r11]",
            "asrl r6, r7, #15",
            concat!($sat, " r6, ", $bits, ", r6"),
            "strh r6, [r11, #2]",
            "add r11, r11, r9",
            "str r11, [r12, #12]",
            "ldr r9, [r12, #44]",
            "subs r9, #1",
            "str r9, [r12, #44]",
            "bne 3b",
            "pop {{r4-r11}}",
            in("r12") $pass,
            out("r0") _,
            out("r1") _,
            out("r2") _,
            out("r3") _,
            out("lr") _,
            out("q0") _, out("q1") _, out("q2") _, out("q3") _,
            out("q4") _, out("q5") _, out("q6") _, out("q7") _,
        )
    };
}
use stereo_pass;
