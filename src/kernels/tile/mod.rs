//! Every other layer: a register-tiled micro-kernel, like a GEMM's, over `M` output rows
//! of one phase by `NV` registers of output channels, reducing over input channels and
//! the phase's taps.
//!
//! The packed weights are what it wants: a group's output channels in panels of
//! [`PANEL`], each `(K, CIN, width)`, so a block of channels (a panel, or a part of one
//! that its registers divide) reads its weights for a tap as one run, with no stride
//! that would map them onto a few cache sets. Each step loads `NV` weight registers,
//! broadcasts one input sample per row, and does `M * NV` multiply-adds.
//!
//! A phase's rows run in tiles of one height, the last tile moved back to end on the last
//! row (so it repeats a few rows rather than running short tiles, which would re-stream
//! the phase's weights for little work). The height is the ISA's `MR` or `MR - 1`,
//! whichever computes fewer rows. The tiles at either end, whose rows see fewer taps,
//! read a copy of their input frames with zeros outside the input: a product with such a
//! zero adds nothing unless its weight is infinite or NaN, and then the tile's sums come
//! out NaN, so a tile that sees a NaN sum computes its rows again, one at a time with
//! exactly their taps. Channel tails use a last register of fewer lanes.
//!
//! Layers small enough for all their phases and output channels to fit one register run
//! in [`phases`] instead, every phase in one tile.

use core::ops::Range;

use crate::activation::Activation;
use crate::kernels::epilogue::Epilogue;
use crate::kernels::plan::{packed_index, phase_rows, Args, PhaseTaps, Strides, PANEL};
use crate::kernels::simd::{Scratch, Simd};

pub(crate) mod phases;

/// Floats of the zero-padded input copy the tiles at a phase's ends read (32 KiB).
const WINDOW: usize = 8192;

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
    kernel: usize,
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
    /// Width of the weights' panel the block lies in: the distance between its weights
    /// for consecutive input channels.
    panel: usize,
}

/// Where a tile reads input frame `i`, channel `ci0 + c`: at `base + i * frame + c * channel`
/// (the input itself, or a copy of some of its frames).
#[derive(Clone, Copy)]
struct Input {
    base: *const f32,
    frame: usize,
    channel: usize,
}

/// Runs the layer: blocks of `NV` registers of output channels, tiles of `MR` or
/// `MR - 1` rows (`MR >= 5`).
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
        kernel: g.kernel,
        stride: g.stride,
        pad: g.padding,
        act: a.act,
    };
    let wide = NV * V::LANES;
    let mut window = Scratch::<WINDOW>::new();
    for grp in 0..g.groups {
        for r in 0..g.stride {
            let rows = phase_rows(g, a.len_out, r);
            if rows.is_empty() {
                continue;
            }
            let mut block = Rows {
                pass: &pass,
                taps: PhaseTaps::new(g, r),
                r,
                ci0: grp * pass.cin_g,
                co: grp * pass.cout_g,
                co_g: 0,
                width: wide,
                panel: 0,
            };
            // SAFETY: the CPU has `V`'s instructions (this function's contract); `Args::new`
            // checked the buffers, and the blocks below stay inside the group's output
            // channels.
            unsafe {
                while block.co_g + wide <= pass.cout_g {
                    block.panel = panel(block.co_g, pass.cout_g);
                    rows_of::<V, MR, NV, false, A>(&block, rows.clone(), &mut window);
                    block.co_g += wide;
                    block.co += wide;
                }
                block.width = V::LANES;
                while block.co_g + V::LANES <= pass.cout_g {
                    block.panel = panel(block.co_g, pass.cout_g);
                    rows_of::<V, MR, 1, false, A>(&block, rows.clone(), &mut window);
                    block.co_g += V::LANES;
                    block.co += V::LANES;
                }
                if block.co_g < pass.cout_g {
                    block.width = pass.cout_g - block.co_g;
                    block.panel = panel(block.co_g, pass.cout_g);
                    rows_of::<V, MR, 1, true, A>(&block, rows.clone(), &mut window);
                }
            }
        }
    }
}

/// The width of the weights' panel that holds output channel `co_g` of `cout_g`.
fn panel(co_g: usize, cout_g: usize) -> usize {
    (cout_g - co_g / PANEL * PANEL).min(PANEL)
}

