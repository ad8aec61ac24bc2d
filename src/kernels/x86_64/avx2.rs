//! AVX2 with FMA: eight `f32` lanes, masked loads and stores for channel tails, lane
//! permutes for the phase interleave; sixteen `Q15` outputs per register pair.

use core::arch::x86_64::*;

use crate::activation::Activation;
use crate::fixed::Q15;
use crate::kernels::plan::Args;
use crate::kernels::simd::{Lanes, Part, Simd};
use crate::kernels::x86_64::interleave_table;
use crate::kernels::{q15, tile, time};

/// Eight `f32` lanes.
#[derive(Clone, Copy)]
pub(crate) struct F32x8(__m256);

/// `MASKS[8 - n..][..8]` selects the first `n` lanes.
static MASKS: [i32; 16] = [-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0];

/// The mask of the first `n <= 8` lanes.
///
/// # Safety
/// The CPU supports AVX.
#[inline(always)]
unsafe fn first(n: usize) -> __m256i {
    debug_assert!(n <= 8);
    // SAFETY: `8 - n .. 16 - n` lies inside `MASKS`.
    unsafe { _mm256_loadu_si256(MASKS.as_ptr().add(8 - n).cast()) }
}

impl Simd for F32x8 {
    #[inline(always)]
    unsafe fn call<P: Part>(part: &P) {
        // SAFETY: the CPU has AVX2 and FMA (`call`'s contract).
        unsafe { call(part) }
    }

    const LANES: usize = 8;
    // Sixteen registers: eight or more accumulators hide the FMA latency; more would spill.
    const TIME_BLOCKS: [usize; 8] = [8, 4, 3, 2, 1, 1, 1, 1];

    #[inline(always)]
    unsafe fn splat(v: f32) -> Self {
        // SAFETY: AVX2 is available: `Simd`'s contract.
        F32x8(unsafe { _mm256_set1_ps(v) })
    }

    #[inline(always)]
    unsafe fn load(p: *const f32) -> Self {
        // SAFETY: AVX2 is available and `p` is valid for eight reads: `Simd::load`'s contract.
        F32x8(unsafe { _mm256_loadu_ps(p) })
    }

    #[inline(always)]
    unsafe fn repeat<const C: usize>(p: *const f32) -> Self {
        // SAFETY: AVX2 is available and `p` is valid for `min(C, 8)` reads:
        // `Simd::repeat`'s contract.
        F32x8(unsafe {
            match C {
                1 => _mm256_set1_ps(*p),
                2 => _mm256_castpd_ps(_mm256_set1_pd(p.cast::<f64>().read_unaligned())),
                4 => {
                    let x = _mm_loadu_ps(p);
                    _mm256_insertf128_ps::<1>(_mm256_castps128_ps256(x), x)
                }
                _ => _mm256_loadu_ps(p),
            }
        })
    }

    #[inline(always)]
    unsafe fn store(self, p: *mut f32) {
        // SAFETY: AVX2 is available and `p` is valid for eight writes: `Simd::store`'s contract.
        unsafe { _mm256_storeu_ps(p, self.0) }
    }

    #[inline(always)]
    unsafe fn mul_add(self, b: Self, c: Self) -> Self {
        // SAFETY: FMA is available: `Simd`'s contract (the AVX2 entry point enables it).
        F32x8(unsafe { _mm256_fmadd_ps(self.0, b.0, c.0) })
    }

    #[inline(always)]
    unsafe fn mul(self, b: Self) -> Self {
        // SAFETY: AVX2 is available: `Simd`'s (or `Lanes`') contract.
        F32x8(unsafe { _mm256_mul_ps(self.0, b.0) })
    }

    #[inline(always)]
    unsafe fn div(self, b: Self) -> Self {
        // SAFETY: AVX2 is available: `Simd`'s (or `Lanes`') contract.
        F32x8(unsafe { _mm256_div_ps(self.0, b.0) })
    }

    #[inline(always)]
    unsafe fn max(self, b: Self) -> Self {
        // SAFETY: AVX2 is available: `Simd`'s (or `Lanes`') contract.
        F32x8(unsafe { _mm256_max_ps(self.0, b.0) })
    }

    #[inline(always)]
    unsafe fn min(self, b: Self) -> Self {
        // SAFETY: AVX2 is available: `Simd`'s (or `Lanes`') contract.
        F32x8(unsafe { _mm256_min_ps(self.0, b.0) })
    }

    #[inline(always)]
    unsafe fn select_neg(self, neg: Self) -> Self {
        // SAFETY: AVX2 is available: `Simd`'s (or `Lanes`') contract.
        unsafe {
            let m = _mm256_cmp_ps::<_CMP_LT_OQ>(self.0, _mm256_setzero_ps());
            F32x8(_mm256_blendv_ps(self.0, neg.0, m))
        }
    }

    #[inline(always)]
    unsafe fn zip<const G: usize>(self, b: Self) -> (Self, Self) {
        let (a, b) = (self.0, b.0);
        // SAFETY: AVX2 is available: `Simd`'s (or `Lanes`') contract.
        unsafe {
            // Zip within each 128-bit half, then put the halves in order.
            let (lo, hi) = match G {
                1 => (_mm256_unpacklo_ps(a, b), _mm256_unpackhi_ps(a, b)),
                2 => {
                    let (a, b) = (_mm256_castps_pd(a), _mm256_castps_pd(b));
                    (
                        _mm256_castpd_ps(_mm256_unpacklo_pd(a, b)),
                        _mm256_castpd_ps(_mm256_unpackhi_pd(a, b)),
                    )
                }
                4 => (a, b),
                _ => return (F32x8(a), F32x8(b)),
            };
            (
                F32x8(_mm256_permute2f128_ps::<0x20>(lo, hi)),
                F32x8(_mm256_permute2f128_ps::<0x31>(lo, hi)),
            )
        }
    }

