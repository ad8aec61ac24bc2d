//! AVX-512F: sixteen `f32` lanes, two-source permutes for the phase interleave, masks for
//! channel tails; with AVX-512BW, thirty-two `Q15` outputs per register pair.

use core::arch::x86_64::*;

use crate::activation::Activation;
use crate::fixed::Q15;
use crate::kernels::plan::Args;
use crate::kernels::simd::{Lanes, Part, Simd};
use crate::kernels::x86_64::interleave_table;
use crate::kernels::{q15, tile, time};

/// Sixteen `f32` lanes.
#[derive(Clone, Copy)]
pub(crate) struct F32x16(__m512);

/// `_mm512_permutex2var_ps` indices that interleave chunks of `g` lanes of `a` (indices
/// 0..16) and `b` (16..32): the lower half of the result, or the upper.
const fn zip_index(g: usize, upper: bool) -> [i32; 16] {
    let mut idx = [0; 16];
    let mut l = 0;
    while l < 16 {
        let chunk = l / g;
        let source = chunk / 2 + if upper { 16 / (2 * g) } else { 0 };
        let from_b = if chunk % 2 == 1 { 16 } else { 0 };
        idx[l] = (source * g + l % g + from_b) as i32;
        l += 1;
    }
    idx
}

/// The indices as a register.
#[inline(always)]
fn index(idx: [i32; 16]) -> __m512i {
    // SAFETY: `[i32; 16]` and `__m512i` are 64 plain bytes each.
    unsafe { core::mem::transmute::<[i32; 16], __m512i>(idx) }
}

impl Simd for F32x16 {
    #[inline(always)]
    unsafe fn call<P: Part>(part: &P) {
        // SAFETY: the CPU has AVX-512F (`call`'s contract).
        unsafe { call(part) }
    }

    const LANES: usize = 16;
    // Thirty-two registers: sixteen accumulators also save loads.
    const TIME_BLOCKS: [usize; 8] = [8, 8, 5, 4, 1, 1, 1, 1];

    #[inline(always)]
    unsafe fn splat(v: f32) -> Self {
        // SAFETY: AVX-512F is available: `Simd`'s contract.
        F32x16(unsafe { _mm512_set1_ps(v) })
    }

    #[inline(always)]
    unsafe fn load(p: *const f32) -> Self {
        // SAFETY: AVX-512F is available and `p` is valid for sixteen reads: `Simd::load`'s contract.
        F32x16(unsafe { _mm512_loadu_ps(p) })
    }

    #[inline(always)]
    unsafe fn repeat<const C: usize>(p: *const f32) -> Self {
        // SAFETY: AVX-512F is available and `p` is valid for `min(C, 16)` reads:
        // `Simd::repeat`'s contract.
        F32x16(unsafe {
            match C {
                1 => _mm512_set1_ps(*p),
                2 => _mm512_castpd_ps(_mm512_set1_pd(p.cast::<f64>().read_unaligned())),
                4 => _mm512_broadcast_f32x4(_mm_loadu_ps(p)),
                8 => _mm512_castpd_ps(_mm512_broadcast_f64x4(_mm256_loadu_pd(p.cast()))),
                _ => _mm512_loadu_ps(p),
            }
        })
    }

    #[inline(always)]
    unsafe fn store(self, p: *mut f32) {
        // SAFETY: AVX-512F is available and `p` is valid for sixteen writes: `Simd::store`'s contract.
        unsafe { _mm512_storeu_ps(p, self.0) }
    }

    #[inline(always)]
    unsafe fn mul_add(self, b: Self, c: Self) -> Self {
        // SAFETY: AVX-512F is available: `Simd`'s (or `Lanes`') contract.
        F32x16(unsafe { _mm512_fmadd_ps(self.0, b.0, c.0) })
    }

    #[inline(always)]
    unsafe fn mul(self, b: Self) -> Self {
        // SAFETY: AVX-512F is available: `Simd`'s (or `Lanes`') contract.
        F32x16(unsafe { _mm512_mul_ps(self.0, b.0) })
    }

    #[inline(always)]
    unsafe fn div(self, b: Self) -> Self {
        // SAFETY: AVX-512F is available: `Simd`'s (or `Lanes`') contract.
        F32x16(unsafe { _mm512_div_ps(self.0, b.0) })
    }

