//! The Q15 SIMD body, for mono and channels-first depthwise layers (the rest take the
//! portable kernel), over the [`Lanes`] register types of SSE2, AVX2, AVX-512BW and NEON.
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

use crate::activation::Activation;
use crate::fixed::Q15;
use crate::kernels::element::Element;
use crate::kernels::epilogue::Epilogue;
use crate::kernels::plan::{phase_rows, Args, PhaseTaps};
use crate::kernels::portable;
use crate::kernels::rows::Plain;
use crate::kernels::simd::Lanes;

/// Taps per phase the body keeps as pairs on the stack; a phase with more goes to the
/// portable path.
const MAX_PAIRS: usize = 256;

/// One pass: the SIMD body, or the portable kernel for layouts it does not cover.
///
/// # Safety
/// The CPU supports `V`'s instructions.
#[inline(always)]
pub(crate) unsafe fn forward<V: Lanes, A: Activation>(a: &mut Args<'_, Q15, A>, acc: &mut [i64]) {
    let g = a.g;
    if g.in_per_group() == 1 && g.out_per_group() == 1 && a.xs.frame == 1 && a.ys.frame == 1 {
        // SAFETY: the CPU has `V`'s instructions (this function's contract), which
        // `streams` needs.
        unsafe { streams::<V, A>(a) }
    } else {
        portable::forward::<Q15, A, Plain>(a, acc);
    }
}

/// Mono and channels-first depthwise layers: per channel and phase, interior rows `OUT`
/// (twice `OUT` where there are enough) at a time in 32-bit lanes; the rows at the ends,
/// and channels or phases that fail the headroom check, one at a time in 64 bits.
///
/// # Safety
/// The CPU supports `V`'s instructions.
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
            let last_offset =
                taps.first_offset + taps.count.saturating_sub(1) * taps.offset_step.get();
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
            let ostep = taps.offset_step.get();
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
