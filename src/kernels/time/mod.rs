//! Mono and depthwise layers (one input and one output channel per group): registers run
//! along output time within a phase, and the phases are interleaved on the way out.
//!
//! Output row `q` of phase `r` (frame `q*S + r` of the full result) sums
//! `x[q - o] * w(r, o)` over the input delays `o` that reach phase `r`. With `D = 1` every
//! phase has the delays `0, 1, .., ceil(K/S) - 1`, so the kernel walks the delays once and
//! each input register it loads feeds all `S` phases. For a block of rows it keeps
//! `S x B` accumulators, then shuffles the `S` phase registers into time order and
//! stores them: output is written once, contiguously, with no zero ever multiplied.
//!
//! Channels-last depthwise input (`C` = 2 or 4 channels, stereo or quad) is one stream
//! of frames of `C` lanes: a register holds `LANES / C` frames of every channel, the
//! per-channel weights form the same lane pattern, and phases interleave by frames.

use crate::activation::Activation;
use crate::geometry::Geometry;
use crate::kernels::epilogue::Epilogue;
use crate::kernels::plan::{Args, Strides};
use crate::kernels::simd::{Part, Scratch, Simd};

mod delays;
mod shifted;

pub(crate) use delays::Delays;
use delays::MAX_PHASES;

/// Floats of the dilated taps of a layer with `D > 1` (16 KiB).
const TABLE: usize = 4096;
/// Floats of the zero-padded input window the blocks at either end read.
const WINDOW: usize = 2048;
/// Floats of output a block at either end writes before it is cropped.
const SPILL: usize = 16 * 16;

