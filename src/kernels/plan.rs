//! The polyphase plan every kernel body shares, and one call's checked operands.
//!
//! Output frame `m` of the full (uncropped) result receives tap `k` from input frame
//! `i = (m - k*D) / S` exactly when `k*D = m (mod S)` and `0 <= i < L`. Grouping outputs
//! by their phase `r = m mod S` turns the layer into `S` short FIR filters over the input:
//! phase `r` uses the taps `k0(r), k0(r) + T, k0(r) + 2T, ...` with `T = S / gcd(S, D)`,
//! and output `m = q*S + r` reads input `i = q - o_j` for tap `j`, where the offsets
//! `o_j = (k_j*D - r) / S` grow by `D / gcd(S, D)` per tap. No product with an inserted
//! zero is ever formed: each phase does only the multiply-adds that reach it.

use core::num::NonZeroUsize;
use core::ops::Range;

use crate::activation::{Activation, Identity};
use crate::geometry::Geometry;

/// The time kernel's plan of a layer's delays, which a layer type holds as a constant
/// ([`Delays::new`]); nothing on targets without that kernel.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
pub(crate) use crate::kernels::time::Delays;

/// Nothing: this target has no time kernel to plan for.
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
pub(crate) struct Delays;

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
impl Delays {
    pub(crate) const fn new(_: &Geometry) -> Self {
        Delays
    }
}

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

/// Output channels per panel of the packed weights.
pub(crate) const PANEL: usize = 32;

/// Where weight `(k, ci, j)` (tap, input channel, output channel `j` of the input
/// channel's group) lies in the packed weights of a layer with `kernel` taps, `cin` input
/// channels and `cout_g` output channels per group: the output channels of a group in
/// panels of [`PANEL`] (the last one narrower where `PANEL` does not divide `cout_g`),
/// each panel `(K, CIN, width)`. A panel is one contiguous run in the order the tiled
/// kernel reads it, whichever tap and channel it starts at; with `cout_g <= PANEL` the
/// whole is `(K, CIN, COUT/G)`.
pub(crate) const fn packed_index(
    kernel: usize,
    cin: usize,
    cout_g: usize,
    k: usize,
    ci: usize,
    j: usize,
) -> usize {
    let first = j / PANEL * PANEL;
    let width = if cout_g - first < PANEL {
        cout_g - first
    } else {
        PANEL
    };
    first * kernel * cin + (k * cin + ci) * width + (j - first)
}

/// `gcd(a, b)`, never zero because `a` is not.
const fn gcd(a: NonZeroUsize, mut b: usize) -> NonZeroUsize {
    let mut a = a.get();
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    match NonZeroUsize::new(a) {
        Some(g) => g,
        None => NonZeroUsize::MIN, // unreachable: Euclid ends on a divisor of the first `a`
    }
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
    /// Growth of the offset per tap: `D / gcd(S, D)` (a divisor in [`Self::valid`], 1
    /// where an invalid `D = 0` would make it 0).
    pub offset_step: NonZeroUsize,
}

