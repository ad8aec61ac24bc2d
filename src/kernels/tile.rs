//! Every other layer: a register-tiled micro-kernel, like a GEMM's, over `MR` output rows
//! of one phase by `NV` registers of output channels, reducing over input channels and
//! the phase's taps.
//!
//! The packed weight `(K, CIN, COUT/G)` is what it wants: for a tap and an input channel
//! the output channels of a group are contiguous, so each step loads `NV` weight
//! registers, broadcasts one input sample per row, and does `MR * NV` multiply-adds.
//! Rows whose taps all fall inside the input run in tiles of `MR`, then 4, 2 and 1; the
//! rows at either end, which see fewer taps, run one at a time with exactly their taps.
//! Channel tails use a last register of fewer lanes.

use core::ops::Range;

use crate::activation::Activation;
use crate::kernels::epilogue::Epilogue;
use crate::kernels::plan::{phase_rows, Args, PhaseTaps, Strides};
use crate::kernels::simd::Simd;

/// What every tile of one pass shares.
struct Pass<A> {
    x: *const f32,
    xs: Strides,
    y: *mut f32,
    ys: Strides,
    w: *const f32,
    bias: Option<*const f32>,
    len_in: usize,
    cin: usize,
    cin_g: usize,
    cout_g: usize,
    stride: usize,
    pad: usize,
    act: A,
}

/// Output rows of one phase, for one group and one block of channels.
struct Rows<'a, A> {
    pass: &'a Pass<A>,
    taps: PhaseTaps,
    /// Phase `r`: row `q` is output frame `q*S + r - P`.
    r: usize,
    /// First input channel and first output channel (global) of the block.
    ci0: usize,
    co: usize,
    /// Output channel offset within the group, for the weights.
    co_g: usize,
    /// Channels in the block: `NV * LANES`, or fewer in the last register when `PARTIAL`.
    width: usize,
}

/// Runs the layer.
///
/// # Safety
/// The CPU supports `V`'s instructions.
#[inline(always)]
pub(crate) unsafe fn forward<V: Simd, const MR: usize, const NV: usize, A: Activation>(
    a: &mut Args<'_, f32, A>,
) {
    let g = a.g;
    let pass = Pass {
        x: a.x.as_ptr(),
        xs: a.xs,
        y: a.y.as_mut_ptr(),
        ys: a.ys,
        w: a.weight.as_ptr(),
        bias: a.bias.map(|b| b.as_ptr()),
        len_in: g.len_in,
        cin: g.in_channels,
        cin_g: g.in_per_group(),
        cout_g: g.out_per_group(),
        stride: g.stride,
        pad: g.padding,
        act: a.act,
    };
    let wide = NV * V::LANES;
    for grp in 0..g.groups {
        for r in 0..g.stride {
            let rows = phase_rows(g, a.len_out, r);
            if rows.is_empty() {
                continue;
            }
            let taps = PhaseTaps::new(g, r);
            // Rows that every tap of the phase reaches inside the input.
            let interior = if taps.count == 0 {
                rows.clone()
            } else {
                let first = taps.first_offset;
                let last = first + (taps.count - 1) * taps.offset_step.get();
                let lo = rows.start.max(last).min(rows.end);
                lo..(g.len_in + first).clamp(lo, rows.end)
            };
            let mut block = Rows {
                pass: &pass,
                taps,
                r,
                ci0: grp * pass.cin_g,
                co: grp * pass.cout_g,
                co_g: 0,
                width: wide,
            };
            // SAFETY: the CPU has `V`'s instructions (this function's contract); `Args::new`
            // checked the buffers, and the blocks below stay inside the group's output
            // channels.
            unsafe {
                while block.co_g + wide <= pass.cout_g {
                    rows_of::<V, MR, NV, false, A>(&block, rows.clone(), interior.clone());
                    block.co_g += wide;
                    block.co += wide;
                }
                block.width = V::LANES;
                while block.co_g + V::LANES <= pass.cout_g {
                    rows_of::<V, MR, 1, false, A>(&block, rows.clone(), interior.clone());
                    block.co_g += V::LANES;
                    block.co += V::LANES;
                }
                if block.co_g < pass.cout_g {
                    block.width = pass.cout_g - block.co_g;
                    rows_of::<V, MR, 1, true, A>(&block, rows.clone(), interior.clone());
                }
            }
        }
    }
}