/// Runs the layer if it is one this kernel takes (one channel per group in and out,
/// `S <= 8`, a channel count a register divides in `NLC`, finite weights, delays that
/// fit its tables) and returns whether it did.
///
/// # Safety
/// The CPU supports `V`'s instructions.
#[inline(always)]
pub(crate) unsafe fn forward<V: Simd, A: Activation>(a: &mut Args<'_, f32, A>) -> bool {
    let g = a.g;
    let s = g.stride;
    if g.in_per_group() != 1 || g.out_per_group() != 1 || s > MAX_PHASES {
        return false;
    }
    let channels = g.in_channels;
    // Channels-first: one stream per channel. Channels-last: one stream of all of them.
    let nlc = a.xs == Strides::nlc(channels) && a.ys == Strides::nlc(channels);
    let ncl = a.xs == Strides::ncl(g.len_in) && a.ys == Strides::ncl(a.len_out);
    let c = if channels == 1 || ncl {
        1
    } else if nlc && channels.is_power_of_two() && channels <= V::LANES {
        channels
    } else {
        return false;
    };
    // The blocks at the ends multiply weights by zeros standing for frames outside the
    // input: exact for finite weights only. (The tiled kernel forms only real products.)
    // (A fold rather than `all`: without the early exit it is vectorised.)
    if !a.weight.iter().fold(true, |ok, w| ok & w.is_finite()) {
        return false;
    }
    let plan = a.delays;
    if !plan.fits {
        return false;
    }
    if a.len_out == 0 {
        return true;
    }
    // Shifted windows where every delay up to the last reaches every phase, for the lane
    // counts `shifted::sums` is instantiated for.
    let contiguous = plan.full == plan.count && plan.count == plan.hi + 1;
    let mut windows = V::SHIFTS && contiguous && matches!(c, 1 | 2 | 4);
    let mut reach = if windows {
        shifted::reach(plan.hi, c, V::LANES)
    } else {
        plan.hi
    };
    if windows && (reach + 8) * c + 8 * V::LANES > WINDOW {
        (windows, reach) = (false, plan.hi);
    }
    // The weights are read where they are, as slot `o * S + r` for delay `o` and phase
    // `r`: with `D = 1` that is tap `o * S + r`, in the packed `(K, CIN, 1)` weights. With
    // `D > 1` tap `k` is slot `k * D` of a dilated copy, whose other slots no phase reads.
    let d = g.dilation;
    let slots = (g.kernel - 1) * d + 1;
    if (d > 1 && slots * c > TABLE) || (reach + 8) * c + 8 * V::LANES > WINDOW {
        return false;
    }
    let mut table = Scratch::<TABLE>::new();
    for ch in 0..channels / c {
        let x = a.x[ch * g.len_in..].as_ptr();
        let y = a.y[ch * a.len_out..].as_mut_ptr();
        let mut bias = [0.0f32; 16];
        for (lane, b) in bias.iter_mut().enumerate().take(V::LANES) {
            *b = a.bias.map_or(0.0, |bias| bias[ch + (lane & (c - 1))]);
        }
        let (w, slot) = if d == 1 {
            (a.weight[ch..].as_ptr(), channels)
        } else {
            let t = table.ptr();
            for k in 0..g.kernel {
                let taps = &a.weight[k * channels + ch..][..c];
                // SAFETY: slot `k * d < slots` of `c` floats is inside the table (checked
                // above).
                unsafe { core::ptr::copy_nonoverlapping(taps.as_ptr(), t.add(k * d * c), c) };
            }
            (t.cast_const(), c)
        };
        // SAFETY: `w` holds the slots every phase reads (with `D = 1`, tap `o * S + r` of
        // a phase that reaches delay `o` is below `K`). `Args::new` checked the lengths: a
        // stream is `L` frames of `c` lanes at `x` and `len_out` frames at `y` (channel
        // `ch` of `NCL`, or all of `NLC`).
        unsafe {
            let k = Stream {
                g,
                plan,
                w,
                slot,
                bias: V::load(bias.as_ptr()),
                c,
                reach,
                windows,
                x,
                y,
                len_out: a.len_out,
                act: a.act,
            };
            // The block sizes this body is instantiated for; the ISA picks among them.
            // Each is a function of its own (`Simd::call`).
            match (s, V::TIME_BLOCKS[s - 1]) {
                (1, 8) => Run::<V, A, 1, 8>::call(&k),
                (2, 4) => Run::<V, A, 2, 4>::call(&k),
                (2, 8) => Run::<V, A, 2, 8>::call(&k),
                (3, 3) => Run::<V, A, 3, 3>::call(&k),
                (3, 5) => Run::<V, A, 3, 5>::call(&k),
                (4, 2) => Run::<V, A, 4, 2>::call(&k),
                (4, 4) => Run::<V, A, 4, 4>::call(&k),
                (1, _) => Run::<V, A, 1, 1>::call(&k),
                (2, _) => Run::<V, A, 2, 1>::call(&k),
                (3, _) => Run::<V, A, 3, 1>::call(&k),
                (4, _) => Run::<V, A, 4, 1>::call(&k),
                (5, _) => Run::<V, A, 5, 1>::call(&k),
                (6, _) => Run::<V, A, 6, 1>::call(&k),
                (7, _) => Run::<V, A, 7, 1>::call(&k),
                _ => Run::<V, A, 8, 1>::call(&k),
            }
        }
    }
    true
}

/// One stream: `L` frames of `c` lanes at `x`, `len_out` frames at `y`, each output
/// through `act`.
struct Stream<'a, V, A> {
    g: &'a Geometry,
    plan: &'a Delays,
    /// Slot `o * S + r` of the weights (delay `o`, phase `r`) is the `c` floats at
    /// `w + (o * S + r) * slot`.
    w: *const f32,
    slot: usize,
    bias: V,
    c: usize,
    /// Frames before a block's first that its sums read: the last delay, or more with
    /// `windows`.
    reach: usize,
    /// The sums from shifted windows (`shifted::sums`).
    windows: bool,
    x: *const f32,
    y: *mut f32,
    len_out: usize,
    act: A,
}

