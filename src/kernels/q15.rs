//! Q15 kernels: the portable kernel everywhere, and one SIMD body for mono and
//! channels-first depthwise layers with thin register types for SSE2, AVX2, AVX-512BW and
//! NEON.
//!
//! The definition sums Q30 products in 64 bits ([`crate::fixed`]). The SIMD body sums in
//! 32-bit lanes instead, which is exact (and so gives the same bits) whenever no partial
//! sum can leave the `i32` range: for an output whose bias and weights have raw values
//! `b` and `w_j`, every partial sum is at most `2^15 * (|b| + sum |w_j|)` in magnitude,
//! so the body checks `|b| + sum |w_j| <= 65535` (weights summing to less than `2.0` in
//! magnitude) for each channel and phase, and takes the portable path for any that fails.
//! A designed filter quantised by [`crate::Q15::taps_for`] always passes.
//!
//! Per pair of taps the x86 bodies load the two runs of inputs the taps read, interleave
//! them (`punpcklwd`/`punpckhwd`) and do one `pmaddwd` per register: two multiply-adds per
//! 32-bit lane. `pmaddwd`'s one overflow (`MIN * MIN + MIN * MIN`) needs `|w_a| + |w_b| =
//! 65536`, which the check excludes. NEON widens with `vmlal_s16`. The finish is an
//! arithmetic shift by 15 and a saturating narrow (`packssdw`, `vqmovn`): the definition's
//! `sat16(acc >> 15)`.

#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
use super::{phase_rows, PhaseTaps};
use super::{scalar, Args};
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
use crate::Element;
use crate::{Activation, Backend, Error, Q15};

/// The backend `forward` uses for `Q15`: the best one that has a Q15 body.
pub(crate) fn best() -> Backend {
    let b = Backend::best();
    if supports(b) {
        b
    } else if supports(Backend::Avx2) {
        Backend::Avx2
    } else if supports(Backend::Sse2) {
        Backend::Sse2
    } else {
        Backend::Scalar
    }
}

/// Whether `backend` runs `Q15` here: all of them where available, AVX-512 where the CPU
/// also has AVX-512BW.
pub(crate) fn supports(backend: Backend) -> bool {
    backend.is_available() && (backend != Backend::Avx512 || has_avx512bw())
}

#[cfg(all(target_arch = "x86_64", feature = "std"))]
fn has_avx512bw() -> bool {
    std::is_x86_feature_detected!("avx512bw")
}

#[cfg(not(all(target_arch = "x86_64", feature = "std")))]
fn has_avx512bw() -> bool {
    cfg!(all(target_arch = "x86_64", target_feature = "avx512bw"))
}

/// One `Q15` forward pass on `backend`.
///
/// # Errors
/// [`Error::BackendUnavailable`] if this CPU cannot run `backend` for `Q15`.
pub(crate) fn forward<A: Activation>(
    backend: Backend,
    a: &mut Args<'_, Q15, A>,
    acc: &mut [i64],
) -> Result<(), Error> {
    if !supports(backend) {
        return Err(Error::BackendUnavailable { backend });
    }
    match backend {
        Backend::Scalar => scalar::forward(a, acc),
        // SAFETY: `supports` said this CPU has SSE2.
        #[cfg(target_arch = "x86_64")]
        Backend::Sse2 => unsafe { x86::sse2(a, acc) },
        // SAFETY: `supports` said this CPU has AVX2 (and FMA, unused here).
        #[cfg(target_arch = "x86_64")]
        Backend::Avx2 => unsafe { x86::avx2(a, acc) },
        // SAFETY: `supports` said this CPU has AVX-512F and AVX-512BW.
        #[cfg(target_arch = "x86_64")]
        Backend::Avx512 => unsafe { x86::avx512(a, acc) },
        // SAFETY: `supports` said this target has NEON.
        #[cfg(target_arch = "aarch64")]
        Backend::Neon => unsafe { neon::forward(a, acc) },
        _ => return Err(Error::BackendUnavailable { backend }),
    }
    Ok(())
}

/// What the generic body needs of an ISA: `OUT` consecutive outputs in 32-bit lanes.
///
/// # Safety
/// The methods use their ISA's instructions: the caller has established that the CPU has
/// them. Pointers must be valid for `OUT` values.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
pub(crate) trait Lanes: Copy {
    /// Outputs per accumulator (16-bit lanes of one input register).
    const OUT: usize;

    /// Every lane `v` (the bias, already shifted to Q30).
    unsafe fn start(v: i32) -> Self;