/// All rows of one phase for one block of channels, in tiles of the height that computes
/// the fewest rows.
///
/// # Safety
/// The CPU supports `V`'s instructions; the block lies inside its group.
// Inlined in optimised builds only: unoptimised ones would give the entry point
// one frame holding every instance's buffers (megabytes, past a thread's stack).
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
unsafe fn rows_of<V: Simd, const MR: usize, const NV: usize, const PARTIAL: bool, A: Activation>(
    b: &Rows<'_, A>,
    rows: Range<usize>,
    window: &mut Scratch<WINDOW>,
) {
    let n = rows.len();
    let cost = |h: usize| n.div_ceil(h) * h;
    // SAFETY: as `span`'s, which this function's contract is.
    unsafe {
        if n >= MR && cost(MR) <= cost(MR - 1) {
            span::<V, MR, NV, PARTIAL, A>(b, rows, window);
        } else if n >= MR - 1 {
            // `MR - 1` as a const: the heights the ISAs use, listed.
            match MR {
                8 => span::<V, 7, NV, PARTIAL, A>(b, rows, window),
                _ => span::<V, 5, NV, PARTIAL, A>(b, rows, window),
            }
        } else if n >= 4 {
            span::<V, 4, NV, PARTIAL, A>(b, rows, window);
        } else {
            span::<V, 1, NV, PARTIAL, A>(b, rows, window);
        }
    }
}