impl<V: Simd, A: Activation> Stream<'_, V, A> {
    /// Every row, in blocks of `B` registers per phase, the last moved back to end on the
    /// last row where half a block or more is left (single registers otherwise). A block
    /// whose inputs run past either end of `x` reads a zero-padded copy of them, and one
    /// whose outputs run past the crop writes to scratch and keeps what is inside.
    ///
    /// # Safety
    /// The CPU supports `V`'s instructions; the stream's pointers hold what it says.
    #[inline(always)]
    unsafe fn run<const S: usize, const B: usize>(&self) {
        let rows = V::LANES / self.c; // frames per register
                                      // The rows any phase keeps (`phase_rows` of them all): from the one holding output
                                      // frame `P` to the one holding `P + len_out - 1` (`len_out >= 1`; a division by the
                                      // constant `S`, which the optimiser makes a multiplication).
        let pad = self.g.padding;
        let mut q = pad / S;
        let end = (pad + self.len_out - 1) / S + 1;
        // SAFETY: the CPU has `V`'s instructions and the stream's pointers hold what it says
        // (this function's contract), which `block` needs.
        unsafe {
            let first = q;
            while q + B * rows <= end {
                self.block::<S, B>(q);
                q += B * rows;
            }
            if q < end && end - first >= B * rows && 2 * (end - q) >= B * rows {
                // Half a block or more left: the last block moved back to end on the last
                // row. It repeats rows (and writes the same values again) rather than
                // running single registers, whose few sums wait on each other.
                self.block::<S, B>(end - B * rows);
            } else {
                while q < end {
                    self.block::<S, 1>(q);
                    q += rows;
                }
            }
        }
    }

    /// Rows `q .. q + B * LANES / c` of every phase.
    ///
    /// # Safety
    /// The CPU supports `V`'s instructions; the stream's pointers hold what it says.
    #[inline(always)]
    unsafe fn block<const S: usize, const B: usize>(&self, q: usize) {
        let (c, pad, hi) = (self.c, self.g.padding, self.reach);
        let frames = B * V::LANES / c;
        let len_in = self.g.len_in;
        let mut window = Scratch::<WINDOW>::new();
        let mut spill = Scratch::<SPILL>::new();
        // SAFETY: inside, `x` holds frames `q - hi .. q + frames` and `y` the block's
        // `S * frames` output frames; otherwise the scratch holds them (`forward` checked
        // that the window fits, and `S * B <= 16` registers fit the spill).
        unsafe {
            let xq = if q >= hi && q + frames <= len_in {
                self.x.add(q * c)
            } else {
                // Frames q - hi .. q + frames, zero outside 0..L.
                let w = window.ptr();
                let first = q as isize - hi as isize;
                let n = hi + frames;
                let lo = (-first).clamp(0, n as isize) as usize;
                let top = (len_in as isize - first).clamp(lo as isize, n as isize) as usize;
                core::ptr::write_bytes(w, 0, lo * c);
                core::ptr::copy_nonoverlapping(
                    self.x.offset((first + lo as isize) * c as isize),
                    w.add(lo * c),
                    (top - lo) * c,
                );
                core::ptr::write_bytes(w.add(top * c), 0, (n - top) * c);
                w.add(hi * c)
            };
            let inside = q * S >= pad && (q + frames) * S <= pad + self.len_out;
            let out = if inside {
                self.y.add((q * S - pad) * c)
            } else {
                spill.ptr()
            };
            self.sum::<S, B>(xq, out);
            if !inside {
                // Output floats of the block: from frame q*S - pad, S * frames of them.
                let start = (q * S) as isize * c as isize - (pad * c) as isize;
                let lo = start.max(0);
                let top = (start + (S * frames * c) as isize).min((self.len_out * c) as isize);
                if lo < top {
                    core::ptr::copy_nonoverlapping(
                        out.offset(lo - start),
                        self.y.offset(lo),
                        (top - lo) as usize,
                    );
                }
            }
        }
    }

    /// The block's sums: inputs from `xq` (frame `q`; frames back to `q - reach` readable),
    /// `S * B * LANES` outputs in time order to `out`.
    ///
    /// # Safety
    /// The CPU supports `V`'s instructions, and the bounds hold.
    #[inline(always)]
    unsafe fn sum<const S: usize, const B: usize>(&self, xq: *const f32, out: *mut f32) {
        let (p, c) = (self.plan, self.c);
        // SAFETY: `w` holds the slots the phases read (`forward`); the CPU has `V`'s
        // instructions and `xq`, `out` hold what this function's contract says.
        unsafe {
            let mut acc = [[self.bias; B]; S];
            let (w, slot) = (self.w, self.slot);
            // `V::SHIFTS` first: a constant, so that ISAs without shifts compile no
            // instance of `shifted::sums`, and no lane count above `LANES` either.
            if V::SHIFTS && self.windows {
                match c {
                    1 => shifted::sums::<V, S, B, 1>(&mut acc, xq, w, slot, p.count),
                    2 => shifted::sums::<V, S, B, 2>(&mut acc, xq, w, slot, p.count),
                    _ => shifted::sums::<V, S, B, 4>(&mut acc, xq, w, slot, p.count),
                }
            } else {
                match c {
                    1 => self.delays::<S, B, 1>(&mut acc, xq),
                    2 => self.delays::<S, B, 2>(&mut acc, xq),
                    8 if V::LANES >= 8 => self.delays::<S, B, 8>(&mut acc, xq),
                    16 if V::LANES >= 16 => self.delays::<S, B, 16>(&mut acc, xq),
                    _ => self.delays::<S, B, 4>(&mut acc, xq), // `c <= LANES`: 4
                }
            }
            for b in 0..B {
                let mut v = [self.bias; S];
                for (v, acc) in v.iter_mut().zip(&acc) {
                    *v = if A::IDENTITY {
                        acc[b]
                    } else {
                        self.act.apply_simd(acc[b])
                    };
                }
                interleave::<V, S>(&mut v, c, out.add(b * S * V::LANES));
            }
        }
    }
}