    #[inline(always)]
    unsafe fn max(self, b: Self) -> Self {
        // SAFETY: AVX-512F is available: `Simd`'s (or `Lanes`') contract.
        F32x16(unsafe { _mm512_max_ps(self.0, b.0) })
    }

    #[inline(always)]
    unsafe fn min(self, b: Self) -> Self {
        // SAFETY: AVX-512F is available: `Simd`'s (or `Lanes`') contract.
        F32x16(unsafe { _mm512_min_ps(self.0, b.0) })
    }

    #[inline(always)]
    unsafe fn select_neg(self, neg: Self) -> Self {
        // SAFETY: AVX-512F is available: `Simd`'s (or `Lanes`') contract.
        unsafe {
            let m = _mm512_cmp_ps_mask::<_CMP_LT_OQ>(self.0, _mm512_setzero_ps());
            F32x16(_mm512_mask_blend_ps(m, self.0, neg.0))
        }
    }

    #[inline(always)]
    unsafe fn zip<const G: usize>(self, b: Self) -> (Self, Self) {
        let (a, b) = (self.0, b.0);
        // SAFETY: AVX-512F is available: `Simd`'s (or `Lanes`') contract.
        unsafe {
            match G {
                1 | 2 | 4 => (
                    F32x16(_mm512_permutex2var_ps(a, index(zip_index(G, false)), b)),
                    F32x16(_mm512_permutex2var_ps(a, index(zip_index(G, true)), b)),
                ),
                8 => (
                    F32x16(_mm512_shuffle_f32x4::<0b01_00_01_00>(a, b)),
                    F32x16(_mm512_shuffle_f32x4::<0b11_10_11_10>(a, b)),
                ),
                _ => (F32x16(a), F32x16(b)),
            }
        }
    }

    #[inline(always)]
    unsafe fn interleave<const S: usize, const G: usize>(v: &mut [Self; S]) -> bool {
        if S > 8 {
            return false;
        }
        let table = const { &interleave_table::<16>(S, G) };
        let src = *v;
        for (m, out) in v.iter_mut().enumerate() {
            // SAFETY: AVX-512F is available: `Simd`'s (or `Lanes`') contract.
            unsafe {
                let mut o = _mm512_setzero_ps();
                for (r, src) in src.iter().enumerate() {
                    let (idx, mask) = table[m][r];
                    if mask != 0 {
                        o = _mm512_mask_permutexvar_ps(o, mask as u16, index(idx), src.0);
                    }
                }
                *out = F32x16(o);
            }
        }
        true
    }

    const SHIFTS: bool = true;

    #[inline(always)]
    unsafe fn shift(lo: Self, hi: Self, n: usize) -> Self {
        // SAFETY: AVX-512F is available: `Simd`'s contract.
        unsafe {
            let (lo, hi) = (_mm512_castps_si512(lo.0), _mm512_castps_si512(hi.0));
            // `valignd`: a constant `n` (the contract) leaves one arm.
            macro_rules! arms {
                ($($n:literal)*) => {
                    match n {
                        $($n => _mm512_alignr_epi32::<$n>(hi, lo),)*
                        _ => lo,
                    }
                };
            }
            F32x16(_mm512_castsi512_ps(
                arms!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15),
            ))
        }
    }

    #[inline(always)]
    unsafe fn load_partial(p: *const f32, n: usize) -> Self {
        // SAFETY: `p` is valid for `n` reads (`Simd::load_partial`'s contract), and the
        // masked-off lanes are not read.
        F32x16(unsafe { _mm512_maskz_loadu_ps((1u16 << n) - 1, p) })
    }

    #[inline(always)]
    unsafe fn insert(self, p: *const f32, at: usize, n: usize) -> Self {
        let mask = (((1u32 << n) - 1) << at) as u16;
        // SAFETY: lane `at + i` reads `p[i]`, `i < n`, valid (`Simd::insert`'s contract);
        // masked-off lanes are not read, so the address before `p` is never accessed.
        F32x16(unsafe { _mm512_mask_loadu_ps(self.0, mask, p.wrapping_sub(at)) })
    }

    #[inline(always)]
    unsafe fn store_partial(self, p: *mut f32, n: usize) {
        // SAFETY: `p` is valid for `n` writes (`Simd::store_partial`'s contract), and the
        // masked-off lanes are not written.
        unsafe { _mm512_mask_storeu_ps(p, (1u16 << n) - 1, self.0) }
    }
}

