//! Interpolation filters for upsampling: Kaiser-windowed sinc taps, in `no_std`.
//!
//! An upsampler by `S` is a transposed convolution with stride `S` whose taps are a
//! low-pass filter at the output rate that keeps the input's band and removes its `S - 1`
//! images. [`Interpolator`] designs those taps. The maths runs in `f64` through the
//! `libm` crate, so a design gives the same taps on a host and on a microcontroller.
//!
//! # What a design guarantees
//! Frequencies are fractions of the **input** Nyquist frequency (`1.0` is half the input
//! rate). With `K` taps and a Kaiser window of `beta =` [`kaiser_beta`]`(A)`, the filter
//! has a transition band of width [`transition_width`]`(K, S, A)` centred on the cutoff.
//! Above it every image is at least `A` dB down; below it the gain is within
//! `±1.25 * 10^(-A/20)` of one (a passband ripple of at most `11 * 10^(-A/20)` dB, 0.001 dB
//! at 80 dB). Kaiser's formulas are fitted rather than bounds, so these functions ask
//! them for 3 dB more than `A`; `tests/design.rs` evaluates the response of the `f32` taps
//! densely for designs from 30 to 120 dB and checks both bounds (measured: stopbands
//! 0.8 to 2.9 dB beyond `A`, passband ripple up to 1.08 times `10^(-A/20)`). Rounding the
//! taps to `f32` limits designs to about 120 dB.
//!
//! The taps are scaled to sum to `S`, so a constant input gives the same constant output
//! (unity passband gain: each of the `S` output phases gets about a `1/S` share of the
//! input's energy and the sum puts it back).
//!
//! ```
//! use conv_transpose::design::{kaiser_beta, transition_width, Interpolator};
//! use conv_transpose::ConvTranspose1d;
//!
//! // 16 kHz -> 48 kHz: 48 taps, 80 dB of image rejection, the stopband from 8 kHz up.
//! const S: usize = 3;
//! const K: usize = 48;
//! let width = transition_width(K, S, 80.0); // of the input Nyquist, 8 kHz
//! let design = Interpolator::new(S, 1.0 - width / 2.0, kaiser_beta(80.0));
//! let taps: [f32; K] = design.taps();
//! assert!((taps.iter().sum::<f32>() - 3.0).abs() < 1e-5);
//!
//! // Ready for a mono layer: PyTorch's weight is (CIN, COUT, K).
//! type Up = ConvTranspose1d<160, 1, 1, K, S>;
//! let up = Up::from_torch(&[[taps]], None);
//! # let _ = up;
//! ```

use core::f64::consts::PI;

/// Kaiser's formulas are fitted, not bounds: a design by them can fall up to about 1.7 dB
/// short (measured from 30 to 120 dB). Every formula here asks for this much more, so
/// that what is documented is what a design measures.
const MARGIN_DB: f64 = 3.0;

/// The Kaiser window's `beta` for a wanted stopband attenuation of `attenuation_db`:
/// Kaiser's empirical formula for `A + 3` dB (see the module docs), that is
/// `0.1102 (A' - 8.7)` above 50 dB, `0.5842 (A' - 21)^0.4 + 0.07886 (A' - 21)` from 21 to
/// 50 dB, and 0 (a rectangular window) below, with `A' = A + 3`.
pub fn kaiser_beta(attenuation_db: f64) -> f64 {
    let a = attenuation_db + MARGIN_DB;
    if a > 50.0 {
        0.1102 * (a - 8.7)
    } else if a >= 21.0 {
        0.5842 * libm::pow(a - 21.0, 0.4) + 0.07886 * (a - 21.0)
    } else {
        0.0
    }
}

/// The transition band a Kaiser design of `taps` taps reaches at `attenuation_db` when
/// upsampling by `stride`, as a fraction of the input Nyquist frequency (Kaiser's
/// formula `K - 1 = (A' - 7.95) / (2.285 * dw)` for `A' = A + 3` dB, with `dw` in radians
/// per output sample).
pub fn transition_width(taps: usize, stride: usize, attenuation_db: f64) -> f64 {
    let a = attenuation_db + MARGIN_DB;
    let dw = (a - 7.95).max(0.0) / (2.285 * (taps.max(2) - 1) as f64);
    // One input Nyquist is pi / S radians per output sample.
    dw * stride as f64 / PI
}