/// A stream's [`Stream::run`] at stride `S` in blocks of `B`: a [`Part`], so that each
/// instance compiles as a function of its own.
struct Run<'s, 'a, V, A, const S: usize, const B: usize>(&'s Stream<'a, V, A>);

impl<V: Simd, A: Activation, const S: usize, const B: usize> Run<'_, '_, V, A, S, B> {
    /// Runs `k` in its own function.
    ///
    /// # Safety
    /// As [`Stream::run`].
    #[inline(always)]
    unsafe fn call(k: &Stream<'_, V, A>) {
        // SAFETY: `Stream::run`'s contract, which this function's is.
        unsafe { V::call(&Run::<V, A, S, B>(k)) }
    }
}

impl<V: Simd, A: Activation, const S: usize, const B: usize> Part for Run<'_, '_, V, A, S, B> {
    #[inline(always)]
    unsafe fn run(&self) {
        // SAFETY: `Part::run`'s contract is `Stream::run`'s.
        unsafe { self.0.run::<S, B>() }
    }
}

impl<V: Simd, A: Activation> Stream<'_, V, A> {
    /// Adds every delay's products to the block's sums, `C = c` lanes per frame.
    ///
    /// # Safety
    /// As [`Stream::sum`].
    #[inline(always)]
    unsafe fn delays<const S: usize, const B: usize, const C: usize>(
        &self,
        acc: &mut [[V; B]; S],
        xq: *const f32,
    ) {
        let p = self.plan;
        // Slices checked once here, and a local copy of the sums: a bounds check (a panic)
        // inside the loop would make the optimiser store the sums to `acc` every step.
        let (delay, phases) = (&p.delay[..p.count], &p.phases[..p.count]);
        let mut sums = *acc;
        // SAFETY: as `sum`'s (this function's contract is `sum`'s).
        unsafe {
            for &o in &delay[..p.full] {
                self.delay::<S, B, C, true>(&mut sums, xq, o, 0);
            }
            for (&o, &ph) in delay[p.full..].iter().zip(&phases[p.full..]) {
                self.delay::<S, B, C, false>(&mut sums, xq, o, ph);
            }
        }
        *acc = sums;
    }

    /// Adds the products of delay `o` to the block's sums: of every phase (`ALL`) or of
    /// those whose bit is set in `phases`.
    ///
    /// # Safety
    /// As [`Stream::sum`].
    #[inline(always)]
    unsafe fn delay<const S: usize, const B: usize, const C: usize, const ALL: bool>(
        &self,
        acc: &mut [[V; B]; S],
        xq: *const f32,
        o: u8,
        phases: u8,
    ) {
        let o = usize::from(o);
        // SAFETY: the CPU has `V`'s instructions, and `xq` and the weights hold what `sum`
        // says (`delay`'s contract is `sum`'s): slot `o * S + r` for each phase `r` the
        // delay reaches.
        unsafe {
            let xp = xq.sub(o * C);
            let mut xv = [self.bias; B];
            for (b, v) in xv.iter_mut().enumerate() {
                *v = V::load(xp.add(b * V::LANES));
            }
            let wp = self.w.add(o * S * self.slot);
            for (r, acc) in acc.iter_mut().enumerate() {
                if ALL || phases & (1 << r) != 0 {
                    let w = V::repeat::<C>(wp.add(r * self.slot));
                    for (acc, &xv) in acc.iter_mut().zip(&xv) {
                        *acc = xv.mul_add(w, *acc);
                    }
                }
            }
        }
    }
}

