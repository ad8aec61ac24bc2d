//! SSE2: four lanes; no fused multiply-add, so `mul_add` rounds twice as the scalar
//! kernel does.

use core::arch::x86_64::*;

use crate::kernels::{simd_forward, Args, Simd};
use crate::Activation;

/// Four `f32` lanes.
#[derive(Clone, Copy)]
pub(crate) struct F32x4(__m128);

impl Simd for F32x4 {
    const LANES: usize = 4;
    const REGISTERS: usize = 16;

    #[inline(always)]
    unsafe fn splat(v: f32) -> Self {
        // SAFETY: SSE2 is part of x86_64.
        F32x4(unsafe { _mm_set1_ps(v) })
    }

    #[inline(always)]
    unsafe fn load(p: *const f32) -> Self {
        // SAFETY: the caller makes `p` valid for four reads.
        F32x4(unsafe { _mm_loadu_ps(p) })
    }

    #[inline(always)]
    unsafe fn store(self, p: *mut f32) {
        // SAFETY: the caller makes `p` valid for four writes.
        unsafe { _mm_storeu_ps(p, self.0) }
    }

    #[inline(always)]
    unsafe fn mul_add(self, b: Self, c: Self) -> Self {
        // SAFETY: SSE2 is part of x86_64.
        F32x4(unsafe { _mm_add_ps(_mm_mul_ps(self.0, b.0), c.0) })
    }

    #[inline(always)]
    unsafe fn mul(self, b: Self) -> Self {
        // SAFETY: SSE2 is part of x86_64.
        F32x4(unsafe { _mm_mul_ps(self.0, b.0) })
    }

    #[inline(always)]
    unsafe fn div(self, b: Self) -> Self {
        // SAFETY: SSE2 is part of x86_64.
        F32x4(unsafe { _mm_div_ps(self.0, b.0) })
    }

    #[inline(always)]
    unsafe fn max(self, b: Self) -> Self {
        // SAFETY: SSE2 is part of x86_64.
        F32x4(unsafe { _mm_max_ps(self.0, b.0) })
    }

    #[inline(always)]
    unsafe fn min(self, b: Self) -> Self {
        // SAFETY: SSE2 is part of x86_64.
        F32x4(unsafe { _mm_min_ps(self.0, b.0) })
    }

    #[inline(always)]
    unsafe fn select_neg(self, neg: Self) -> Self {
        // SAFETY: SSE2 is part of x86_64.
        unsafe {
            let m = _mm_cmplt_ps(self.0, _mm_setzero_ps());
            F32x4(_mm_or_ps(_mm_and_ps(m, neg.0), _mm_andnot_ps(m, self.0)))
        }
    }

    #[inline(always)]
    unsafe fn zip<const G: usize>(self, b: Self) -> (Self, Self) {
        let (a, b) = (self.0, b.0);
        // SAFETY: SSE2 is part of x86_64.
        unsafe {
            match G {
                1 => (F32x4(_mm_unpacklo_ps(a, b)), F32x4(_mm_unpackhi_ps(a, b))),
                2 => (F32x4(_mm_movelh_ps(a, b)), F32x4(_mm_movehl_ps(b, a))),
                _ => (F32x4(a), F32x4(b)),
            }
        }
    }
}

/// The SSE2 forward pass.
///
/// # Safety
/// The CPU supports SSE2 (every x86_64 CPU does).
#[target_feature(enable = "sse2")]
pub(crate) unsafe fn forward<A: Activation>(a: &mut Args<'_, f32, A>) {
    // SAFETY: this function is compiled with SSE2, which the caller vouches for.
    unsafe { simd_forward::<F32x4, 6, 2, A>(a) }
}