/// All rows of one phase for one block of channels.
///
/// # Safety
/// The CPU supports `V`'s instructions; the block lies inside its group.
#[inline(always)]
unsafe fn rows_of<V: Simd, const MR: usize, const NV: usize, const PARTIAL: bool, A: Activation>(
    b: &Rows<'_, A>,
    rows: Range<usize>,
    interior: Range<usize>,
) {
    let len_in = b.pass.len_in;
    let all = 0..b.taps.count;
    // SAFETY: each row gets the taps that reach it inside the input: `valid` at the ends,
    // all of them inside `interior`.
    unsafe {
        for q in rows.start..interior.start {
            tile::<V, 1, NV, PARTIAL, A>(b, q, b.taps.valid(q, len_in));
        }
        let mut q = interior.start;
        while q + MR <= interior.end {
            tile::<V, MR, NV, PARTIAL, A>(b, q, all.clone());
            q += MR;
        }
        if MR > 4 && q + 4 <= interior.end {
            tile::<V, 4, NV, PARTIAL, A>(b, q, all.clone());
            q += 4;
        }
        if MR > 2 && q + 2 <= interior.end {
            tile::<V, 2, NV, PARTIAL, A>(b, q, all.clone());
            q += 2;
        }
        if q < interior.end {
            tile::<V, 1, NV, PARTIAL, A>(b, q, all.clone());
        }
        for q in interior.end..rows.end {
            tile::<V, 1, NV, PARTIAL, A>(b, q, b.taps.valid(q, len_in));
        }
    }
}

/// Register `v` of a block's channels from `ptr`: `width - v * LANES` lanes in the last
/// register of a partial block, all of them otherwise.
///
/// # Safety
/// The CPU supports `V`'s instructions; `ptr` is valid for those reads.
#[inline(always)]
unsafe fn load_block<V: Simd, const NV: usize, const PARTIAL: bool>(
    ptr: *const f32,
    v: usize,
    width: usize,
) -> V {
    // SAFETY: the CPU has `V`'s instructions (this function's contract).
    unsafe {
        if PARTIAL && v == NV - 1 {
            V::load_partial(ptr.add(v * V::LANES), width - v * V::LANES)
        } else {
            V::load(ptr.add(v * V::LANES))
        }
    }
}

/// Rows `q .. q + M` and the block's channels, summing taps `taps` (each of which reaches
/// every row inside the input).
///
/// # Safety
/// The CPU supports `V`'s instructions; the rows, taps and channels are in bounds.
#[inline(always)]
unsafe fn tile<V: Simd, const M: usize, const NV: usize, const PARTIAL: bool, A: Activation>(
    b: &Rows<'_, A>,
    q: usize,
    taps: Range<usize>,
) {
    let p = b.pass;
    let lanes = V::LANES;
    // SAFETY: weights `(k, ci, co_g ..)` and bias `(co ..)` are read for `width`
    // channels; inputs for frames `q + m - o_j`, which the caller keeps in `0..L`; outputs
    // for frames `(q + m) * S + r - P` of the phase's rows, inside `0..len_out`.
    unsafe {
        let zero = V::splat(0.0);
        let mut acc = [[zero; NV]; M];
        if let Some(bias) = p.bias {
            let mut bv = [zero; NV];
            for (v, bv) in bv.iter_mut().enumerate() {
                *bv = load_block::<V, NV, PARTIAL>(bias.add(b.co), v, b.width);
            }
            acc = [bv; M];
        }
        for j in taps {
            let k = b.taps.tap(j);
            let i0 = b.taps.input_frame(q, j);
            let mut wp = p.w.add((k * p.cin + b.ci0) * p.cout_g + b.co_g);
            let mut xp = p.x.add(p.xs.at(i0, b.ci0));
            for _ in 0..p.cin_g {
                let mut w = [zero; NV];
                for (v, w) in w.iter_mut().enumerate() {
                    *w = load_block::<V, NV, PARTIAL>(wp, v, b.width);
                }
                for (m, acc) in acc.iter_mut().enumerate() {
                    let xb = V::splat(*xp.add(m * p.xs.frame));
                    for (acc, &w) in acc.iter_mut().zip(&w) {
                        *acc = xb.mul_add(w, *acc);
                    }
                }
                // Wrapping: after the last channel these point past the buffers, unread.
                wp = wp.wrapping_add(p.cout_g);
                xp = xp.wrapping_add(p.xs.channel);
            }
        }
        for (m, acc) in acc.iter().enumerate() {
            let n = (q + m) * p.stride + b.r - p.pad;
            let yp = p.y.add(p.ys.at(n, b.co));
            for (v, &acc) in acc.iter().enumerate() {
                let acc = if A::IDENTITY {
                    acc
                } else {
                    p.act.apply_simd(acc)
                };
                let n_lanes = if PARTIAL && v == NV - 1 {
                    b.width - v * lanes
                } else {
                    lanes
                };
                if p.ys.channel == 1 {
                    if n_lanes == lanes {
                        acc.store(yp.add(v * lanes));
                    } else {
                        acc.store_partial(yp.add(v * lanes), n_lanes);
                    }
                } else {
                    let mut tmp = [0.0f32; 16];
                    acc.store(tmp.as_mut_ptr());
                    for (l, &t) in tmp[..n_lanes].iter().enumerate() {
                        *yp.add((v * lanes + l) * p.ys.channel) = t;
                    }
                }
            }
        }
    }
}
