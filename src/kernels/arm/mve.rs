//! Cortex-M55/M85 (Helium, the M-profile Vector Extension; the `arm-mve` feature on
//! `thumbv8m.main` built with `-C target-cpu=cortex-m55`): the portable kernel's
//! time-blocked inner loops in MVE assembly, f32 and Q15.
//!
//! f32: twenty-four outputs of a phase at a time in six vector accumulators. Per tap,
//! one `ldr` of the weight into a core register and, per four outputs, one `vldrw` of
//! their inputs, one `vmul` by the weight and one `vadd`: the portable kernel's
//! arithmetic (the product rounded, then the sum), so the results are its own to the bit.
//! (MVE's one float multiply-add, `vfma`, is fused, and would not be.) The outputs leave
//! through scatter stores (`vstrw` with a vector of offsets), since a phase's outputs
//! are `S` apart. A last block of twelve, and interleaved channels, take the FPU's `vmla`
//! loops ([`super::vfp`]), whose results are the same.
//!
//! Q15: a phase's output is a dot product of the weights, reversed, with a run of inputs,
//! so four outputs at a time take one `vmlaldava.s16` per eight taps each: eight exact
//! products summed into a 64-bit accumulator, the definition's sum. The tap loop is
//! tail-predicated (`wlstp`/`letp`): the last pass over a phase whose tap count is not a
//! multiple of eight loads and sums only the lanes that are taps, and touches no memory
//! past them. The finish is the definition's `sat16(acc >> 15)` (`asrl`, `ssat`), so the
//! results are the portable kernel's to the bit.

use core::arch::asm;

use crate::activation::Activation;
use crate::fixed::Q15;
use crate::kernels::arm::vfp::Vfp;
use crate::kernels::epilogue::Epilogue;
use crate::kernels::portable::{Rows, ROWS};

/// The Helium inner loops.
pub(crate) struct Mve;

/// Weights a phase may have for the Q15 loop (512 bytes of stack); longer phases, and
/// phases whose taps read inputs that are not adjacent (`x_step != 1`, from dilation),
/// are declined.
const MAX_TAPS: usize = 256;

/// Applies `act` to the `n` outputs stored at `y`, `y_step` apart (the loops store first).
///
/// # Safety
/// `y + m * y_step` is readable and writable for every `m < n`.
#[inline(always)]
unsafe fn activate<T: crate::kernels::element::Element, A: Activation>(
    y: *mut T,
    y_step: usize,
    n: usize,
    act: A,
) {
    if !A::IDENTITY {
        for m in 0..n {
            // SAFETY: this function's contract.
            unsafe {
                let y = y.add(m * y_step);
                y.write(act.apply(y.read()));
            }
        }
    }
}

impl Rows<f32> for Mve {
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
        if x_step != 1 || count > MAX_VECTOR_TAPS || blocks < 2 {
            // SAFETY: the `Rows` contract, which `Vfp::rows` takes as its own.
            return unsafe {
                Vfp::rows(start, x, x_step, w, w_step, count, y, y_step, blocks, act)
            };
        }
        // SAFETY: mono is one lane whose frames are one sample apart: the `Rows` contract
        // is `f32_pairs`' with G = 1, x_frame = 1, y_frame = y_step.
        unsafe { f32_pairs::<A, 1>(start, x, w, w_step, count, y, y_step, blocks, act) };
        if blocks % 2 == 1 {
            let m0 = (blocks - 1) * ROWS;
            // SAFETY: the last block's outputs and inputs are within the caller's.
            unsafe {
                Vfp::rows(
                    start,
                    x.add(m0),
                    x_step,
                    w,
                    w_step,
                    count,
                    y.add(m0 * y_step),
                    y_step,
                    1,
                    act,
                )
            };
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
        // Stereo and four channels, not dilated: a tap's inputs are contiguous, G apart.
        let contiguous = x_frame == G && x_step == G && (G == 2 || G == 4);
        if !contiguous || count > MAX_VECTOR_TAPS || blocks < 2 {
            // SAFETY: the `Rows::lanes` contract, which `Vfp::lanes` takes as its own.
            return unsafe {
                Vfp::lanes::<A, G>(
                    start, x, x_frame, x_step, w, w_step, count, y, y_frame, blocks, act,
                )
            };
        }
        // SAFETY: with x_frame == G, a block's twelve inputs of tap j are contiguous; the
        // `Rows::lanes` contract is `f32_pairs`'.
        unsafe { f32_pairs::<A, G>(start, x, w, w_step, count, y, y_frame, blocks, act) };
        if blocks % 2 == 1 {
            let f0 = (blocks - 1) * (ROWS / G);
            // SAFETY: the last block's outputs and inputs are within the caller's.
            unsafe {
                Vfp::lanes::<A, G>(
                    start,
                    x.add(f0 * x_frame),
                    x_frame,
                    x_step,
                    w,
                    w_step,
                    count,
                    y.add(f0 * y_frame),
                    y_frame,
                    1,
                    act,
                )
            };
        }
        true
    }
}

/// Taps a phase may have for the f32 loop: each tap's weights are one vector of four (a
/// lane's weight repeated every `G`), 1 KiB of stack.
const MAX_VECTOR_TAPS: usize = 64;