/// Thirty-two outputs, as AVX2's `Q15x16` does by 128-bit halves, here by quarters.
#[derive(Clone, Copy)]
pub(crate) struct Q15x32([__m512i; 2]);

impl Lanes for Q15x32 {
    const OUT: usize = 32;

    #[inline(always)]
    unsafe fn start(v: i32) -> Self {
        // SAFETY: AVX-512F is available: `Simd`'s (or `Lanes`') contract.
        unsafe { Q15x32([_mm512_set1_epi32(v); 2]) }
    }

    #[inline(always)]
    unsafe fn mac2(self, xa: *const i16, xb: *const i16, pair: i32) -> Self {
        // SAFETY: AVX-512F and BW is available and `xa`, `xb` are valid for `OUT` reads: `Lanes::mac2`\'s
        // contract.
        unsafe {
            let a = _mm512_loadu_si512(xa.cast());
            let b = _mm512_loadu_si512(xb.cast());
            let w = _mm512_set1_epi32(pair);
            Q15x32([
                _mm512_add_epi32(self.0[0], _mm512_madd_epi16(_mm512_unpacklo_epi16(a, b), w)),
                _mm512_add_epi32(self.0[1], _mm512_madd_epi16(_mm512_unpackhi_epi16(a, b), w)),
            ])
        }
    }

    #[inline(always)]
    unsafe fn finish(self, y: *mut i16) {
        // SAFETY: AVX-512F and BW is available and `y` is valid for 32 writes: `Lanes::finish`\'s contract.
        unsafe {
            let lo = _mm512_srai_epi32::<15>(self.0[0]);
            let hi = _mm512_srai_epi32::<15>(self.0[1]);
            _mm512_storeu_si512(y.cast(), _mm512_packs_epi32(lo, hi));
        }
    }
}

/// The AVX-512 `f32` pass: the time kernel for mono and depthwise layers, else tiles of 8 or 7
/// frames by 32 channels (taller tiles measured slower: 22 or 24 accumulators).
///
/// # Safety
/// The CPU supports AVX-512F.
#[target_feature(enable = "avx512f")]
pub(crate) unsafe fn forward_f32<A: Activation>(a: &mut Args<'_, f32, A>) {
    // SAFETY: the CPU has AVX-512F (this function\'s contract, which `Kernel` keeps), so the
    // body, compiled with them here, may use them.
    unsafe {
        if !time::forward::<F32x16, A>(a) && !tile::phases::forward::<F32x16, 16, A>(a) {
            tile::forward::<F32x16, 8, 2, A>(a);
        }
    }
}

/// The AVX-512 `Q15` pass.
///
/// # Safety
/// The CPU supports AVX-512F and AVX-512BW.
#[target_feature(enable = "avx512f,avx512bw")]
pub(crate) unsafe fn forward_q15<A: Activation>(a: &mut Args<'_, Q15, A>, acc: &mut [i64]) {
    // SAFETY: the CPU has AVX-512F and BW (this function\'s contract, which `Kernel` keeps), so the
    // body, compiled with them here, may use them.
    unsafe { q15::forward::<Q15x32, A>(a, acc) }
}

/// [`Simd::call`]: `part` in a function of its own, with AVX-512F.
///
/// # Safety
/// The CPU supports AVX-512F; `part`'s own contract holds.
#[target_feature(enable = "avx512f")]
#[inline(never)]
unsafe fn call<P: Part>(part: &P) {
    // SAFETY: this function's contract.
    unsafe { part.run() }
}

#[cfg(test)]
mod tests {
    use super::zip_index;

    #[test]
    fn zip_indices_interleave_chunks() {
        assert_eq!(
            zip_index(1, false),
            [0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23]
        );
        assert_eq!(zip_index(1, true)[..4], [8, 24, 9, 25]);
        assert_eq!(zip_index(2, false)[..8], [0, 1, 16, 17, 2, 3, 18, 19]);
        assert_eq!(
            zip_index(4, true),
            [8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31]
        );
    }
}
