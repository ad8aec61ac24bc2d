//! SSE2, the x86_64 baseline: four `f32` lanes with no fused multiply-add (so `mul_add`
//! rounds twice, as the portable kernel does), and eight `Q15` outputs per register
//! pair (`pmaddwd`).

use core::arch::x86_64::*;

use crate::activation::Activation;
use crate::fixed::Q15;
use crate::kernels::plan::Args;
use crate::kernels::simd::{Lanes, Part, Simd};
use crate::kernels::{q15, tile, time};

/// Four `f32` lanes.
#[derive(Clone, Copy)]
pub(crate) struct F32x4(__m128);

impl Simd for F32x4 {
    #[inline(always)]
    unsafe fn call<P: Part>(part: &P) {
        // SAFETY: the CPU has SSE2 (`call`'s contract).
        unsafe { call(part) }
    }

    const LANES: usize = 4;
    // Sixteen registers: eight or more accumulators hide the latency; more would spill.
    const TIME_BLOCKS: [usize; 8] = [8, 4, 3, 2, 1, 1, 1, 1];

    #[inline(always)]
    unsafe fn splat(v: f32) -> Self {
        // SAFETY: SSE2 is part of x86_64.
        F32x4(unsafe { _mm_set1_ps(v) })
    }

    #[inline(always)]
    unsafe fn load(p: *const f32) -> Self {
        // SAFETY: `p` is valid for four reads: `Simd::load`'s contract.
        F32x4(unsafe { _mm_loadu_ps(p) })
    }

    #[inline(always)]
    unsafe fn repeat<const C: usize>(p: *const f32) -> Self {
        // SAFETY: `p` is valid for `min(C, 4)` reads: `Simd::repeat`'s contract.
        F32x4(unsafe {
            match C {
                1 => _mm_set1_ps(*p),
                2 => _mm_castpd_ps(_mm_set1_pd(p.cast::<f64>().read_unaligned())),
                _ => _mm_loadu_ps(p),
            }
        })
    }

    #[inline(always)]
    unsafe fn store(self, p: *mut f32) {
        // SAFETY: `p` is valid for four writes: `Simd::store`'s contract.
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

/// Eight outputs: `__m128i` halves interleaved by `punpck*wd`, `pmaddwd`.
#[derive(Clone, Copy)]
pub(crate) struct Q15x8([__m128i; 2]);

impl Lanes for Q15x8 {
    const OUT: usize = 8;

    #[inline(always)]
    unsafe fn start(v: i32) -> Self {
        // SAFETY: SSE2 is part of x86_64.
        unsafe { Q15x8([_mm_set1_epi32(v); 2]) }
    }

    #[inline(always)]
    unsafe fn mac2(self, xa: *const i16, xb: *const i16, pair: i32) -> Self {
        // SAFETY: SSE2 is available and `xa`, `xb` are valid for `OUT` reads: `Lanes::mac2`\'s
        // contract.
        unsafe {
            let a = _mm_loadu_si128(xa.cast());
            let b = _mm_loadu_si128(xb.cast());
            let w = _mm_set1_epi32(pair);
            Q15x8([
                _mm_add_epi32(self.0[0], _mm_madd_epi16(_mm_unpacklo_epi16(a, b), w)),
                _mm_add_epi32(self.0[1], _mm_madd_epi16(_mm_unpackhi_epi16(a, b), w)),
            ])
        }
    }

    #[inline(always)]
    unsafe fn finish(self, y: *mut i16) {
        // SAFETY: SSE2 is available and `y` is valid for 8 writes: `Lanes::finish`\'s contract.
        unsafe {
            let lo = _mm_srai_epi32::<15>(self.0[0]);
            let hi = _mm_srai_epi32::<15>(self.0[1]);
            _mm_storeu_si128(y.cast(), _mm_packs_epi32(lo, hi));
        }
    }
}

/// The SSE2 `f32` pass: the time kernel for mono and depthwise layers, else 6 x 2 tiles.
///
/// # Safety
/// The CPU supports SSE2 (every x86_64 CPU does).
#[target_feature(enable = "sse2")]
pub(crate) unsafe fn forward_f32<A: Activation>(a: &mut Args<'_, f32, A>) {
    // SAFETY: the CPU has SSE2 (this function\'s contract, which `Kernel` keeps), so the
    // body, compiled with them here, may use them.
    unsafe {
        if !time::forward::<F32x4, A>(a) && !tile::phases::forward::<F32x4, 11, A>(a) {
            tile::forward::<F32x4, 6, 2, A>(a);
        }
    }
}

/// The SSE2 `Q15` pass.
///
/// # Safety
/// The CPU supports SSE2 (every x86_64 CPU does).
#[target_feature(enable = "sse2")]
pub(crate) unsafe fn forward_q15<A: Activation>(a: &mut Args<'_, Q15, A>, acc: &mut [i64]) {
    // SAFETY: the CPU has SSE2 (this function\'s contract, which `Kernel` keeps), so the
    // body, compiled with them here, may use them.
    unsafe { q15::forward::<Q15x8, A>(a, acc) }
}

/// [`Simd::call`]: `part` in a function of its own, with SSE2.
///
/// # Safety
/// The CPU supports SSE2; `part`'s own contract holds.
#[target_feature(enable = "sse2")]
#[inline(never)]
unsafe fn call<P: Part>(part: &P) {
    // SAFETY: this function's contract.
    unsafe { part.run() }
}
