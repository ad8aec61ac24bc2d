//! The portable kernel: plain Rust, every target, every element type.
//!
//! It is the reference the SIMD kernels are compared with, and it is itself compared
//! with an independent f64 oracle that lives in the tests. It is output-stationary: each
//! output frame's `COUT/G` accumulators start from the bias, take every tap and input
//! channel that reaches the frame, and are written once.

use crate::activation::Activation;
use crate::kernels::element::Element;
use crate::kernels::epilogue::Epilogue;
use crate::kernels::lanes;
use crate::kernels::plan::{packed_index, phase_rows, Args, PhaseTaps, Strides, PANEL};
use crate::kernels::rows::{Rows, ROWS};

/// One forward pass; `acc` holds `COUT/G` accumulators of scratch. Every one of the
/// `len_out * COUT` outputs is written exactly once. Indexing is bounds-checked, except
/// in the time-blocked loops of [`streams`] and [`lanes::interleaved`] (run by `R`),
/// whose bounds are proven once per block.
pub(crate) fn forward<T: Element, A: Activation, R: Rows<T>>(
    a: &mut Args<'_, T, A>,
    acc: &mut [T::Acc],
) {
    let depthwise = a.g.in_per_group() == 1 && a.g.out_per_group() == 1;
    let c = a.g.in_channels;
    if depthwise && a.xs.frame == 1 && a.ys.frame == 1 {
        streams::<T, A, R>(a);
    } else if depthwise && a.xs == Strides::nlc(c) && a.ys == Strides::nlc(c) {
        lanes::interleaved::<T, A, R>(a);
    } else {
        general(a, acc);
    }
}

/// Mono and depthwise layers whose channels are contiguous in time (mono in either
/// layout, depthwise channels-first): each channel is `S` short FIR filters over its
/// input, one per phase. Rows whose taps all fall inside the input run `ROWS` at a time:
/// `ROWS` accumulators in registers, each tap one weight and one run of `ROWS` inputs,
/// so a multiply-add costs little more than itself. The rows at the ends take
/// `row`'s path with exactly their taps. Sums run in the same order (taps ascending)
/// on both paths.
fn streams<T: Element, A: Activation, R: Rows<T>>(a: &mut Args<'_, T, A>) {
    let g = a.g;
    let (len_in, s, pad, channels) = (g.len_in, g.stride, g.padding, g.in_channels);
    // `Args` checked every length, so no `get` below fails: they spare the bounds checks'
    // panics, not any work.
    for ch in 0..channels {
        let x0 = ch * a.xs.channel;
        let y0 = ch * a.ys.channel;
        let (Some(x), Some(y)) = (a.x.get(x0..x0 + len_in), a.y.get_mut(y0..y0 + a.len_out)) else {
            continue;
        };
        let start = match a.bias.map(|b| b.get(ch)) {
            Some(Some(&b)) => T::bias_acc(b),
            _ => T::Acc::default(),
        };
        let starts = [start; ROWS];
        // Tap k of this channel is weight[k * CIN + ch] (packed (K, CIN, 1)).
        let w = a.weight.get(ch..).unwrap_or_default();
        for r in 0..s {
            let taps = PhaseTaps::new(g, r);
            let rows = phase_rows(g, a.len_out, r);
            // Rows q whose every input q - o_j lies in 0..L.
            let last_offset =
                taps.first_offset + taps.count.saturating_sub(1) * taps.offset_step.get();
            let lo = rows.start.max(last_offset).min(rows.end);
            let hi = rows.end.min(len_in + taps.first_offset).max(lo);
            // `valid` keeps every input frame in `0..L` and every tap below `K`, and `q`
            // is a row of the phase, inside `y`.
            let row = |q: usize, y: &mut [T]| {
                let mut acc = start;
                for j in taps.valid(q, len_in) {
                    let inputs = (x.get(taps.input_frame(q, j)), w.get(taps.tap(j) * channels));
                    if let (Some(&xv), Some(&wv)) = inputs {
                        acc = T::mac(acc, xv, wv);
                    }
                }
                if let Some(y) = y.get_mut(q * s + r - pad) {
                    *y = a.act.apply(T::finish(acc));
                }
            };
            for q in rows.start..lo {
                row(q, y);
            }
            let mut q = lo;
            let blocks = (hi - q) / ROWS;
            if taps.count > 0 && blocks > 0 {
                // SAFETY: lo <= q and q + blocks * ROWS <= hi, so for every tap j and
                // m < blocks * ROWS the input q + m - o_j lies in 0..L (o_0 <= o_j <=
                // last_offset), the weight index tap(j) * CIN + ch is below K * CIN, and
                // the outputs (q + m) * S + r - P are rows of the phase, inside `y`.
                let done = unsafe {
                    R::rows(
                        &starts,
                        x.as_ptr().add(q - taps.first_offset),
                        taps.offset_step.get(),
                        w.as_ptr().add(taps.first_tap * channels),
                        taps.tap_step * channels,
                        taps.count,
                        y.as_mut_ptr().add(q * s + r - pad),
                        s,
                        blocks,
                        a.act,
                    )
                };
                // Rows the loop declined are left to `row`, below.
                if done {
                    q += blocks * ROWS;
                }
            }
            for q in q..rows.end {
                row(q, y);
            }
        }
    }
}

/// Any layer, one output frame at a time: its `COUT/G` accumulators in `acc`.
fn general<T: Element, A: Activation>(a: &mut Args<'_, T, A>, acc: &mut [T::Acc]) {
    let Args {
        g,
        len_out,
        weight,
        bias,
        x,
        xs,
        ref mut y,
        ys,
        act,
        ..
    } = *a;
    let cin_g = g.in_per_group();
    let cout_g = g.out_per_group();
    debug_assert_eq!(weight.len(), g.kernel * g.in_channels * cout_g);
    debug_assert_eq!(acc.len(), cout_g);

    for r in 0..g.stride {
        let taps = PhaseTaps::new(g, r);
        for q in phase_rows(g, len_out, r) {
            let n = q * g.stride + r - g.padding;
            let valid = taps.valid(q, g.len_in);
            for grp in 0..g.groups {
                let co0 = grp * cout_g;
                let ci0 = grp * cin_g;
                match bias {
                    Some(b) => {
                        for (a, &b) in acc.iter_mut().zip(&b[co0..co0 + cout_g]) {
                            *a = T::bias_acc(b);
                        }
                    }
                    None => acc.fill(T::Acc::default()),
                }
                for j in valid.clone() {
                    let k = taps.tap(j);
                    let i = taps.input_frame(q, j);
                    // Panel by panel (`packed_index`): a panel's weights for this tap are
                    // one run, `width` per input channel.
                    for (p, acc) in acc.chunks_mut(PANEL).enumerate() {
                        let width = acc.len();
                        let mut row =
                            packed_index(g.kernel, g.in_channels, cout_g, k, ci0, p * PANEL);
                        for ci in ci0..ci0 + cin_g {
                            let xv = x[xs.at(i, ci)];
                            for (a, &w) in acc.iter_mut().zip(&weight[row..row + width]) {
                                *a = T::mac(*a, xv, w);
                            }
                            row += width;
                        }
                    }
                }
                for (co, &a) in (co0..co0 + cout_g).zip(acc.iter()) {
                    y[ys.at(n, co)] = act.apply(T::finish(a));
                }
            }
        }
    }
}