    #[inline(always)]
    unsafe fn interleave<const S: usize, const G: usize>(v: &mut [Self; S]) -> bool {
        if S > 8 || G > 8 {
            return false;
        }
        let table = const { &interleave_table::<8>(S, G) };
        let src = *v;
        for (m, out) in v.iter_mut().enumerate() {
            // SAFETY: AVX2 is available: `Simd`'s (or `Lanes`') contract.
            unsafe {
                let mut o = _mm256_setzero_ps();
                for (r, src) in src.iter().enumerate() {
                    let (idx, mask) = table[m][r];
                    if mask != 0 {
                        let lanes =
                            core::array::from_fn::<i32, 8, _>(|l| -((mask >> l) as i32 & 1));
                        let picked = _mm256_permutevar8x32_ps(
                            src.0,
                            core::mem::transmute::<[i32; 8], __m256i>(idx),
                        );
                        o = _mm256_blendv_ps(
                            o,
                            picked,
                            _mm256_castsi256_ps(core::mem::transmute::<[i32; 8], __m256i>(lanes)),
                        );
                    }
                }
                *out = F32x8(o);
            }
        }
        true
    }

    #[inline(always)]
    unsafe fn load_partial(p: *const f32, n: usize) -> Self {
        // SAFETY: `p` is valid for `n` reads (`Simd::load_partial`'s contract), and the
        // masked-off lanes are not read.
        F32x8(unsafe { _mm256_maskload_ps(p, first(n)) })
    }

    #[inline(always)]
    unsafe fn store_partial(self, p: *mut f32, n: usize) {
        // SAFETY: `p` is valid for `n` writes (`Simd::store_partial`'s contract), and the
        // masked-off lanes are not written.
        unsafe { _mm256_maskstore_ps(p, first(n), self.0) }
    }
}

/// Sixteen outputs. `vpunpck*wd` work within 128-bit halves, so the low accumulator
/// holds outputs 0-3 and 8-11 and the high one 4-7 and 12-15; `vpackssdw`, also by
/// halves, puts them back in order.
#[derive(Clone, Copy)]
pub(crate) struct Q15x16([__m256i; 2]);

impl Lanes for Q15x16 {
    const OUT: usize = 16;

    #[inline(always)]
    unsafe fn start(v: i32) -> Self {
        // SAFETY: AVX2 is available: `Simd`'s (or `Lanes`') contract.
        unsafe { Q15x16([_mm256_set1_epi32(v); 2]) }
    }

    #[inline(always)]
    unsafe fn mac2(self, xa: *const i16, xb: *const i16, pair: i32) -> Self {
        // SAFETY: AVX2 is available and `xa`, `xb` are valid for `OUT` reads: `Lanes::mac2`\'s
        // contract.
        unsafe {
            let a = _mm256_loadu_si256(xa.cast());
            let b = _mm256_loadu_si256(xb.cast());
            let w = _mm256_set1_epi32(pair);
            Q15x16([
                _mm256_add_epi32(self.0[0], _mm256_madd_epi16(_mm256_unpacklo_epi16(a, b), w)),
                _mm256_add_epi32(self.0[1], _mm256_madd_epi16(_mm256_unpackhi_epi16(a, b), w)),
            ])
        }
    }

    #[inline(always)]
    unsafe fn finish(self, y: *mut i16) {
        // SAFETY: AVX2 is available and `y` is valid for 16 writes: `Lanes::finish`\'s contract.
        unsafe {
            let lo = _mm256_srai_epi32::<15>(self.0[0]);
            let hi = _mm256_srai_epi32::<15>(self.0[1]);
            _mm256_storeu_si256(y.cast(), _mm256_packs_epi32(lo, hi));
        }
    }
}

/// The AVX2 `f32` pass: the time kernel for mono and depthwise layers, else 6 x 2 tiles
/// (6 frames by 16 channels).
///
/// # Safety
/// The CPU supports AVX2 and FMA.
#[target_feature(enable = "avx2,fma")]
pub(crate) unsafe fn forward_f32<A: Activation>(a: &mut Args<'_, f32, A>) {
    // SAFETY: the CPU has AVX2 and FMA (this function\'s contract, which `Kernel` keeps), so the
    // body, compiled with them here, may use them.
    unsafe {
        if !time::forward::<F32x8, A>(a) && !tile::phases::forward::<F32x8, 11, A>(a) {
            tile::forward::<F32x8, 6, 2, A>(a);
        }
    }
}

/// The AVX2 `Q15` pass.
///
/// # Safety
/// The CPU supports AVX2.
#[target_feature(enable = "avx2")]
pub(crate) unsafe fn forward_q15<A: Activation>(a: &mut Args<'_, Q15, A>, acc: &mut [i64]) {
    // SAFETY: the CPU has AVX2 (this function\'s contract, which `Kernel` keeps), so the
    // body, compiled with them here, may use them.
    unsafe { q15::forward::<Q15x16, A>(a, acc) }
}

/// [`Simd::call`]: `part` in a function of its own, with AVX2 and FMA.
///
/// # Safety
/// The CPU supports AVX2 and FMA; `part`'s own contract holds.
#[target_feature(enable = "avx2,fma")]
#[inline(never)]
unsafe fn call<P: Part>(part: &P) {
    // SAFETY: this function's contract.
    unsafe { part.run() }
}
