//! The portable kernel: plain Rust, every target, every element type.
//!
//! It is the reference the SIMD kernels are compared with, and it is itself compared
//! with an independent f64 oracle that lives in the tests. It is output-stationary: each
//! output frame's `COUT/G` accumulators start from the bias, take every tap and input
//! channel that reaches the frame, and are written once.

use super::{phase_rows, Args, PhaseTaps};
use crate::Element;

/// One forward pass; `acc` holds `COUT/G` accumulators of scratch. Every one of the
/// `len_out * COUT` outputs is written exactly once. Indexing is bounds-checked.
pub(crate) fn forward<T: Element>(a: &mut Args<'_, T>, acc: &mut [T::Acc]) {
    let Args {
        g,
        len_out,
        weight,
        bias,
        x,
        xs,
        ref mut y,
        ys,
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
                    for ci in ci0..ci0 + cin_g {
                        let xv = x[xs.at(i, ci)];
                        let row = (k * g.in_channels + ci) * cout_g;
                        for (a, &w) in acc.iter_mut().zip(&weight[row..row + cout_g]) {
                            *a = T::mac(*a, xv, w);
                        }
                    }
                }
                for (co, &a) in (co0..co0 + cout_g).zip(acc.iter()) {
                    y[ys.at(n, co)] = T::finish(a);
                }
            }
        }
    }
}
