//! Small dense layers whose phases and output channels fit one register (`S * COUT <=
//! LANES`, one group, `D = 1`, `S` dividing `K`, channels-last output): every phase in
//! one tile. With `D = 1` and `S | K` each phase has the input delays `0 .. K/S`, so one
//! broadcast input sample feeds the taps of all `S` phases at once, and lane
//! `r * COUT + co` of a row's register is output frame `q*S + r`, channel `co`: the `S`
//! frames of a row are one contiguous store. The weights are laid out per call (a few
//! hundred floats) as one register per delay and input channel.
//!
//! The tiles at either end read a zero-padded copy of their frames; a NaN sum there (a
//! weight or input that is not finite) hands the whole layer to the phase-by-phase tiles,
//! which form only real products.

use crate::activation::Activation;
use crate::kernels::epilogue::Epilogue;
use crate::kernels::plan::{Args, Strides};
use crate::kernels::simd::{Scratch, Simd};
use crate::kernels::tile::{finite, pad_frames};

/// Floats of the weight table: delays x input channels x lanes.
const TABLE: usize = 4096;
/// Floats of the zero-padded input copy for the tiles at the ends.
const WINDOW: usize = 2048;

/// What every tile shares.
struct Layer<'a, V, A> {
    x: *const f32,
    xs: Strides,
    y: *mut f32,
    /// The table: register `j * cin + ci` holds the weights of delay `j` and input
    /// channel `ci`.
    w: *const f32,
    bias: V,
    len_in: usize,
    len_out: usize,
    cin: usize,
    cout: usize,
    stride: usize,
    pad: usize,
    /// Delays per phase, `K / S`.
    delays: usize,
    act: &'a A,
}

/// Runs the layer if it is one this body takes, and returns whether it did (the outputs
/// are then all written; otherwise some may be, and the caller writes all of them).
///
/// # Safety
/// The CPU supports `V`'s instructions.
#[inline(always)]
pub(crate) unsafe fn forward<V: Simd, const MR: usize, A: Activation>(
    a: &mut Args<'_, f32, A>,
) -> bool {
    let g = a.g;
    let (s, cin, cout, k) = (g.stride, g.in_channels, g.out_channels, g.kernel);
    if g.groups != 1 || g.dilation != 1 || s == 0 || k % s != 0 || s * cout > V::LANES {
        return false;
    }
    if a.ys != Strides::nlc(cout) || a.len_out == 0 {
        return false;
    }
    let delays = k / s;
    if delays * cin * V::LANES > TABLE || (MR + delays) * cin > WINDOW {
        return false;
    }
    let mut table = Scratch::<TABLE>::new();
    let mut window = Scratch::<WINDOW>::new();
    let mut bias = [0.0f32; 16];
    if let Some(b) = a.bias {
        for lanes in bias.chunks_exact_mut(cout).take(s) {
            lanes.copy_from_slice(b);
        }
    }
    // SAFETY: the table holds `delays * cin` registers (checked above); packed weights
    // with `COUT <= LANES <= 32` are `(K, CIN, COUT)`, read at `(j*S + r, ci, co)`.
    unsafe {
        for j in 0..delays {
            for ci in 0..cin {
                // Built in a register (a masked load per phase on AVX-512): small stores
                // to memory read back whole stalled the store forwarding.
                let mut reg = V::splat(0.0);
                for r in 0..s {
                    let at = ((j * s + r) * cin + ci) * cout;
                    reg = reg.insert(a.weight[at..at + cout].as_ptr(), r * cout, cout);
                }
                reg.store(table.ptr().add((j * cin + ci) * V::LANES));
            }
        }
    }
    let layer = Layer {
        x: a.x.as_ptr(),
        xs: a.xs,
        y: a.y.as_mut_ptr(),
        w: table.ptr(),
        // SAFETY: the CPU has `V`'s instructions (this function's contract).
        bias: unsafe { V::load(bias.as_ptr()) },
        len_in: g.len_in,
        len_out: a.len_out,
        cin,
        cout,
        stride: s,
        pad: g.padding,
        delays,
        act: &a.act,
    };
    // Rows `q` whose frames `q*S - P .. q*S - P + S` meet the output.
    let rows = g.padding / s..(g.padding + a.len_out).div_ceil(s);
    let n = rows.len();
    let cost = |h: usize| n.div_ceil(h) * h;
    // SAFETY: as `span`'s, which this function's contract is.
    unsafe {
        if n >= MR && cost(MR) <= cost(11) {
            layer.span::<MR>(rows, &mut window)
        } else if n >= 11 {
            layer.span::<11>(rows, &mut window)
        } else if n >= 4 {
            layer.span::<4>(rows, &mut window)
        } else {
            layer.span::<1>(rows, &mut window)
        }
    }
}

