//! The time kernel's sums from shifted windows: where every delay `0 ..= hi` reaches every
//! phase, a block loads its input once per `LANES` floats of delay, as `B + 1` registers
//! `R_i` of the frames from `q`, and builds the window of each delay from two neighbours
//! with one lane shift (`valignd`), instead of one unaligned load per register
//! and delay, of which all but one in `LANES` cross a cache line.
//!
//! Window `b` of delay `d` is the `LANES` floats from `xq + b * LANES - d * C`. With
//! `d * C = j * LANES + s`, that is `R_{b-j}` when `s = 0`, else lanes `LANES - s ..` of
//! `R_{b-j-1}` followed by `R_{b-j}`.
//!
//! NEON keeps the loads: under qemu-aarch64 its `ext` windows counted more instructions
//! per multiply-add than the loads they replace (mono_x2 0.92 against 0.91).

use crate::kernels::simd::Simd;

/// Frames before `xq` that [`sums`] reads: whole registers back from the last delay.
pub(super) const fn reach(hi: usize, c: usize, lanes: usize) -> usize {
    (hi * c / lanes + 1) * lanes / c
}

/// Adds to `acc` the products of delays `0 .. delays` (every one reaching every phase),
/// the weights of delay `d` and phase `r` the `C` floats at `w + (d * S + r) * slot`, `C`
/// lanes per frame.
///
/// # Safety
/// The CPU supports `V`'s instructions; `xq` is readable from `reach(delays - 1, C,
/// LANES)` frames before it to `B * LANES` floats after it; `w` holds `delays * S`
/// slots.
// Inlined in optimised builds only: unoptimised ones would give the entry point
// one frame holding every instance's buffers (megabytes, past a thread's stack).
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub(super) unsafe fn sums<V: Simd, const S: usize, const B: usize, const C: usize>(
    acc: &mut [[V; B]; S],
    xq: *const f32,
    w: *const f32,
    slot: usize,
    delays: usize,
) {
    let lanes = V::LANES;
    // SAFETY: `R_i` for `i` from `-(j + 1)` to `B - 1`, with `j` at most
    // `(delays - 1) * C / LANES`, lies inside what the contract makes readable, and the
    // weights read are those of delays below `delays`.
    unsafe {
        // A local copy, which the optimiser keeps in registers across the steps' exits.
        let mut sums = *acc;
        for j in 0..(delays * C).div_ceil(lanes) {
            // `r[b]` is `R_{b-j}`, `prev` is `R_{-j-1}`.
            let at = |i: usize| xq.wrapping_sub((j + 1) * lanes).wrapping_add(i * lanes);
            let prev = V::load(at(0));
            let mut r = [prev; B];
            for (b, r) in r.iter_mut().enumerate() {
                *r = V::load(at(b + 1));
            }
            // One step per shift `s = k * C` of this chunk, unrolled, so that each
            // shift is a constant.
            macro_rules! unrolled {
                ($($k:literal)*) => {
                    $( step::<V, S, B, C, $k>(&mut sums, prev, &r, w, slot, j, delays); )*
                };
            }
            unrolled!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15);
        }
        *acc = sums;
    }
}

/// Step `K` of chunk `j`: delay `(j * LANES + K * C) / C`, if it is one.
///
/// # Safety
/// As [`sums`], with `prev` and `r` the chunk's registers.
#[inline(always)]
unsafe fn step<V: Simd, const S: usize, const B: usize, const C: usize, const K: usize>(
    acc: &mut [[V; B]; S],
    prev: V,
    r: &[V; B],
    w: *const f32,
    slot: usize,
    j: usize,
    delays: usize,
) {
    let lanes = V::LANES;
    let s = K * C;
    let d = (j * lanes + s) / C;
    if s >= lanes || d >= delays {
        return;
    }
    // SAFETY: the CPU has `V`'s instructions, and delay `d` is below `delays`, inside `w`.
    unsafe {
        // Window by window, each into the sums of every phase: no array of windows,
        // which unoptimised builds would keep on the stack once per step.
        let wp = w.add(d * S * slot);
        let mut wv = [prev; S];
        for (ph, wv) in wv.iter_mut().enumerate() {
            *wv = V::repeat::<C>(wp.add(ph * slot));
        }
        for b in 0..B {
            let x = if s == 0 {
                r[b]
            } else {
                V::shift(if b == 0 { prev } else { r[b - 1] }, r[b], lanes - s)
            };
            for (acc, &wv) in acc.iter_mut().zip(&wv) {
                acc[b] = x.mul_add(wv, acc[b]);
            }
        }
    }
}
