//! NEON: four lanes with fused multiply-add.

use core::arch::aarch64::*;

use crate::kernels::{simd_forward, Args, Simd};
use crate::Activation;

/// Four `f32` lanes.
#[derive(Clone, Copy)]
pub(crate) struct F32x4(float32x4_t);

impl Simd for F32x4 {
    const LANES: usize = 4;
    const REGISTERS: usize = 32;

    #[inline(always)]
    unsafe fn splat(v: f32) -> Self {
        // SAFETY: the caller vouches for NEON (the trait's contract).
        F32x4(unsafe { vdupq_n_f32(v) })
    }

    #[inline(always)]
    unsafe fn load(p: *const f32) -> Self {
        // SAFETY: NEON, and `p` valid for four reads: the caller's promises.
        F32x4(unsafe { vld1q_f32(p) })
    }

    #[inline(always)]
    unsafe fn store(self, p: *mut f32) {
        // SAFETY: NEON, and `p` valid for four writes: the caller's promises.
        unsafe { vst1q_f32(p, self.0) }
    }

    #[inline(always)]
    unsafe fn mul_add(self, b: Self, c: Self) -> Self {
        // SAFETY: the caller vouches for NEON.
        F32x4(unsafe { vfmaq_f32(c.0, self.0, b.0) })
    }

    #[inline(always)]
    unsafe fn mul(self, b: Self) -> Self {
        // SAFETY: the caller vouches for NEON.
        F32x4(unsafe { vmulq_f32(self.0, b.0) })
    }

    #[inline(always)]
    unsafe fn div(self, b: Self) -> Self {
        // SAFETY: the caller vouches for NEON.
        F32x4(unsafe { vdivq_f32(self.0, b.0) })
    }

    #[inline(always)]
    unsafe fn max(self, b: Self) -> Self {
        // SAFETY: the caller vouches for NEON.
        F32x4(unsafe { vmaxq_f32(self.0, b.0) })
    }

    #[inline(always)]
    unsafe fn min(self, b: Self) -> Self {
        // SAFETY: the caller vouches for NEON.
        F32x4(unsafe { vminq_f32(self.0, b.0) })
    }

    #[inline(always)]
    unsafe fn select_neg(self, neg: Self) -> Self {
        // SAFETY: the caller vouches for NEON.
        F32x4(unsafe { vbslq_f32(vcltzq_f32(self.0), neg.0, self.0) })
    }

    #[inline(always)]
    unsafe fn zip<const G: usize>(self, b: Self) -> (Self, Self) {
        let (a, b) = (self.0, b.0);
        // SAFETY: the caller vouches for NEON.
        unsafe {
            match G {
                1 => (F32x4(vzip1q_f32(a, b)), F32x4(vzip2q_f32(a, b))),
                2 => {
                    let (a, b) = (vreinterpretq_f64_f32(a), vreinterpretq_f64_f32(b));
                    (
                        F32x4(vreinterpretq_f32_f64(vzip1q_f64(a, b))),
                        F32x4(vreinterpretq_f32_f64(vzip2q_f64(a, b))),
                    )
                }
                _ => (F32x4(a), F32x4(b)),
            }
        }
    }
}

/// The NEON forward pass.
///
/// # Safety
/// The CPU supports NEON (every aarch64 Linux target does).
#[target_feature(enable = "neon")]
pub(crate) unsafe fn forward<A: Activation>(a: &mut Args<'_, f32, A>) {
    // SAFETY: this function is compiled with NEON, which the caller vouches for.
    unsafe { simd_forward::<F32x4, 8, 2, A>(a) }
}
