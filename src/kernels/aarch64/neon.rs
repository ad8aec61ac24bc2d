//! NEON: four `f32` lanes with fused multiply-add; eight `Q15` outputs per register pair,
//! widened by `vmlal_s16`.

use core::arch::aarch64::*;

use crate::activation::Activation;
use crate::fixed::Q15;
use crate::kernels::plan::Args;
use crate::kernels::simd::{Lanes, Part, Simd};
use crate::kernels::{q15, tile, time};

/// Four `f32` lanes.
#[derive(Clone, Copy)]
pub(crate) struct F32x4(float32x4_t);

impl Simd for F32x4 {
    #[inline(always)]
    unsafe fn call<P: Part>(part: &P) {
        // SAFETY: the CPU has NEON (`call`'s contract).
        unsafe { call(part) }
    }

    const LANES: usize = 4;
    // Thirty-two registers: sixteen accumulators also save loads.
    const TIME_BLOCKS: [usize; 8] = [8, 8, 5, 4, 1, 1, 1, 1];

    #[inline(always)]
    unsafe fn splat(v: f32) -> Self {
        // SAFETY: NEON is available: `Simd`'s contract.
        F32x4(unsafe { vdupq_n_f32(v) })
    }

    #[inline(always)]
    unsafe fn load(p: *const f32) -> Self {
        // SAFETY: NEON is available and `p` is valid for four reads: `Simd::load`'s contract.
        F32x4(unsafe { vld1q_f32(p) })
    }

    #[inline(always)]
    unsafe fn repeat<const C: usize>(p: *const f32) -> Self {
        // SAFETY: NEON is available and `p` is valid for `min(C, 4)` reads:
        // `Simd::repeat`'s contract.
        F32x4(unsafe {
            match C {
                1 => vld1q_dup_f32(p),
                2 => vreinterpretq_f32_f64(vdupq_n_f64(p.cast::<f64>().read_unaligned())),
                _ => vld1q_f32(p),
            }
        })
    }

    #[inline(always)]
    unsafe fn store(self, p: *mut f32) {
        // SAFETY: NEON is available and `p` is valid for four writes: `Simd::store`'s contract.
        unsafe { vst1q_f32(p, self.0) }
    }

    #[inline(always)]
    unsafe fn mul_add(self, b: Self, c: Self) -> Self {
        // SAFETY: NEON is available: `Simd`'s (or `Lanes`') contract.
        F32x4(unsafe { vfmaq_f32(c.0, self.0, b.0) })
    }

    #[inline(always)]
    unsafe fn mul(self, b: Self) -> Self {
        // SAFETY: NEON is available: `Simd`'s (or `Lanes`') contract.
        F32x4(unsafe { vmulq_f32(self.0, b.0) })
    }

    #[inline(always)]
    unsafe fn div(self, b: Self) -> Self {
        // SAFETY: NEON is available: `Simd`'s (or `Lanes`') contract.
        F32x4(unsafe { vdivq_f32(self.0, b.0) })
    }

    #[inline(always)]
    unsafe fn max(self, b: Self) -> Self {
        // SAFETY: NEON is available: `Simd`'s (or `Lanes`') contract.
        F32x4(unsafe { vmaxq_f32(self.0, b.0) })
    }

    #[inline(always)]
    unsafe fn min(self, b: Self) -> Self {
        // SAFETY: NEON is available: `Simd`'s (or `Lanes`') contract.
        F32x4(unsafe { vminq_f32(self.0, b.0) })
    }

    #[inline(always)]
    unsafe fn select_neg(self, neg: Self) -> Self {
        // SAFETY: NEON is available: `Simd`'s (or `Lanes`') contract.
        F32x4(unsafe { vbslq_f32(vcltzq_f32(self.0), neg.0, self.0) })
    }

    #[inline(always)]
    unsafe fn zip<const G: usize>(self, b: Self) -> (Self, Self) {
        let (a, b) = (self.0, b.0);
        // SAFETY: NEON is available: `Simd`'s (or `Lanes`') contract.
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

/// Eight outputs in two `int32x4_t`, widened by `vmlal_s16` / `vmlal_high_s16`.
#[derive(Clone, Copy)]
pub(crate) struct Q15x8([int32x4_t; 2]);

impl Lanes for Q15x8 {
    const OUT: usize = 8;

    #[inline(always)]
    unsafe fn start(v: i32) -> Self {
        // SAFETY: NEON is available: `Simd`'s (or `Lanes`') contract.
        unsafe { Q15x8([vdupq_n_s32(v); 2]) }
    }

    #[inline(always)]
    unsafe fn mac2(self, xa: *const i16, xb: *const i16, pair: i32) -> Self {
        // SAFETY: NEON is available and `xa`, `xb` are valid for `OUT` reads: `Lanes::mac2`\'s
        // contract.
        unsafe {
            let (wa, wb) = (pair as i16, (pair >> 16) as i16);
            let a = vld1q_s16(xa);
            let b = vld1q_s16(xb);
            let lo = vmlal_n_s16(
                vmlal_n_s16(self.0[0], vget_low_s16(a), wa),
                vget_low_s16(b),
                wb,
            );
            let hi = vmlal_high_n_s16(vmlal_high_n_s16(self.0[1], a, wa), b, wb);
            Q15x8([lo, hi])
        }
    }

    #[inline(always)]
    unsafe fn finish(self, y: *mut i16) {
        // SAFETY: NEON is available and `y` is valid for 8 writes: `Lanes::finish`\'s contract.
        unsafe {
            let lo = vqmovn_s32(vshrq_n_s32::<15>(self.0[0]));
            let hi = vqmovn_s32(vshrq_n_s32::<15>(self.0[1]));
            vst1q_s16(y, vcombine_s16(lo, hi));
        }
    }
}

/// The NEON `f32` pass: the time kernel for mono and depthwise layers, else 8 x 2 tiles.
///
/// # Safety
/// The CPU supports NEON (every aarch64 Linux target does).
#[target_feature(enable = "neon")]
pub(crate) unsafe fn forward_f32<A: Activation>(a: &mut Args<'_, f32, A>) {
    // SAFETY: the CPU has NEON (this function\'s contract, which `Kernel` keeps), so the
    // body, compiled with them here, may use them.
    unsafe {
        if !time::forward::<F32x4, A>(a) && !tile::phases::forward::<F32x4, 16, A>(a) {
            tile::forward::<F32x4, 8, 2, A>(a);
        }
    }
}

/// The NEON `Q15` pass.
///
/// # Safety
/// The CPU supports NEON.
#[target_feature(enable = "neon")]
pub(crate) unsafe fn forward_q15<A: Activation>(a: &mut Args<'_, Q15, A>, acc: &mut [i64]) {
    // SAFETY: the CPU has NEON (this function\'s contract, which `Kernel` keeps), so the
    // body, compiled with them here, may use them.
    unsafe { q15::forward::<Q15x8, A>(a, acc) }
}

/// [`Simd::call`]: `part` in a function of its own, with NEON.
///
/// # Safety
/// The CPU supports NEON; `part`'s own contract holds.
#[target_feature(enable = "neon")]
#[inline(never)]
unsafe fn call<P: Part>(part: &P) {
    // SAFETY: this function's contract.
    unsafe { part.run() }
}