/// The taps a Kaiser design needs for `attenuation_db` over a transition band of
/// `width` (a fraction of the input Nyquist) when upsampling by `stride`: the inverse of
/// [`transition_width`], rounded up.
pub fn taps_for(stride: usize, width: f64, attenuation_db: f64) -> usize {
    let dw = width * PI / stride as f64;
    let k = (attenuation_db + MARGIN_DB - 7.95).max(0.0) / (2.285 * dw);
    libm::ceil(k) as usize + 1
}

/// The zeroth-order modified Bessel function of the first kind, by its power series.
fn bessel_i0(x: f64) -> f64 {
    let q = x * x / 4.0;
    let (mut sum, mut term, mut k) = (1.0, 1.0, 1.0);
    while term > 1e-17 * sum {
        term *= q / (k * k);
        sum += term;
        k += 1.0;
    }
    sum
}

/// A windowed-sinc interpolation filter for upsampling by `stride`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interpolator {
    /// The upsampling factor `S` (the layer's stride).
    pub stride: usize,
    /// The cutoff (the middle of the transition band), a fraction of the input Nyquist
    /// frequency in `(0, 1]`.
    pub cutoff: f64,
    /// The Kaiser window's shape: 0 is rectangular; larger trades a wider transition band
    /// for more attenuation ([`kaiser_beta`]).
    pub beta: f64,
}

impl Interpolator {
    /// A design with a cutoff and a window chosen by the caller.
    ///
    /// # Panics
    /// If `stride` is 0, `cutoff` is not in `(0, 1]` or `beta` is negative or not finite.
    pub fn new(stride: usize, cutoff: f64, beta: f64) -> Self {
        assert!(stride >= 1, "Interpolator: the stride must be at least 1");
        assert!(
            cutoff > 0.0 && cutoff <= 1.0,
            "Interpolator: the cutoff is a fraction of the input Nyquist, in (0, 1]"
        );
        assert!(
            beta >= 0.0 && beta.is_finite(),
            "Interpolator: beta must be finite and not negative"
        );
        Interpolator {
            stride,
            cutoff,
            beta,
        }
    }

    /// The design that rejects images by `attenuation_db` with `taps` taps, its whole
    /// transition band below the input Nyquist frequency (so nothing above it is let
    /// through): `beta = kaiser_beta(A)`, `cutoff = 1 - transition_width / 2`.
    ///
    /// # Panics
    /// If `taps` are too few for that attenuation at this stride (the transition band
    /// would not fit below the input Nyquist frequency).
    pub fn for_attenuation(stride: usize, taps: usize, attenuation_db: f64) -> Self {
        let width = transition_width(taps, stride, attenuation_db);
        assert!(
            width < 2.0,
            "Interpolator: too few taps for that attenuation (see taps_for)"
        );
        Self::new(stride, 1.0 - width / 2.0, kaiser_beta(attenuation_db))
    }

    /// Writes the taps, as many as `taps` holds, in `f64`, scaled to sum to `S`.
    pub fn fill(&self, taps: &mut [f64]) {
        let n = taps.len();
        if n == 0 {
            return;
        }
        // Cutoff in cycles per output sample.
        let fc = self.cutoff * 0.5 / self.stride as f64;
        let centre = (n - 1) as f64 / 2.0;
        let norm = bessel_i0(self.beta);
        let mut sum = 0.0;
        for (k, tap) in taps.iter_mut().enumerate() {
            let t = k as f64 - centre;
            let sinc = if t == 0.0 {
                2.0 * fc
            } else {
                libm::sin(2.0 * PI * fc * t) / (PI * t)
            };
            let r = if n > 1 { t / centre } else { 0.0 };
            let window = bessel_i0(self.beta * libm::sqrt((1.0 - r * r).max(0.0))) / norm;
            *tap = sinc * window;
            sum += *tap;
        }
        let scale = self.stride as f64 / sum;
        for tap in taps.iter_mut() {
            *tap *= scale;
        }
    }

    /// `K` taps as `f32`, ready for `from_torch` (`[[taps]]` for a mono layer, one row per
    /// channel for a depthwise one).
    pub fn taps<const K: usize>(&self) -> [f32; K] {
        let mut t = [0.0f64; K];
        self.fill(&mut t);
        t.map(|v| v as f32)
    }
}