/// Rows `rows` (at least `M` of them) in tiles of `M`, the last moved back to end on the
/// last row.
///
/// # Safety
/// The CPU supports `V`'s instructions; the block lies inside its group.
// Inlined in optimised builds only: unoptimised ones would give the entry point
// one frame holding every instance's buffers (megabytes, past a thread's stack).
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
unsafe fn span<V: Simd, const M: usize, const NV: usize, const PARTIAL: bool, A: Activation>(
    b: &Rows<'_, A>,
    rows: Range<usize>,
    window: &mut Scratch<WINDOW>,
) {
    let p = b.pass;
    let taps = b.taps;
    let all = 0..taps.count;
    // Offsets of the phase's first and last taps: row `q` reads frames `q - hi ..= q - lo`.
    let (lo, hi) = match taps.count {
        0 => (0, 0),
        n => (
            taps.first_offset,
            taps.first_offset + (n - 1) * taps.offset_step.get(),
        ),
    };
    let direct = Input {
        base: p.x.wrapping_add(p.xs.at(0, b.ci0)),
        frame: p.xs.frame,
        channel: p.xs.channel,
    };
    let mut q = rows.start;
    loop {
        let q0 = q.min(rows.end - M);
        // SAFETY: the rows `q0 .. q0 + M` are rows of the phase; each tile reads the frames
        // its taps reach, from the input where they all lie inside it and from the
        // zero-padded copy otherwise.
        unsafe {
            let inside = taps.count == 0 || (q0 >= hi && q0 + M <= p.len_in + lo);
            let frames = M + hi - lo;
            let done = if inside {
                tile::<V, M, NV, PARTIAL, A>(b, q0, all.clone(), direct, false)
            } else if frames * p.cin_g <= WINDOW {
                // Frames `q0 - hi .. q0 + M - lo`, zero outside the input.
                let first = q0 as isize - hi as isize;
                let w = window.ptr();
                let from = (direct.base, direct.frame, direct.channel);
                pad_frames::<V>(from, p.len_in, first, frames, p.cin_g, w);
                // Frame `i` of the copy is input frame `first + i`.
                let padded = Input {
                    base: (w as *const f32).wrapping_offset(-first * p.cin_g as isize),
                    frame: p.cin_g,
                    channel: 1,
                };
                tile::<V, M, NV, PARTIAL, A>(b, q0, all.clone(), padded, true)
            } else {
                false
            };
            if !done {
                // Exactly: each row with the taps that reach it, from the input itself.
                for q in q0..q0 + M {
                    let valid = taps.valid(q, p.len_in);
                    tile::<V, 1, NV, PARTIAL, A>(b, q, valid, direct, false);
                }
            }
        }
        if q0 + M >= rows.end {
            break;
        }
        q += M;
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

/// Rows `q .. q + M` and the block's channels, summing taps `taps` with inputs from `x`.
/// With `check`, a tile whose sums hold a NaN or an infinity stores nothing and returns
/// `false`; otherwise it stores and returns `true`.
///
/// # Safety
/// The CPU supports `V`'s instructions; the rows and channels are in bounds, and `x`
/// holds the frames `q + m - o_j` of every row `m` and tap `j`.
#[inline(always)]
unsafe fn tile<V: Simd, const M: usize, const NV: usize, const PARTIAL: bool, A: Activation>(
    b: &Rows<'_, A>,
    q: usize,
    taps: Range<usize>,
    x: Input,
    check: bool,
) -> bool {
    let p = b.pass;
    let lanes = V::LANES;
    // SAFETY: weights `(k, ci, co_g ..)` and bias `(co ..)` are read for `width`
    // channels; inputs for frames `q + m - o_j`, which `x` holds; outputs for frames
    // `(q + m) * S + r - P` of the phase's rows, inside `0..len_out`.
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
            // Row 0's frame: before the input in a tile that reads the zero-padded copy.
            let i0 = q as isize - (b.taps.first_offset + j * b.taps.offset_step.get()) as isize;
            let mut wp =
                p.w.add(packed_index(p.kernel, p.cin, p.cout_g, k, b.ci0, b.co_g));
            let mut xp = x.base.wrapping_offset(i0 * x.frame as isize);
            for _ in 0..p.cin_g {
                let mut w = [zero; NV];
                for (v, w) in w.iter_mut().enumerate() {
                    *w = load_block::<V, NV, PARTIAL>(wp, v, b.width);
                }
                for (m, acc) in acc.iter_mut().enumerate() {
                    let xb = V::splat(*xp.add(m * x.frame));
                    for (acc, &w) in acc.iter_mut().zip(&w) {
                        *acc = xb.mul_add(w, *acc);
                    }
                }
                // Wrapping: after the last channel these point past the buffers, unread.
                wp = wp.wrapping_add(b.panel);
                xp = xp.wrapping_add(x.channel);
            }
        }
        if check && !finite(&acc) {
            return false;
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
        true
    }
}

/// Whether every lane of `sums` is finite: `s * 0` is 0 for a finite `s` and NaN
/// otherwise, so a few registers of such products, added up, tell. (Four sums of them,
/// not one: a tile's check is then a few steps of FMA latency rather than one per
/// register.) Indexed by constants, not walked by an iterator of references: those kept
/// a tile's sums in memory, stored back at every step of its loop.
///
/// # Safety
/// The CPU supports `V`'s instructions.
#[inline(always)]
#[allow(clippy::needless_range_loop)] // Constant indices on purpose (above).
pub(super) unsafe fn finite<V: Simd, const NV: usize, const M: usize>(sums: &[[V; NV]; M]) -> bool {
    // SAFETY: the CPU has `V`'s instructions (this function's contract).
    unsafe {
        let zero = V::splat(0.0);
        let mut nan = [zero; 4];
        for m in 0..M {
            for v in 0..NV {
                let i = (m * NV + v) % 4;
                nan[i] = sums[m][v].mul_add(zero, nan[i]);
            }
        }
        let one = V::splat(1.0);
        let nan = nan[0]
            .mul_add(one, nan[1])
            .mul_add(one, nan[2].mul_add(one, nan[3]));
        let mut t = [0.0f32; 16];
        nan.store(t.as_mut_ptr());
        !t[..V::LANES].iter().any(|t| t.is_nan())
    }
}

/// Writes to `dst`, channels-last, `frames` frames of `c` channels from input frame
/// `first` on, zero for frames outside `0 .. len_in`: the zero-padded copy the tiles at a
/// phase's ends read. `from` is the input's channel 0 and its strides `(frame, channel)`.
///
/// # Safety
/// The CPU supports `V`'s instructions; `from` holds `len_in` frames of `c` channels and
/// `dst` is valid for `frames * c` floats.
#[inline(always)]
pub(super) unsafe fn pad_frames<V: Simd>(
    from: (*const f32, usize, usize),
    len_in: usize,
    first: isize,
    frames: usize,
    c: usize,
    dst: *mut f32,
) {
    let (x, frame, channel) = from;
    // SAFETY: frames read lie inside `0 .. len_in` and writes inside `frames * c` floats
    // (the contract).
    unsafe {
        for f in 0..frames {
            let i = first + f as isize;
            let dst = dst.add(f * c);
            // Plain loops and registers: the frames are short, too short for a call to pay.
            if i < 0 || i >= len_in as isize {
                for k in 0..c {
                    *dst.add(k) = 0.0;
                }
            } else if channel == 1 {
                copy::<V>(x.add(i as usize * frame), dst, c);
            } else {
                for k in 0..c {
                    *dst.add(k) = *x.add(i as usize * frame + k * channel);
                }
            }
        }
    }
}

/// `n` floats from `src` to `dst` in registers: the runs here are a few floats, too short
/// for a call to `memcpy` to pay.
///
/// # Safety
/// The CPU supports `V`'s instructions; `src` and `dst` are valid for `n` floats.
#[inline(always)]
pub(super) unsafe fn copy<V: Simd>(src: *const f32, dst: *mut f32, n: usize) {
    let mut i = 0;
    // SAFETY: every access is below `n` (the contract).
    unsafe {
        while i + V::LANES <= n {
            V::load(src.add(i)).store(dst.add(i));
            i += V::LANES;
        }
        if i < n {
            V::load_partial(src.add(i), n - i).store_partial(dst.add(i), n - i);
        }
    }
}