/// The f32 loop over the `blocks / 2` pairs of blocks: 24 accumulators, accumulator `m`
/// frame `m / G`, lane `m % G`, which reads `x[m - j * G]` for tap `j` (the frames are
/// `G` samples, one per lane, in a row) and `w[j * w_step + m % G]`, and writes `y[(m /
/// G) * y_frame + m % G]`. Mono is `G = 1` (`y_frame` the output step).
///
/// # Safety
/// `G` divides 4; `count <= MAX_VECTOR_TAPS`; for every block `b < blocks` (pairs only
/// are run), output `m < ROWS` and tap `j < count`, `x + b * ROWS + m - j * G` and `w + j *
/// w_step + m % G` are readable and `y + (b * ROWS + m) / G * y_frame + m % G` writable;
/// `x` and `y` are aligned for `f32`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn f32_pairs<A: Activation, const G: usize>(
    start: &[f32; ROWS],
    x: *const f32,
    w: *const f32,
    w_step: usize,
    count: usize,
    y: *mut f32,
    y_frame: usize,
    blocks: usize,
    act: A,
) {
    const { assert!(4 % G == 0) };
    let mut vectors = [[0f32; 4]; MAX_VECTOR_TAPS];
    for (j, v) in vectors[..count].iter_mut().enumerate() {
        for (i, v) in v.iter_mut().enumerate() {
            // SAFETY: tap j's weight of lane i % G is readable (this function's contract).
            *v = unsafe { *w.add(j * w_step + i % G) };
        }
    }
    // Accumulator i of a vector is (i / G) frames and i % G lanes on; the next vector is
    // 4 / G frames on.
    let offsets: [u32; 4] = core::array::from_fn(|i| ((i / G) * y_frame + i % G) as u32);
    let starts = [*start, *start];
    for p in 0..blocks / 2 {
        let m0 = p * 2 * ROWS;
        let y = y.wrapping_add(m0 / G * y_frame);
        // Registers: q0-q5 the sums of outputs 0-23, q6 and q7 inputs times the
        // weights, q7 also the weights; lr counts the taps.
        //
        // SAFETY: this pass reads x + m0 + i - j * G for i < 24 and j < count, the
        // `count >= 1` weight vectors, the starts (24 consecutive floats) and the
        // offsets, and writes the pass's 24 outputs (this function's contract).
        unsafe {
            asm!(
                "vldrw.u32 q0, [{s}]",
                "vldrw.u32 q1, [{s}, #16]",
                "vldrw.u32 q2, [{s}, #32]",
                "vldrw.u32 q3, [{s}, #48]",
                "vldrw.u32 q4, [{s}, #64]",
                "vldrw.u32 q5, [{s}, #80]",
                "dls lr, {n}",
                "2:",
                "vldrw.u32 q7, [{w}], #16",
                "vldrw.u32 q6, [{x}, #16]",
                "vmul.f32 q6, q6, q7",
                "vadd.f32 q1, q1, q6",
                "vldrw.u32 q6, [{x}, #32]",
                "vmul.f32 q6, q6, q7",
                "vadd.f32 q2, q2, q6",
                "vldrw.u32 q6, [{x}, #48]",
                "vmul.f32 q6, q6, q7",
                "vadd.f32 q3, q3, q6",
                "vldrw.u32 q6, [{x}, #64]",
                "vmul.f32 q6, q6, q7",
                "vadd.f32 q4, q4, q6",
                "vldrw.u32 q6, [{x}, #80]",
                "vmul.f32 q6, q6, q7",
                "vadd.f32 q5, q5, q6",
                "vldrw.u32 q6, [{x}]",
                "vmul.f32 q6, q6, q7",
                "vadd.f32 q0, q0, q6",
                "sub {x}, {x}, {xs}",
                "le lr, 2b",
                "vldrw.u32 q6, [{off}]",
                "vstrw.32 q0, [{y}, q6, uxtw #2]",
                "add {y}, {y}, {y4}",
                "vstrw.32 q1, [{y}, q6, uxtw #2]",
                "add {y}, {y}, {y4}",
                "vstrw.32 q2, [{y}, q6, uxtw #2]",
                "add {y}, {y}, {y4}",
                "vstrw.32 q3, [{y}, q6, uxtw #2]",
                "add {y}, {y}, {y4}",
                "vstrw.32 q4, [{y}, q6, uxtw #2]",
                "add {y}, {y}, {y4}",
                "vstrw.32 q5, [{y}, q6, uxtw #2]",
                s = in(reg) starts.as_ptr(),
                n = in(reg) count,
                w = inout(reg) vectors.as_ptr() => _,
                x = inout(reg) x.add(m0) => _,
                xs = in(reg) 4 * G,
                off = in(reg) offsets.as_ptr(),
                y = inout(reg) y => _,
                y4 = in(reg) 16 / G * y_frame,
                out("lr") _,
                out("q0") _, out("q1") _, out("q2") _, out("q3") _,
                out("q4") _, out("q5") _, out("q6") _, out("q7") _,
            );
            if !A::IDENTITY {
                for m in 0..2 * ROWS {
                    let y = y.add((m / G) * y_frame + m % G);
                    y.write(act.apply(y.read()));
                }
            }
        }
    }
}

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
        const { assert!(ROWS % PASS == 0) };
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
                "ssat r0, #16, r0",
                "strh r0, [r11]",
                "add r11, r11, r9",
                "asrl r2, r3, #15",
                "ssat r2, #16, r2",
                "strh r2, [r11]",
                "add r11, r11, r9",
                "asrl r4, r5, #15",
                "ssat r4, #16, r4",
                "strh r4, [r11]",
                "add r11, r11, r9",
                "asrl r6, r7, #15",
                "ssat r6, #16, r6",
                "strh r6, [r11]",
                "add r11, r11, r9",
                "ldr r9, [r12, #28]",
                "subs r9, #1",
                "str r9, [r12, #28]",
                "bne 3b",
                "pop {{r4-r11}}",
                in("r12") &mut pass as *mut Pass,
                out("r0") _,
                out("r1") _,
                out("r2") _,
                out("r3") _,
                out("lr") _,
                out("q0") _, out("q1") _, out("q2") _, out("q3") _,
            );
            activate(y, y_step, blocks * ROWS, act);
        }
        true
    }
}
