//! The polyphase plan every kernel body shares, and one call's checked operands.
//!
//! Output frame `m` of the full (uncropped) result receives tap `k` from input frame
//! `i = (m - k*D) / S` exactly when `k*D = m (mod S)` and `0 <= i < L`. Grouping outputs
//! by their phase `r = m mod S` turns the layer into `S` short FIR filters over the input:
//! phase `r` uses the taps `k0(r), k0(r) + T, k0(r) + 2T, ...` with `T = S / gcd(S, D)`,
//! and output `m = q*S + r` reads input `i = q - o_j` for tap `j`, where the offsets
//! `o_j = (k_j*D - r) / S` grow by `D / gcd(S, D)` per tap. No product with an inserted
//! zero is ever formed: each phase does only the multiply-adds that reach it.

use core::ops::Range;

use crate::activation::{Activation, Identity};
use crate::geometry::Geometry;

/// How to find element `(frame, channel)` in a flat buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

/// One kernel call's operands, their lengths checked against the geometry once, so that
/// the kernels may index with raw pointers. (`pub` only because the sealed element trait
/// names it; nothing outside the crate can reach it.)
///
/// A kernel computes the `len_out` frames of the full (uncropped) result that start at
/// frame `g.padding`: for a layer's forward pass that is its output; a stream asks for
/// other windows of it ([`Args::window`]). Frames beyond the full result get the bias.
/// Every output goes through the activation `act` before it is stored.
pub struct Args<'a, T, A = Identity> {
    pub(crate) g: &'a Geometry,
    pub(crate) len_out: usize,
    /// Packed `(K, CIN, COUT/G)`.
    pub(crate) weight: &'a [T],
    /// `COUT` values.
    pub(crate) bias: Option<&'a [T]>,
    pub(crate) x: &'a [T],
    pub(crate) xs: Strides,
    pub(crate) y: &'a mut [T],
    pub(crate) ys: Strides,
    pub(crate) act: A,
}

impl<'a, T, A: Activation> Args<'a, T, A> {
    /// A forward pass of the layer `g`: its whole output, `len_out` frames, `act` applied
    /// to every output.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        g: &'a Geometry,
        len_out: usize,
        weight: &'a [T],
        bias: Option<&'a [T]>,
        x: &'a [T],
        xs: Strides,
        y: &'a mut [T],
        ys: Strides,
        act: A,
    ) -> Self {
        assert!(g.len_out() == Some(len_out), "kernel: invalid geometry");
        Self::window(g, len_out, weight, bias, x, xs, y, ys, act)
    }

    /// Frames `g.padding .. g.padding + len_out` of the full result, wherever they lie,
    /// `act` applied to every output: `g` is a valid layer shape except that its padding
    /// is the window's start.
    ///
    /// Checks what every kernel relies on: each buffer holds exactly its tensor, and each
    /// layout is channels-last or channels-first. Then `xs.at(i, c)` is in bounds for every
    /// `i < L, c < CIN`, `ys.at(n, c)` for every `n < len_out, c < COUT`, and `weight` has
    /// `K * CIN * COUT/G` values.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn window(
        g: &'a Geometry,
        len_out: usize,
        weight: &'a [T],
        bias: Option<&'a [T]>,
        x: &'a [T],
        xs: Strides,
        y: &'a mut [T],
        ys: Strides,
        act: A,
    ) -> Self {
        let (cin, cout) = (g.in_channels, g.out_channels);
        let shape = Geometry {
            padding: 0,
            padding_right: 0,
            ..*g
        };
        assert!(shape.len_out().is_some(), "kernel: invalid geometry");
        assert!(
            g.padding.checked_add(len_out).is_some() && len_out.checked_mul(cout).is_some(),
            "kernel: window out of range"
        );
        assert_eq!(weight.len(), g.kernel * cin * g.out_per_group());
        assert!(bias.is_none_or(|b| b.len() == cout));
        assert_eq!(x.len(), g.len_in * cin);
        assert!(xs == Strides::nlc(cin) || xs == Strides::ncl(g.len_in));
        assert_eq!(y.len(), len_out * cout);
        assert!(ys == Strides::nlc(cout) || ys == Strides::ncl(len_out));
        Args {
            g,
            len_out,
            weight,
            bias,
            x,
            xs,
            y,
            ys,
            act,
        }
    }
}
