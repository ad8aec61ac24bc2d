//! Kernels, and the polyphase plan they share.
//!
//! Output frame `m` of the full (uncropped) result receives tap `k` from input frame
//! `i = (m - k*D) / S` exactly when `k*D = m (mod S)` and `0 <= i < L`. Grouping outputs
//! by their phase `r = m mod S` turns the layer into `S` short FIR filters over the input:
//! phase `r` uses the taps `k0(r), k0(r) + T, k0(r) + 2T, ...` with `T = S / gcd(S, D)`,
//! and output `m = q*S + r` reads input `i = q - o_j` for tap `j`, where the offsets
//! `o_j = (k_j*D - r) / S` grow by `D / gcd(S, D)` per tap. No product with an inserted
//! zero is ever formed: each phase does only the multiply-adds that reach it.

pub(crate) mod scalar;

use core::ops::Range;

use crate::Geometry;

/// How to find element `(frame, channel)` in a flat buffer.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Strides {
    pub frame: usize,
    pub channel: usize,
}

impl Strides {
    /// Channels-last (`NLC`): frames of `channels` contiguous samples.
    pub(crate) const fn nlc(channels: usize) -> Self {
        Strides {
            frame: channels,
            channel: 1,
        }
    }

    /// Channels-first (`NCL`): channels of `frames` contiguous samples.
    pub(crate) const fn ncl(frames: usize) -> Self {
        Strides {
            frame: 1,
            channel: frames,
        }
    }

    #[inline(always)]
    pub(crate) const fn at(&self, frame: usize, channel: usize) -> usize {
        frame * self.frame + channel * self.channel
    }
}

const fn gcd(mut a: usize, mut b: usize) -> usize {
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

/// The taps that reach one output phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PhaseTaps {
    /// First tap `k0` (meaningless when `count == 0`).
    pub first_tap: usize,
    /// Number of taps in this phase.
    pub count: usize,
    /// Distance between consecutive taps of the phase: `S / gcd(S, D)`.
    pub tap_step: usize,
    /// Input offset `o_0` of the first tap: output `q*S + r` reads input `q - o_j`.
    pub first_offset: usize,
    /// Growth of the offset per tap: `D / gcd(S, D)`.
    pub offset_step: usize,
}

impl PhaseTaps {
    /// The taps of phase `r` (`0 <= r < S`).
    pub(crate) const fn new(g: &Geometry, r: usize) -> Self {
        let common = gcd(g.stride, g.dilation);
        let tap_step = g.stride / common;
        let offset_step = g.dilation / common;
        // k*D mod S runs through the multiples of gcd(S, D) with period S / gcd, so if
        // phase r is reached at all, its first tap is below that period.
        let mut k = 0;
        while k < tap_step && k < g.kernel {
            if (k * g.dilation) % g.stride == r {
                return PhaseTaps {
                    first_tap: k,
                    count: (g.kernel - 1 - k) / tap_step + 1,
                    tap_step,
                    first_offset: (k * g.dilation - r) / g.stride,
                    offset_step,
                };
            }
            k += 1;
        }
        PhaseTaps {
            first_tap: 0,
            count: 0,
            tap_step,
            first_offset: 0,
            offset_step,
        }
    }

    /// The taps `j` whose input frame `q - o_j` lies in `0..len_in`.
    #[inline(always)]
    pub(crate) fn valid(&self, q: usize, len_in: usize) -> Range<usize> {
        let o0 = self.first_offset;
        if self.count == 0 || q < o0 {
            return 0..0;
        }
        // o_j <= q  <=>  j <= (q - o0) / step
        let end = ((q - o0) / self.offset_step + 1).min(self.count);
        // o_j >= q + 1 - len_in  <=>  j >= ceil((q + 1 - len_in - o0) / step)
        let begin = match (q + 1).checked_sub(len_in + o0) {
            Some(gap) if gap > 0 => gap.div_ceil(self.offset_step),
            _ => 0,
        };
        begin..end.max(begin)
    }

    /// Tap index `k_j`.
    #[inline(always)]
    pub(crate) fn tap(&self, j: usize) -> usize {
        self.first_tap + j * self.tap_step
    }

    /// Input frame read by tap `j` for output `q*S + r`; `j` must be in `valid(q, L)`.
    #[inline(always)]
    pub(crate) fn input_frame(&self, q: usize, j: usize) -> usize {
        q - (self.first_offset + j * self.offset_step)
    }
}

/// The values of `q` for which output `q*S + r` of the full result survives cropping,
/// that is `P <= q*S + r < P + len_out`.
pub(crate) fn phase_rows(g: &Geometry, len_out: usize, r: usize) -> Range<usize> {
    let s = g.stride;
    let first = g.padding.saturating_sub(r).div_ceil(s);
    let end_m = g.padding + len_out; // exclusive bound on m = q*S + r
    let end = if end_m > r {
        (end_m - r).div_ceil(s)
    } else {
        0
    };
    first..end.max(first)
}
