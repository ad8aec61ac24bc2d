//! The portable kernel's time-blocked path for interleaved channels: depthwise layers
//! whose input and output are channels last (`NLC`), as I2S and SAI codecs deliver
//! stereo and multichannel audio.
//!
//! Each channel is still `S` short FIR filters over its own input, but a channel's
//! samples are `C` apart. So the channels go in groups of `G` lanes (`G` = 4, 2 or 1,
//! whichever divides `C`), and a block of the phase is `ROWS / G` consecutive output
//! frames of `G` lanes: `ROWS` accumulators, each tap one run of inputs and `G` weights.
//! Where `G = C` (stereo, four channels) a tap's inputs for the whole block are one
//! contiguous run of `ROWS` samples, as mono's are, and only the weights differ by lane.
//! The rows at the ends take [`groups`]' `row` with exactly their taps; sums run taps
//! ascending on both paths, so the results are the general path's to the bit.

use core::array;

use crate::activation::Activation;
use crate::kernels::element::Element;
use crate::kernels::epilogue::Epilogue;
use crate::kernels::plan::{phase_rows, Args, PhaseTaps};
use crate::kernels::rows::{Rows, ROWS};

/// A depthwise layer, channels last in and out (`CIN = COUT = C`).
pub(crate) fn interleaved<T: Element, A: Activation, R: Rows<T>>(a: &mut Args<'_, T, A>) {
    let c = a.g.in_channels;
    if c.is_multiple_of(4) {
        groups::<T, A, R, 4>(a);
    } else if c.is_multiple_of(2) {
        groups::<T, A, R, 2>(a);
    } else {
        groups::<T, A, R, 1>(a);
    }
}

/// [`interleaved`] in groups of `G` channels (`G` divides `C` and `ROWS`).
fn groups<T: Element, A: Activation, R: Rows<T>, const G: usize>(a: &mut Args<'_, T, A>) {
    const { assert!(ROWS.is_multiple_of(G)) };
    let g = a.g;
    let (len_in, s, pad, c) = (g.len_in, g.stride, g.padding, g.in_channels);
    let frames = ROWS / G;
    let (x, weight, act) = (a.x, a.weight, a.act);
    let y = &mut *a.y;
    // `Args` checked every length, so no `get` below fails: they spare the bounds checks'
    // panics, not any work.
    for c0 in (0..c).step_by(G) {
        // Accumulator m is lane m % G: channel c0 + m % G.
        let starts: [T::Acc; ROWS] = array::from_fn(|m| match a.bias.map(|b| b.get(c0 + m % G)) {
            Some(Some(&b)) => T::bias_acc(b),
            _ => T::Acc::default(),
        });
        for r in 0..s {
            let taps = PhaseTaps::new(g, r);
            let rows = phase_rows(g, a.len_out, r);
            // Rows q whose every input q - o_j lies in 0..L.
            let last_offset =
                taps.first_offset + taps.count.saturating_sub(1) * taps.offset_step.get();
            let lo = rows.start.max(last_offset).min(rows.end);
            let hi = rows.end.min(len_in + taps.first_offset).max(lo);
            // Tap k of channel ch is weight[k * C + ch] (packed (K, CIN, 1)).
            let row = |q: usize, y: &mut [T]| {
                for (l, &start) in starts[..G].iter().enumerate() {
                    let ch = c0 + l;
                    let mut acc = start;
                    for j in taps.valid(q, len_in) {
                        let xv = x.get(taps.input_frame(q, j) * c + ch);
                        if let (Some(&xv), Some(&wv)) = (xv, weight.get(taps.tap(j) * c + ch)) {
                            acc = T::mac(acc, xv, wv);
                        }
                    }
                    if let Some(y) = y.get_mut((q * s + r - pad) * c + ch) {
                        *y = act.apply(T::finish(acc));
                    }
                }
            };
            for q in rows.start..lo {
                row(q, y);
            }
            let mut q = lo;
            let blocks = (hi - q) / frames;
            if taps.count > 0 && blocks > 0 {
                // SAFETY: lo <= q and q + blocks * frames <= hi, so for every tap j and
                // frame f < blocks * frames the input frame q + f - o_j lies in 0..L
                // (o_0 <= o_j <= last_offset), and its lanes c0 + l < C are inside `x`;
                // the weight index tap(j) * C + c0 + l is below K * C; the output frames
                // (q + f) * S + r - P are rows of the phase, inside `y`.
                let done = unsafe {
                    R::lanes::<A, G>(
                        &starts,
                        x.as_ptr().add((q - taps.first_offset) * c + c0),
                        c,
                        taps.offset_step.get() * c,
                        weight.as_ptr().add(taps.first_tap * c + c0),
                        taps.tap_step * c,
                        taps.count,
                        y.as_mut_ptr().add((q * s + r - pad) * c + c0),
                        s * c,
                        blocks,
                        act,
                    )
                };
                // Rows the loop declined are left to `row`, below.
                if done {
                    q += blocks * frames;
                }
            }
            for q in q..rows.end {
                row(q, y);
            }
        }
    }
}