    /// `acc[m] += xa[m] * wa + xb[m] * wb` for `m < OUT`, where `pair` holds `wa` in its
    /// low half and `wb` in its high half. Exact while no lane leaves the `i32` range.
    unsafe fn mac2(self, xa: *const i16, xb: *const i16, pair: i32) -> Self;

    /// `sat16(acc[m] >> 15)` to `y[m]`, `m < OUT`.
    unsafe fn finish(self, y: *mut i16);
}

/// Taps per phase the body keeps as pairs on the stack; a phase with more goes to the
/// portable path.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
const MAX_PAIRS: usize = 256;

/// The SIMD body, or the portable kernel for layouts it does not cover.
///
/// # Safety
/// The CPU supports `V`'s instructions.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
#[inline(always)]
unsafe fn simd<V: Lanes, A: Activation>(a: &mut Args<'_, Q15, A>, acc: &mut [i64]) {
    let g = a.g;
    if g.in_per_group() == 1 && g.out_per_group() == 1 && a.xs.frame == 1 && a.ys.frame == 1 {
        // SAFETY: the caller's promise, passed on.
        unsafe { streams::<V, A>(a) }
    } else {
        scalar::forward(a, acc);
    }
}

/// Mono and channels-first depthwise layers: per channel and phase, interior rows `OUT`
/// (twice `OUT` where there are enough) at a time in 32-bit lanes; the rows at the ends,
/// and channels or phases that fail the headroom check, one at a time in 64 bits.
///
/// # Safety
/// The CPU supports `V`'s instructions.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
#[inline(always)]
unsafe fn streams<V: Lanes, A: Activation>(a: &mut Args<'_, Q15, A>) {
    let g = a.g;
    let (len_in, s, pad, channels) = (g.len_in, g.stride, g.padding, g.in_channels);
    let mut pairs = [0i32; MAX_PAIRS];
    let mut tmp = [0i16; 64];
    debug_assert!(2 * V::OUT <= tmp.len());
    for ch in 0..channels {
        let x = &a.x[ch * a.xs.channel..][..len_in];
        let y = &mut a.y[ch * a.ys.channel..][..a.len_out];
        let bias = a.bias.map_or(0, |b| b[ch].to_bits());
        let start = a.bias.map_or(0, |b| Q15::bias_acc(b[ch]));
        // Tap k of this channel is weight[k * CIN + ch] (packed (K, CIN, 1)).
        let w = &a.weight[ch..];
        for r in 0..s {
            let taps = PhaseTaps::new(g, r);
            let rows = phase_rows(g, a.len_out, r);
            let weight = |j: usize| w[taps.tap(j) * channels].to_bits();
            let row = |q: usize, y: &mut [Q15]| {
                let mut acc = start;
                for j in taps.valid(q, len_in) {
                    acc = Q15::mac(acc, x[taps.input_frame(q, j)], w[taps.tap(j) * channels]);
                }
                y[q * s + r - pad] = a.act.apply(Q15::finish(acc));
            };
            let l1 = (0..taps.count)
                .map(|j| i32::from(weight(j)).unsigned_abs())
                .sum::<u32>();
            let npairs = taps.count.div_ceil(2);
            let fits = u32::from(bias.unsigned_abs()) + l1 <= 65535 && npairs <= MAX_PAIRS;
            // Rows q whose every input q - o_j lies in 0..L.
            let last_offset = taps.first_offset + taps.count.saturating_sub(1) * taps.offset_step;
            let (lo, hi) = if fits && taps.count > 0 {
                let lo = rows.start.max(last_offset).min(rows.end);
                (lo, rows.end.min(len_in + taps.first_offset).max(lo))
            } else {
                (rows.end, rows.end)
            };
            for q in rows.start..lo {
                row(q, y);
            }
            // An odd last tap is paired with itself at weight zero.
            for (p, pair) in pairs[..npairs].iter_mut().enumerate() {
                let wa = weight(2 * p) as u16;
                let wb = if 2 * p + 1 < taps.count {
                    weight(2 * p + 1) as u16
                } else {
                    0
                };
                *pair = (u32::from(wa) | (u32::from(wb) << 16)) as i32;
            }
            let ostep = taps.offset_step;
            let second = if taps.count > 1 { ostep } else { 0 };
            let mut q = lo;
            while q < hi && hi - q >= V::OUT {
                let two = hi - q >= 2 * V::OUT;
                let n = if two { 2 * V::OUT } else { V::OUT };
                // SAFETY: lo <= q and q + n <= hi, so for every tap j < count and m < n
                // the input q + m - o_j lies in 0..L (o_0 <= o_j <= last_offset); an odd
                // last pair reads its first tap's run twice. `tmp` holds 2 * OUT.
                unsafe {
                    let base = x.as_ptr().add(q - taps.first_offset).cast::<i16>();
                    let mut acc0 = V::start(start as i32);
                    let mut acc1 = acc0;
                    for (p, &pair) in pairs[..npairs].iter().enumerate() {
                        let xa = base.sub(2 * p * ostep);
                        let xb = if 2 * p + 1 < taps.count {
                            xa.sub(second)
                        } else {
                            xa
                        };
                        acc0 = acc0.mac2(xa, xb, pair);
                        if two {
                            acc1 = acc1.mac2(xa.add(V::OUT), xb.add(V::OUT), pair);
                        }
                    }
                    acc0.finish(tmp.as_mut_ptr());
                    if two {
                        acc1.finish(tmp.as_mut_ptr().add(V::OUT));
                    }
                }
                let first = q * s + r - pad;
                for (m, &v) in tmp[..n].iter().enumerate() {
                    y[first + m * s] = a.act.apply(Q15::from_bits(v));
                }
                q += n;
            }
            for q in q..rows.end {
                row(q, y);
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use core::arch::x86_64::*;

    use super::{simd, Lanes};
    use crate::kernels::Args;
    use crate::{Activation, Q15};

    /// Eight outputs: `__m128i` halves interleaved by `punpck*wd`, `pmaddwd`.
    #[derive(Clone, Copy)]
    pub(super) struct Sse2([__m128i; 2]);

    impl Lanes for Sse2 {
        const OUT: usize = 8;

        #[inline(always)]
        unsafe fn start(v: i32) -> Self {
            // SAFETY: SSE2 is part of x86_64.
            unsafe { Sse2([_mm_set1_epi32(v); 2]) }
        }

        #[inline(always)]
        unsafe fn mac2(self, xa: *const i16, xb: *const i16, pair: i32) -> Self {
            // SAFETY: SSE2; the caller makes both runs readable.
            unsafe {
                let a = _mm_loadu_si128(xa.cast());
                let b = _mm_loadu_si128(xb.cast());
                let w = _mm_set1_epi32(pair);
                Sse2([
                    _mm_add_epi32(self.0[0], _mm_madd_epi16(_mm_unpacklo_epi16(a, b), w)),
                    _mm_add_epi32(self.0[1], _mm_madd_epi16(_mm_unpackhi_epi16(a, b), w)),
                ])
            }
        }

        #[inline(always)]
        unsafe fn finish(self, y: *mut i16) {
            // SAFETY: SSE2; the caller makes `y` writable for 8 values.
            unsafe {
                let lo = _mm_srai_epi32::<15>(self.0[0]);
                let hi = _mm_srai_epi32::<15>(self.0[1]);
                _mm_storeu_si128(y.cast(), _mm_packs_epi32(lo, hi));
            }
        }
    }

    /// Sixteen outputs. `vpunpck*wd` work within 128-bit halves, so the low accumulator
    /// holds outputs 0-3 and 8-11 and the high one 4-7 and 12-15; `vpackssdw`, also by
    /// halves, puts them back in order.
    #[derive(Clone, Copy)]
    pub(super) struct Avx2([__m256i; 2]);

    impl Lanes for Avx2 {
        const OUT: usize = 16;

        #[inline(always)]
        unsafe fn start(v: i32) -> Self {
            // SAFETY: the caller vouches for AVX2.
            unsafe { Avx2([_mm256_set1_epi32(v); 2]) }
        }

        #[inline(always)]
        unsafe fn mac2(self, xa: *const i16, xb: *const i16, pair: i32) -> Self {
            // SAFETY: AVX2; the caller makes both runs readable.
            unsafe {
                let a = _mm256_loadu_si256(xa.cast());
                let b = _mm256_loadu_si256(xb.cast());
                let w = _mm256_set1_epi32(pair);
                Avx2([
                    _mm256_add_epi32(self.0[0], _mm256_madd_epi16(_mm256_unpacklo_epi16(a, b), w)),
                    _mm256_add_epi32(self.0[1], _mm256_madd_epi16(_mm256_unpackhi_epi16(a, b), w)),
                ])
            }
        }

        #[inline(always)]
        unsafe fn finish(self, y: *mut i16) {
            // SAFETY: AVX2; the caller makes `y` writable for 16 values.
            unsafe {
                let lo = _mm256_srai_epi32::<15>(self.0[0]);
                let hi = _mm256_srai_epi32::<15>(self.0[1]);
                _mm256_storeu_si256(y.cast(), _mm256_packs_epi32(lo, hi));
            }
        }
    }

    /// Thirty-two outputs, as [`Avx2`] by 128-bit quarters.
    #[derive(Clone, Copy)]
    pub(super) struct Avx512([__m512i; 2]);

    impl Lanes for Avx512 {
        const OUT: usize = 32;

        #[inline(always)]
        unsafe fn start(v: i32) -> Self {
            // SAFETY: the caller vouches for AVX-512F.
            unsafe { Avx512([_mm512_set1_epi32(v); 2]) }
        }

        #[inline(always)]
        unsafe fn mac2(self, xa: *const i16, xb: *const i16, pair: i32) -> Self {
            // SAFETY: AVX-512F and BW; the caller makes both runs readable.
            unsafe {
                let a = _mm512_loadu_si512(xa.cast());
                let b = _mm512_loadu_si512(xb.cast());
                let w = _mm512_set1_epi32(pair);
                Avx512([
                    _mm512_add_epi32(self.0[0], _mm512_madd_epi16(_mm512_unpacklo_epi16(a, b), w)),
                    _mm512_add_epi32(self.0[1], _mm512_madd_epi16(_mm512_unpackhi_epi16(a, b), w)),
                ])
            }
        }

        #[inline(always)]
        unsafe fn finish(self, y: *mut i16) {
            // SAFETY: AVX-512F and BW; the caller makes `y` writable for 32 values.
            unsafe {
                let lo = _mm512_srai_epi32::<15>(self.0[0]);
                let hi = _mm512_srai_epi32::<15>(self.0[1]);
                _mm512_storeu_si512(y.cast(), _mm512_packs_epi32(lo, hi));
            }
        }
    }

    /// # Safety
    /// SSE2 (always on x86_64).
    #[target_feature(enable = "sse2")]
    pub(super) unsafe fn sse2<A: Activation>(a: &mut Args<'_, Q15, A>, acc: &mut [i64]) {
        // SAFETY: the features are enabled.
        unsafe { simd::<Sse2, A>(a, acc) }
    }

    /// # Safety
    /// The CPU has AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn avx2<A: Activation>(a: &mut Args<'_, Q15, A>, acc: &mut [i64]) {
        // SAFETY: the features are enabled.
        unsafe { simd::<Avx2, A>(a, acc) }
    }

    /// # Safety
    /// The CPU has AVX-512F and AVX-512BW.
    #[target_feature(enable = "avx512f,avx512bw")]
    pub(super) unsafe fn avx512<A: Activation>(a: &mut Args<'_, Q15, A>, acc: &mut [i64]) {
        // SAFETY: the features are enabled.
        unsafe { simd::<Avx512, A>(a, acc) }
    }
}

#[cfg(target_arch = "aarch64")]
mod neon {
    use core::arch::aarch64::*;

    use super::{simd, Lanes};
    use crate::kernels::Args;
    use crate::{Activation, Q15};

    /// Eight outputs in two `int32x4_t`, widened by `vmlal_s16` / `vmlal_high_s16`.
    #[derive(Clone, Copy)]
    pub(super) struct Neon([int32x4_t; 2]);

    impl Lanes for Neon {
        const OUT: usize = 8;

        #[inline(always)]
        unsafe fn start(v: i32) -> Self {
            // SAFETY: the caller vouches for NEON.
            unsafe { Neon([vdupq_n_s32(v); 2]) }
        }

        #[inline(always)]
        unsafe fn mac2(self, xa: *const i16, xb: *const i16, pair: i32) -> Self {
            // SAFETY: NEON; the caller makes both runs readable.
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
                Neon([lo, hi])
            }
        }

        #[inline(always)]
        unsafe fn finish(self, y: *mut i16) {
            // SAFETY: NEON; the caller makes `y` writable for 8 values.
            unsafe {
                let lo = vqmovn_s32(vshrq_n_s32::<15>(self.0[0]));
                let hi = vqmovn_s32(vshrq_n_s32::<15>(self.0[1]));
                vst1q_s16(y, vcombine_s16(lo, hi));
            }
        }
    }

    /// # Safety
    /// The CPU has NEON.
    #[target_feature(enable = "neon")]
    pub(super) unsafe fn forward<A: Activation>(a: &mut Args<'_, Q15, A>, acc: &mut [i64]) {
        // SAFETY: the feature is enabled.
        unsafe { simd::<Neon, A>(a, acc) }
    }
}