impl PhaseTaps {
    /// The taps of phase `r` (`0 <= r < S`); none for an invalid `S = 0`. (The stride and
    /// the steps are non-zero types, so that the optimiser can see that no division
    /// here or in [`Self::valid`] divides by zero.)
    pub(crate) const fn new(g: &Geometry, r: usize) -> Self {
        let none = PhaseTaps {
            first_tap: 0,
            count: 0,
            tap_step: 1,
            first_offset: 0,
            offset_step: NonZeroUsize::MIN,
        };
        let Some(stride) = NonZeroUsize::new(g.stride) else {
            return none;
        };
        let common = gcd(stride, g.dilation);
        // `common` divides `S` (non-zero), so the quotient is at least 1.
        let tap_step = match NonZeroUsize::new(stride.get() / common.get()) {
            Some(t) => t,
            None => return none,
        };
        let offset_step = match NonZeroUsize::new(g.dilation / common.get()) {
            Some(o) => o,
            None => NonZeroUsize::MIN, // D = 0: not a layer, and no tap reaches past 0
        };
        // k*D mod S runs through the multiples of gcd(S, D) with period S / gcd, so if
        // phase r is reached at all, its first tap is below that period.
        let mut k = 0;
        while k < tap_step.get() && k < g.kernel {
            if (k * g.dilation) % stride.get() == r {
                return PhaseTaps {
                    first_tap: k,
                    count: (g.kernel - 1 - k) / tap_step.get() + 1,
                    tap_step: tap_step.get(),
                    first_offset: (k * g.dilation - r) / stride.get(),
                    offset_step,
                };
            }
            k += 1;
        }
        PhaseTaps {
            tap_step: tap_step.get(),
            offset_step,
            ..none
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
        let end = ((q - o0) / self.offset_step.get() + 1).min(self.count);
        // o_j >= q + 1 - len_in  <=>  j >= ceil((q + 1 - len_in - o0) / step)
        let begin = match (q + 1).checked_sub(len_in + o0) {
            Some(gap) if gap > 0 => gap.div_ceil(self.offset_step.get()),
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
        q - (self.first_offset + j * self.offset_step.get())
    }
}

/// The values of `q` for which output `q*S + r` of the full result survives cropping,
/// that is `P <= q*S + r < P + len_out`; none for an invalid `S = 0`.
pub(crate) fn phase_rows(g: &Geometry, len_out: usize, r: usize) -> Range<usize> {
    let Some(s) = NonZeroUsize::new(g.stride) else {
        return 0..0;
    };
    let s = s.get();
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
    /// `Delays::new(g)`: the layer type's constant.
    #[cfg_attr(
        not(any(target_arch = "x86_64", target_arch = "aarch64")),
        allow(dead_code)
    )]
    pub(crate) delays: &'a Delays,
    pub(crate) len_out: usize,
    /// Packed in panels ([`packed_index`]).
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
    // Inlined, so that a layer's constant geometry folds its checks away.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        g: &'a Geometry,
        delays: &'a Delays,
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
        Self::window(g, delays, len_out, weight, bias, x, xs, y, ys, act)
    }

    /// Frames `g.padding .. g.padding + len_out` of the full result, wherever they lie,
    /// `act` applied to every output: `g` is a valid layer shape except that its padding
    /// is the window's start.
    ///
    /// Checks what every kernel relies on ([`Self::window_unchecked`]'s contract), and
    /// panics where it does not hold.
    // Inlined, so that a layer's constant geometry folds its checks away.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn window(
        g: &'a Geometry,
        delays: &'a Delays,
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
        // SAFETY: checked just above.
        unsafe { Self::window_unchecked(g, delays, len_out, weight, bias, x, xs, y, ys, act) }
    }

    /// [`Self::window`] without its checks, for callers whose types already guarantee
    /// them (a stream of a const-generic layer), so that no panic is linked on their path.
    ///
    /// # Safety
    /// What every kernel relies on: `g` with zero padding on both sides is a valid shape
    /// ([`Geometry::len_out`] is `Some`), `g.padding + len_out` and `len_out * COUT` do not
    /// overflow, each buffer holds exactly its tensor (`weight` `K * CIN * COUT/G` values,
    /// `bias` `COUT`, `x` `len_in * CIN`, `y` `len_out * COUT`), and each layout is
    /// channels-last or channels-first. Then `xs.at(i, c)` is in bounds for every
    /// `i < len_in, c < CIN`, and `ys.at(n, c)` for every `n < len_out, c < COUT`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) unsafe fn window_unchecked(
        g: &'a Geometry,
        delays: &'a Delays,
        len_out: usize,
        weight: &'a [T],
        bias: Option<&'a [T]>,
        x: &'a [T],
        xs: Strides,
        y: &'a mut [T],
        ys: Strides,
        act: A,
    ) -> Self {
        debug_assert!(
            Geometry {
                padding: 0,
                padding_right: 0,
                ..*g
            }
            .len_out()
            .is_some()
                && g.padding.checked_add(len_out).is_some()
                && x.len() == g.len_in * g.in_channels
                && y.len() == len_out * g.out_channels
                && weight.len() == g.kernel * g.in_channels * g.out_per_group()
                && bias.is_none_or(|b| b.len() == g.out_channels)
        );
        Args {
            g,
            delays,
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