/// Stores phase registers in time order: lane `l` of `v[r]` (frame `l / c`, channel
/// `l % c`) goes to float `((l / c) * S + r) * c + l % c` of `out`.
///
/// # Safety
/// The CPU supports `V`'s instructions; `out` is valid for `S * LANES` writes.
#[inline(always)]
unsafe fn interleave<V: Simd, const S: usize>(v: &mut [V; S], c: usize, out: *mut f32) {
    // SAFETY: the CPU has `V`'s instructions and `out` is valid for `S * LANES` writes
    // (this function's contract); `tmp` holds `S * LANES <= 128` floats.
    unsafe {
        let shuffled = if S.is_power_of_two() {
            // A perfect shuffle per round: zipping `v[i]` with `v[i + S/2]` rotates the
            // bits of each lane's position (phase, frame) by one, so log2(S) rounds put
            // the phase bits lowest, which is time order.
            match c {
                1 => shuffle::<V, S, 1>(v),
                2 => shuffle::<V, S, 2>(v),
                4 => shuffle::<V, S, 4>(v),
                8 => shuffle::<V, S, 8>(v),
                _ => shuffle::<V, S, 16>(v),
            }
            true
        } else {
            match c {
                1 => V::interleave::<S, 1>(v),
                2 => V::interleave::<S, 2>(v),
                4 => V::interleave::<S, 4>(v),
                8 => V::interleave::<S, 8>(v),
                _ => V::interleave::<S, 16>(v),
            }
        };
        if shuffled {
            for (m, v) in v.iter().enumerate() {
                v.store(out.add(m * V::LANES));
            }
        } else {
            let mut tmp = [0.0f32; MAX_PHASES * 16];
            for (r, v) in v.iter().enumerate() {
                v.store(tmp.as_mut_ptr().add(r * V::LANES));
            }
            if c == 1 {
                for f in 0..V::LANES {
                    for r in 0..S {
                        *out.add(f * S + r) = tmp[r * V::LANES + f];
                    }
                }
            } else {
                for f in 0..V::LANES / c {
                    for r in 0..S {
                        core::ptr::copy_nonoverlapping(
                            tmp.as_ptr().add(r * V::LANES + f * c),
                            out.add((f * S + r) * c),
                            c,
                        );
                    }
                }
            }
        }
    }
}

/// `log2(S)` rounds of zipping chunks of `G` lanes.
///
/// # Safety
/// The CPU supports `V`'s instructions.
#[inline(always)]
unsafe fn shuffle<V: Simd, const S: usize, const G: usize>(v: &mut [V; S]) {
    for _ in 0..S.trailing_zeros() {
        let old = *v;
        for i in 0..S / 2 {
            // SAFETY: the CPU has `V`'s instructions (this function's contract).
            let (lo, hi) = unsafe { old[i].zip::<G>(old[i + S / 2]) };
            v[2 * i] = lo;
            v[2 * i + 1] = hi;
        }
    }
}
