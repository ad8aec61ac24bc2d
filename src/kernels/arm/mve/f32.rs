//! Helium's f32 loops: mono and channels-first depthwise ([`Rows::rows`]), and
//! interleaved stereo and four channels ([`Rows::lanes`]).

use core::arch::asm;

use crate::activation::sealed::Op;
use crate::activation::Activation;
use crate::kernels::arm::vfp::Vfp;
use crate::kernels::epilogue::Epilogue;
use crate::kernels::rows::{Rows, ROWS};

use super::Mve;

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
            macro_rules! run {
                ($mode:ident $(, $name:ident = $e:expr)*) => {
                    asm!(
                        f32_template!($mode),
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
                        $($name = in(reg) $e,)*
                    )
                };
            }
            match A::OP {
                Op::Relu => run!(relu, zr = 0u32),
                Op::LeakyRelu => run!(leaky, zr = 0u32, k = act.slope().to_bits()),
                _ => run!(none),
            }
            if matches!(A::OP, Op::Tanh) {
                for m in 0..2 * ROWS {
                    let y = y.add((m / G) * y_frame + m % G);
                    y.write(act.apply(y.read()));
                }
            }
        }
    }
}

/// The assembly of [`f32_pairs`], with the activation `$mode` (`none`, `relu`, `leaky`)
/// fused on the accumulators before the stores.
macro_rules! f32_template {
    ($mode:ident) => {
        concat!(
            "vldrw.u32 q0, [{s}]\n",
            "vldrw.u32 q1, [{s}, #16]\n",
            "vldrw.u32 q2, [{s}, #32]\n",
            "vldrw.u32 q3, [{s}, #48]\n",
            "vldrw.u32 q4, [{s}, #64]\n",
            "vldrw.u32 q5, [{s}, #80]\n",
            "dls lr, {n}\n",
            "2:\n",
            "vldrw.u32 q7, [{w}], #16\n",
            "vldrw.u32 q6, [{x}, #16]\n",
            "vmul.f32 q6, q6, q7\n",
            "vadd.f32 q1, q1, q6\n",
            "vldrw.u32 q6, [{x}, #32]\n",
            "vmul.f32 q6, q6, q7\n",
            "vadd.f32 q2, q2, q6\n",
            "vldrw.u32 q6, [{x}, #48]\n",
            "vmul.f32 q6, q6, q7\n",
            "vadd.f32 q3, q3, q6\n",
            "vldrw.u32 q6, [{x}, #64]\n",
            "vmul.f32 q6, q6, q7\n",
            "vadd.f32 q4, q4, q6\n",
            "vldrw.u32 q6, [{x}, #80]\n",
            "vmul.f32 q6, q6, q7\n",
            "vadd.f32 q5, q5, q6\n",
            "vldrw.u32 q6, [{x}]\n",
            "vmul.f32 q6, q6, q7\n",
            "vadd.f32 q0, q0, q6\n",
            "sub {x}, {x}, {xs}\n",
            "le lr, 2b\n",
            fused!($mode),
            "vldrw.u32 q6, [{off}]\n",
            "vstrw.32 q0, [{y}, q6, uxtw #2]\n",
            "add {y}, {y}, {y4}\n",
            "vstrw.32 q1, [{y}, q6, uxtw #2]\n",
            "add {y}, {y}, {y4}\n",
            "vstrw.32 q2, [{y}, q6, uxtw #2]\n",
            "add {y}, {y}, {y4}\n",
            "vstrw.32 q3, [{y}, q6, uxtw #2]\n",
            "add {y}, {y}, {y4}\n",
            "vstrw.32 q4, [{y}, q6, uxtw #2]\n",
            "add {y}, {y}, {y4}\n",
            "vstrw.32 q5, [{y}, q6, uxtw #2]\n",
        )
    };
}
use f32_template;

/// The fused activation of the six accumulators q0-q5 (`{zr}` holds the bits of +0.0,
/// `{k}` the slope's): lanes below zero (`vcmp`, then `vpsel`) take zero or their product
/// with the slope, the portable kernel's `relu` and `leaky_relu` (a NaN or a -0 is not
/// below zero, and is kept).
macro_rules! fused {
    (none) => {
        ""
    };
    (relu) => {
        concat!(
            "vmov.i32 q7, #0\n",
            "vcmp.f32 lt, q0, {zr}\nvpsel q0, q7, q0\n",
            "vcmp.f32 lt, q1, {zr}\nvpsel q1, q7, q1\n",
            "vcmp.f32 lt, q2, {zr}\nvpsel q2, q7, q2\n",
            "vcmp.f32 lt, q3, {zr}\nvpsel q3, q7, q3\n",
            "vcmp.f32 lt, q4, {zr}\nvpsel q4, q7, q4\n",
            "vcmp.f32 lt, q5, {zr}\nvpsel q5, q7, q5\n",
        )
    };
    (leaky) => {
        concat!(
            "vmul.f32 q7, q0, {k}\nvcmp.f32 lt, q0, {zr}\nvpsel q0, q7, q0\n",
            "vmul.f32 q7, q1, {k}\nvcmp.f32 lt, q1, {zr}\nvpsel q1, q7, q1\n",
            "vmul.f32 q7, q2, {k}\nvcmp.f32 lt, q2, {zr}\nvpsel q2, q7, q2\n",
            "vmul.f32 q7, q3, {k}\nvcmp.f32 lt, q3, {zr}\nvpsel q3, q7, q3\n",
            "vmul.f32 q7, q4, {k}\nvcmp.f32 lt, q4, {zr}\nvpsel q4, q7, q4\n",
            "vmul.f32 q7, q5, {k}\nvcmp.f32 lt, q5, {zr}\nvpsel q5, q7, q5\n",
        )
    };
}
use fused;
