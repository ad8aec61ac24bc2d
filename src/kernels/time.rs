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

use super::{phase_rows, Args, PhaseTaps, Simd, Strides};

/// Phases one block can hold in registers (`S <= 8`).
const MAX_PHASES: usize = 8;
/// Distinct input delays the weight table can hold.
const MAX_DELAYS: usize = 128;
/// Floats of weight table: delays x phases x lanes.
const TABLE: usize = 4096;

/// The delays of the layer, which phases each reaches, and the weights laid out as
/// registers: `w[(e * S + r) * LANES + lane]` is the weight of delay `e`, phase `r` for
/// the channel of `lane`.
#[repr(C, align(64))]
struct Table {
    w: [f32; TABLE],
    bias: [f32; 16],
    delay: [usize; MAX_DELAYS],
    /// Bit `r` set: phase `r` has a tap at this delay.
    phases: [u8; MAX_DELAYS],
    delays: usize,
    /// Smallest and largest delay.
    lo: usize,
    hi: usize,
}

impl Table {
    /// The delays for stride `s`, or `None` when they do not fit (`None` sends the layer
    /// to the tiled kernel).
    fn plan(a: &Args<'_, f32>, s: usize, lanes: usize) -> Option<Table> {
        let g = a.g;
        let mut t = Table {
            w: [0.0; TABLE],
            bias: [0.0; 16],
            delay: [0; MAX_DELAYS],
            phases: [0; MAX_DELAYS],
            delays: 0,
            lo: 0,
            hi: 0,
        };
        let taps: [PhaseTaps; MAX_PHASES] = core::array::from_fn(|r| PhaseTaps::new(g, r % s));
        // Tap 0 is in phase 0 with delay 0, so the delays start at 0.
        for tp in taps.iter().take(s).filter(|tp| tp.count > 0) {
            t.hi = t.hi.max(tp.first_offset + (tp.count - 1) * tp.offset_step);
        }
        for o in t.lo..=t.hi {
            let mut phases = 0u8;
            for (r, tp) in taps.iter().enumerate().take(s) {
                if tp.count > 0
                    && o >= tp.first_offset
                    && (o - tp.first_offset) % tp.offset_step == 0
                    && (o - tp.first_offset) / tp.offset_step < tp.count
                {
                    phases |= 1 << r;
                }
            }
            if phases != 0 {
                if t.delays == MAX_DELAYS || (t.delays + 1) * s * lanes > TABLE {
                    return None;
                }
                t.delay[t.delays] = o;
                t.phases[t.delays] = phases;
                t.delays += 1;
            }
        }
        Some(t)
    }

    /// Lays out the weights and bias of channels `ch0 + lane % c`.
    fn fill(&mut self, a: &Args<'_, f32>, s: usize, lanes: usize, ch0: usize, c: usize) {
        let g = a.g;
        for e in 0..self.delays {
            let o = self.delay[e];
            for r in 0..s {
                let row = &mut self.w[(e * s + r) * lanes..][..lanes];
                if self.phases[e] & (1 << r) == 0 {
                    row.fill(0.0);
                    continue;
                }
                let tp = PhaseTaps::new(g, r);
                let k = tp.tap((o - tp.first_offset) / tp.offset_step);
                for (lane, w) in row.iter_mut().enumerate() {
                    // Packed (K, CIN, 1): one weight per tap and channel.
                    *w = a.weight[k * g.in_channels + ch0 + lane % c];
                }
            }
        }
        for (lane, b) in self.bias[..lanes].iter_mut().enumerate() {
            *b = a.bias.map_or(0.0, |bias| bias[ch0 + lane % c]);
        }
    }
}