impl<V: Simd, A: Activation> Layer<'_, V, A> {
    /// Rows `rows` (at least `M`) in tiles of `M`, the last moved back to end on the last
    /// row; `false` if a tile at an end saw a NaN sum.
    ///
    /// # Safety
    /// The CPU supports `V`'s instructions.
    // Inlined in optimised builds only: unoptimised ones would give the entry point
    // one frame holding every instance's buffers (megabytes, past a thread's stack).
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    unsafe fn span<const M: usize>(
        &self,
        rows: core::ops::Range<usize>,
        window: &mut Scratch<WINDOW>,
    ) -> bool {
        let back = self.delays - 1;
        let mut q = rows.start;
        loop {
            let q0 = q.min(rows.end - M);
            // SAFETY: the tile reads frames `q0 - back .. q0 + M`, from the input where
            // they lie inside it and from the zero-padded copy otherwise (which holds
            // `(M + back) * CIN <= WINDOW` floats, checked by `forward`).
            unsafe {
                if q0 >= back && q0 + M <= self.len_in {
                    let x = self.x.add(self.xs.at(q0, 0));
                    self.tile::<M>(q0, x, self.xs, false);
                } else {
                    let first = q0 as isize - back as isize;
                    let w = window.ptr();
                    let from = (self.x, self.xs.frame, self.xs.channel);
                    pad_frames::<V>(from, self.len_in, first, M + back, self.cin, w);
                    let x = w.add(back * self.cin);
                    if !self.tile::<M>(q0, x, Strides::nlc(self.cin), true) {
                        return false;
                    }
                }
            }
            if q0 + M >= rows.end {
                return true;
            }
            q += M;
        }
    }

    /// Rows `q .. q + M`, frame `q` of the input at `x` (with `xs`, frames back to
    /// `q - (K/S - 1)` readable). With `check`, stores nothing and returns `false` if a
    /// sum is NaN or infinite.
    ///
    /// # Safety
    /// The CPU supports `V`'s instructions; `x` holds the frames said.
    // Inlined in optimised builds only: unoptimised ones would give the entry point
    // one frame holding every instance's buffers (megabytes, past a thread's stack).
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    unsafe fn tile<const M: usize>(
        &self,
        q: usize,
        x: *const f32,
        xs: Strides,
        check: bool,
    ) -> bool {
        let lanes = self.stride * self.cout;
        // SAFETY: the table holds `delays * cin` registers; `x` the frames said; the
        // outputs stored are the frames of rows `q ..` inside `0 .. len_out`.
        unsafe {
            let acc = match self.delays {
                1 => self.sums::<M, 1>(x, xs),
                2 => self.sums::<M, 2>(x, xs),
                3 => self.sums::<M, 3>(x, xs),
                4 => self.sums::<M, 4>(x, xs),
                _ => self.sums_any::<M>(x, xs),
            };
            if check && !finite(&[acc]) {
                return false;
            }
            for (m, &acc) in acc.iter().enumerate() {
                let acc = if A::IDENTITY {
                    acc
                } else {
                    self.act.apply_simd(acc)
                };
                // Frames `f .. f + S` of the output, `COUT` floats each.
                let f = ((q + m) * self.stride) as isize - self.pad as isize;
                if f >= 0 && f as usize + self.stride <= self.len_out {
                    let yp = self.y.add(f as usize * self.cout);
                    if lanes == V::LANES {
                        acc.store(yp);
                    } else {
                        acc.store_partial(yp, lanes);
                    }
                } else {
                    let mut t = [0.0f32; 16];
                    acc.store(t.as_mut_ptr());
                    for r in 0..self.stride {
                        let n = f + r as isize;
                        if n >= 0 && (n as usize) < self.len_out {
                            core::ptr::copy_nonoverlapping(
                                t.as_ptr().add(r * self.cout),
                                self.y.add(n as usize * self.cout),
                                self.cout,
                            );
                        }
                    }
                }
            }
            true
        }
    }

    /// The sums of rows `q .. q + M` with `D = K/S` delays: each input sample, broadcast
    /// once, feeds the `D` rows that read it (row `m` reads frame `q + m - j` at delay
    /// `j`), so a tile loads `M + D - 1` samples per input channel rather than `M * D`.
    ///
    /// # Safety
    /// As [`Layer::tile`]'s.
    #[inline(always)]
    unsafe fn sums<const M: usize, const D: usize>(&self, x: *const f32, xs: Strides) -> [V; M] {
        // SAFETY: the table holds `D * cin` registers; `x` frames `q - (D - 1) .. q + M`
        // (`tile`'s contract).
        unsafe {
            let mut acc = [self.bias; M];
            let x0 = x.wrapping_sub((D - 1) * xs.frame);
            for ci in 0..self.cin {
                let mut w = [self.bias; D];
                for (j, w) in w.iter_mut().enumerate() {
                    *w = V::load(self.w.add((j * self.cin + ci) * V::LANES));
                }
                let xc = x0.wrapping_add(ci * xs.channel);
                // Frame `q - (D - 1) + t`: row `t + j - (D - 1)` at delay `j`.
                for t in 0..M + D - 1 {
                    let b = V::splat(*xc.add(t * xs.frame));
                    for (j, &w) in w.iter().enumerate() {
                        if t + j >= D - 1 && t + j - (D - 1) < M {
                            let acc = &mut acc[t + j - (D - 1)];
                            *acc = b.mul_add(w, *acc);
                        }
                    }
                }
            }
            acc
        }
    }

    /// [`Layer::sums`] for any number of delays: a broadcast per product.
    ///
    /// # Safety
    /// As [`Layer::tile`]'s.
    #[inline(always)]
    unsafe fn sums_any<const M: usize>(&self, x: *const f32, xs: Strides) -> [V; M] {
        // SAFETY: as `sums`'s.
        unsafe {
            let mut acc = [self.bias; M];
            for j in 0..self.delays {
                let xj = x.wrapping_sub(j * xs.frame);
                let wj = self.w.add(j * self.cin * V::LANES);
                for ci in 0..self.cin {
                    let w = V::load(wj.add(ci * V::LANES));
                    let xc = xj.wrapping_add(ci * xs.channel);
                    for (m, acc) in acc.iter_mut().enumerate() {
                        *acc = V::splat(*xc.add(m * xs.frame)).mul_add(w, *acc);
                    }
                }
            }
            acc
        }
    }
}
