//! Cortex-M55/M85 (Helium, the M-profile Vector Extension; the `arm-mve` feature on
//! `thumbv8m.main` built with `-C target-cpu=cortex-m55`): the portable kernel's
//! time-blocked inner loops in MVE assembly, f32 and Q15.
//!
//! f32 ([`f32`]): twenty-four outputs of a phase at a time in six vector accumulators.
//! Per tap, one `vldrw` of the tap's weights (one weight four times for mono; a lane's
//! weight every two or four for interleaved stereo and four channels) and, per four
//! outputs, one `vldrw` of their inputs, one `vmul` and one `vadd`: the portable kernel's
//! arithmetic (the product rounded, then the sum), so the results are its own to the bit.
//! (MVE's one float multiply-add, `vfma`, is fused, and would not be.) The outputs leave
//! through scatter stores (`vstrw` with a vector of offsets), since a phase's outputs
//! are `S` apart. A last block of twelve takes the FPU's `vmla` loops ([`super::vfp`]),
//! whose results are the same.
//!
//! Q15 ([`q15`]): a phase's output is a dot product of the weights, reversed, with a run of inputs,
//! so four outputs at a time take one `vmlaldava.s16` per eight taps each: eight exact
//! products summed into a 64-bit accumulator, the definition's sum. The tap loop is
//! tail-predicated (`wlstp`/`letp`): the last pass over a phase whose tap count is not a
//! multiple of eight loads and sums only the lanes that are taps, and touches no memory
//! past them. The finish is the definition's `sat16(acc >> 15)` (`asrl`, `ssat`), so the
//! results are the portable kernel's to the bit; a ReLU is fused into that saturation
//! (`usat` to 15 bits). Interleaved stereo de-interleaves its
//! inputs with gather loads (every other sample) into the same dot products.

use crate::activation::Activation;
use crate::kernels::epilogue::Epilogue;

mod f32;
mod q15;

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