/// Runs the layer if it is one this kernel takes (one channel per group in and out,
/// `S <= 8`, a channel count a register divides in `NLC`, finite weights) and returns
/// whether it did.
///
/// # Safety
/// The CPU supports `V`'s instructions.
#[inline(always)]
pub(super) unsafe fn forward<V: Simd>(a: &mut Args<'_, f32>) -> bool {
    let g = a.g;
    if g.in_per_group() != 1 || g.out_per_group() != 1 || g.stride > MAX_PHASES {
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
    // Rows at the ends multiply weights by zeros standing for frames outside the input:
    // exact for finite weights only. (The tiled kernel forms only real products.)
    if !a.weight.iter().all(|w| w.is_finite()) {
        return false;
    }
    let Some(mut table) = Table::plan(a, g.stride, V::LANES) else {
        return false;
    };
    for ch in 0..channels / c {
        table.fill(a, g.stride, V::LANES, ch, c);
        let x = a.x[ch * g.len_in..].as_ptr();
        let y = a.y[ch * a.len_out..].as_mut_ptr();
        // SAFETY: `Args::new` checked the lengths: a stream is `L` frames of `c` lanes
        // at `x` and `len_out` frames at `y` (channel `ch` of `NCL`, or all of `NLC`).
        unsafe {
            match g.stride {
                1 => stream::<V, 1, 8>(a, &table, c, x, y),
                2 => stream::<V, 2, 4>(a, &table, c, x, y),
                3 => stream::<V, 3, 3>(a, &table, c, x, y),
                4 => stream::<V, 4, 2>(a, &table, c, x, y),
                5 => stream::<V, 5, 1>(a, &table, c, x, y),
                6 => stream::<V, 6, 1>(a, &table, c, x, y),
                7 => stream::<V, 7, 1>(a, &table, c, x, y),
                _ => stream::<V, 8, 1>(a, &table, c, x, y),
            }
        }
    }
    true
}

/// One stream: `L` frames of `c` lanes at `x`, `len_out` frames at `y`.
///
/// Blocks of `B` registers per phase run where every load and store is in bounds; the
/// rows near either end go one register at a time, with zeros loaded for the frames
/// outside the input (the weights are finite, so those products are zero) and only the
/// outputs inside the crop stored.
///
/// # Safety
/// The CPU supports `V`'s instructions; `x` holds `L * c` and `y` `len_out * c` floats.
#[inline(always)]
unsafe fn stream<V: Simd, const S: usize, const B: usize>(
    a: &Args<'_, f32>,
    t: &Table,
    c: usize,
    x: *const f32,
    y: *mut f32,
) {
    let g = a.g;
    let (len_in, len_out, pad) = (g.len_in, a.len_out, g.padding);
    let rows = V::LANES / c; // frames per register
    let block = B * rows;
    let (mut q, mut end) = (usize::MAX, 0);
    for r in 0..S {
        let p = phase_rows(g, len_out, r);
        if !p.is_empty() {
            q = q.min(p.start);
            end = end.max(p.end);
        }
    }
    while q < end {
        let inside = q >= t.hi
            && q + block <= len_in + t.lo
            && q * S >= pad
            && (q + block) * S <= pad + len_out;
        // SAFETY: `inside` is exactly the condition `block` needs; `edge` checks its own
        // bounds.
        unsafe {
            if inside {
                run_block::<V, S, B>(t, c, x, y.add((q * S - pad) * c), q);
                q += block;
            } else {
                edge::<V, S>(t, c, x, len_in, y, len_out, pad, q);
                q += rows;
            }
        }
    }
}

/// Rows `q .. q + B * LANES / c` of every phase, all of whose inputs are in `x` and all
/// of whose outputs, `S * B * LANES` floats, go to `out`.
///
/// # Safety
/// The CPU supports `V`'s instructions, and the bounds hold.
#[inline(always)]
unsafe fn run_block<V: Simd, const S: usize, const B: usize>(
    t: &Table,
    c: usize,
    x: *const f32,
    out: *mut f32,
    q: usize,
) {
    let full = ((1u16 << S) - 1) as u8;
    // SAFETY: the table and bias are `TABLE` and 16 floats; every row read is inside; the
    // caller vouches for `x` and `out`.
    unsafe {
        let bias = V::load(t.bias.as_ptr());
        let mut acc = [[bias; B]; S];
        for e in 0..t.delays {
            let xp = x.add((q - t.delay[e]) * c);
            let mut xv = [bias; B];
            for (b, v) in xv.iter_mut().enumerate() {
                *v = V::load(xp.add(b * V::LANES));
            }
            let wp = t.w.as_ptr().add(e * S * V::LANES);
            let phases = t.phases[e];
            for (r, acc) in acc.iter_mut().enumerate() {
                if phases == full || phases & (1 << r) != 0 {
                    let w = V::load(wp.add(r * V::LANES));
                    for (acc, &xv) in acc.iter_mut().zip(&xv) {
                        *acc = xv.mul_add(w, *acc);
                    }
                }
            }
        }
        for b in 0..B {
            let mut v = [bias; S];
            for r in 0..S {
                v[r] = acc[r][b];
            }
            interleave::<V, S>(&mut v, c, out.add(b * S * V::LANES));
        }
    }
}

/// One register of rows from `q` at either end of the stream: loads only the frames of
/// `x` that exist and stores only the outputs inside `0..len_out`.
///
/// # Safety
/// The CPU supports `V`'s instructions; `x` holds `len_in * c` and `y` `len_out * c`
/// floats.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn edge<V: Simd, const S: usize>(
    t: &Table,
    c: usize,
    x: *const f32,
    len_in: usize,
    y: *mut f32,
    len_out: usize,
    pad: usize,
    q: usize,
) {
    let lanes = V::LANES as isize;
    let total = (len_in * c) as isize;
    // SAFETY: every load is of the lanes inside `0..total`; every store is checked
    // against `0..len_out * c` below.
    unsafe {
        let bias = V::load(t.bias.as_ptr());
        let mut acc = [bias; S];
        for e in 0..t.delays {
            let start = (q as isize - t.delay[e] as isize) * c as isize;
            let (lo, hi) = (start.max(0), (start + lanes).min(total));
            if lo >= hi {
                continue;
            }
            let mut tmp = [0.0f32; 16];
            core::ptr::copy_nonoverlapping(
                x.offset(lo),
                tmp.as_mut_ptr().offset(lo - start),
                (hi - lo) as usize,
            );
            let xv = V::load(tmp.as_ptr());
            let wp = t.w.as_ptr().add(e * S * V::LANES);
            for (r, acc) in acc.iter_mut().enumerate() {
                if t.phases[e] & (1 << r) != 0 {
                    *acc = xv.mul_add(V::load(wp.add(r * V::LANES)), *acc);
                }
            }
        }
        let mut tmp = [0.0f32; MAX_PHASES * 16];
        interleave::<V, S>(&mut acc, c, tmp.as_mut_ptr());
        // Output floats of this register: frames q*S - pad onwards, S * LANES of them.
        let first = (q * S) as isize - pad as isize;
        let start = first * c as isize;
        let lo = start.max(0);
        let hi = (start + S as isize * lanes).min((len_out * c) as isize);
        if lo < hi {
            core::ptr::copy_nonoverlapping(
                tmp.as_ptr().offset(lo - start),
                y.offset(lo),
                (hi - lo) as usize,
            );
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
    // SAFETY: the caller's promises; `tmp` holds `S * LANES <= 128` floats.
    unsafe {
        if S.is_power_of_two() {
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
            for (m, v) in v.iter().enumerate() {
                v.store(out.add(m * V::LANES));
            }
        } else {
            let mut tmp = [0.0f32; MAX_PHASES * 16];
            for (r, v) in v.iter().enumerate() {
                v.store(tmp.as_mut_ptr().add(r * V::LANES));
            }
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

/// `log2(S)` rounds of zipping chunks of `G` lanes.
///
/// # Safety
/// The CPU supports `V`'s instructions.
#[inline(always)]
unsafe fn shuffle<V: Simd, const S: usize, const G: usize>(v: &mut [V; S]) {
    for _ in 0..S.trailing_zeros() {
        let old = *v;
        for i in 0..S / 2 {
            // SAFETY: the caller's promise.
            let (lo, hi) = unsafe { old[i].zip::<G>(old[i + S / 2]) };
            v[2 * i] = lo;
            v[2 * i + 1] = hi;
        }
    }
}
