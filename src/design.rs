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
//! # Arguments a design refuses
//! Every function returns a [`DesignError`] naming the rule an argument breaks, in debug
//! and release builds alike: a stride of 0, an attenuation that is not a finite number of
//! dB in `[0, MAX_ATTENUATION_DB]`, a transition width that is not positive and finite, a
//! cutoff outside `(0, 1]`, a `beta` that is not finite or is outside `[0, MAX_BETA]` (the
//! Bessel function of the window overflows `f64` just above 713), too few taps, or a tap
//! count that does not fit a `usize`. None of them panics, returns a NaN or infinite tap,
//! an all-zero filter, or a count that has wrapped. An [`Interpolator`] exists only once
//! its constructor has checked it (its fields are private), so writing its taps cannot
//! fail.
//!
//! ```
//! use conv_transpose::design::{kaiser_beta, transition_width, DesignError, Interpolator};
//! use conv_transpose::ConvTranspose1d;
//!
//! // 16 kHz -> 48 kHz: 48 taps, 80 dB of image rejection, the stopband from 8 kHz up.
//! const S: usize = 3;
//! const K: usize = 48;
//! let width = transition_width(K, S, 80.0)?; // of the input Nyquist, 8 kHz
//! let design = Interpolator::new(S, 1.0 - width / 2.0, kaiser_beta(80.0)?)?;
//! let taps: [f32; K] = design.taps();
//! assert!((taps.iter().sum::<f32>() - 3.0).abs() < 1e-5);
//!
//! // Ready for a mono layer: PyTorch's weight is (CIN, COUT, K).
//! type Up = ConvTranspose1d<160, 1, 1, K, S>;
//! let up = Up::from_torch(&[[taps]], None);
//! # let _ = up;
//!
//! // A stopband level of -80 dB is an attenuation of 80 dB: the sign is refused.
//! assert!(matches!(kaiser_beta(-80.0), Err(DesignError::Attenuation { .. })));
//! # Ok::<(), DesignError>(())
//! ```

use core::f64::consts::PI;
use core::fmt;

/// Kaiser's formulas are fitted, not bounds: a design by them can fall up to about 1.7 dB
/// short (measured from 30 to 120 dB). Every formula here asks for this much more, so
/// that what is documented is what a design measures.
const MARGIN_DB: f64 = 3.0;

/// The largest Kaiser `beta` a design accepts. The window divides by `I0(beta)`, which
/// the power series computes in `f64` up to `beta` of about 713.98 (`I0(713.98)` is about
/// `1.8e308`) and which is infinite beyond, turning every tap into NaN; 700 keeps a margin
/// (`I0(700)` is about `1.5e302`). Designs that round their taps to `f32` stop improving
/// long before this, near `beta = 12` (120 dB).
pub const MAX_BETA: f64 = 700.0;

/// The largest attenuation, in dB, a design accepts: [`kaiser_beta`] of it is about
/// 693.6, within [`MAX_BETA`].
pub const MAX_ATTENUATION_DB: f64 = 6300.0;

/// Why a design function refused its arguments.
///
/// Each variant names the rule broken and carries the value that broke it. The checks
/// are ordinary comparisons, the same in debug and release builds.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum DesignError {
    /// The stride (the upsampling factor) is 0; it must be at least 1.
    StrideZero,
    /// The attenuation is NaN, infinite, negative or above [`MAX_ATTENUATION_DB`].
    /// It is a positive number of dB: `80.0` for images 80 dB down, not `-80.0`.
    Attenuation {
        /// The attenuation given, in dB.
        attenuation_db: f64,
    },
    /// The transition width is not positive and finite (zero, negative, NaN or infinite).
    TransitionWidth {
        /// The width given, a fraction of the input Nyquist frequency.
        width: f64,
    },
    /// The cutoff is not in `(0, 1]` (NaN included).
    Cutoff {
        /// The cutoff given, a fraction of the input Nyquist frequency.
        cutoff: f64,
    },
    /// `beta` is NaN, infinite, negative or above [`MAX_BETA`].
    Beta {
        /// The `beta` given.
        beta: f64,
    },
    /// The taps are too few for the attenuation at this stride: the transition band
    /// Kaiser's formula gives them does not fit below the input Nyquist frequency (it
    /// is 2 or more), or there are no taps, or a single tap for an attenuation that
    /// needs a transition band. [`taps_for`] says how many are needed.
    TooFewTaps {
        /// The number of taps given.
        taps: usize,
        /// The stride given.
        stride: usize,
        /// The attenuation given, in dB.
        attenuation_db: f64,
    },
    /// The tap count Kaiser's formula gives does not fit a `usize` (a transition width
    /// that is tiny, subnormal for instance, or a stride that is huge, for the
    /// attenuation).
    TapCountOverflow {
        /// The stride given.
        stride: usize,
        /// The width given, a fraction of the input Nyquist frequency.
        width: f64,
        /// The attenuation given, in dB.
        attenuation_db: f64,
    },
}

impl fmt::Display for DesignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            DesignError::StrideZero => write!(f, "the stride must be at least 1, not 0"),
            DesignError::Attenuation { attenuation_db } => write!(
                f,
                "the attenuation must be a finite number of dB in [0, {MAX_ATTENUATION_DB}] \
                 (80.0 for images 80 dB down), not {attenuation_db:?}"
            ),
            DesignError::TransitionWidth { width } => write!(
                f,
                "the transition width must be positive and finite, not {width:?}"
            ),
            DesignError::Cutoff { cutoff } => write!(
                f,
                "the cutoff is a fraction of the input Nyquist frequency in (0, 1], not {cutoff:?}"
            ),
            DesignError::Beta { beta } => write!(
                f,
                "beta must be finite and in [0, {MAX_BETA}] (the window's Bessel function \
                 overflows f64 beyond), not {beta:?}"
            ),
            DesignError::TooFewTaps {
                taps,
                stride,
                attenuation_db,
            } => write!(
                f,
                "too few taps: {taps} taps at stride {stride} cannot fit the transition band \
                 of {attenuation_db:?} dB below the input Nyquist frequency (see taps_for)"
            ),
            DesignError::TapCountOverflow {
                stride,
                width,
                attenuation_db,
            } => write!(
                f,
                "the tap count for {attenuation_db:?} dB over a transition width of {width:?} at \
                 stride {stride} does not fit a usize"
            ),
        }
    }
}

impl core::error::Error for DesignError {}

const fn check_stride(stride: usize) -> Result<(), DesignError> {
    if stride == 0 {
        return Err(DesignError::StrideZero);
    }
    Ok(())
}

/// `A' - 7.95` for `A' = A + 3`, not below 0: the numerator of Kaiser's length formula.
fn kaiser_need(attenuation_db: f64) -> Result<f64, DesignError> {
    // Written so that NaN fails too.
    if !(0.0..=MAX_ATTENUATION_DB).contains(&attenuation_db) {
        return Err(DesignError::Attenuation { attenuation_db });
    }
    Ok((attenuation_db + MARGIN_DB - 7.95).max(0.0))
}

/// The Kaiser window's `beta` for a wanted stopband attenuation of `attenuation_db`:
/// Kaiser's empirical formula for `A + 3` dB (see the module docs), that is
/// `0.1102 (A' - 8.7)` above 50 dB, `0.5842 (A' - 21)^0.4 + 0.07886 (A' - 21)` from 21 to
/// 50 dB, and 0 (a rectangular window) below, with `A' = A + 3`.
///
/// # Errors
/// [`DesignError::Attenuation`] unless `attenuation_db` is in `[0, MAX_ATTENUATION_DB]`
/// (so the result is in `[0, MAX_BETA]`).
pub fn kaiser_beta(attenuation_db: f64) -> Result<f64, DesignError> {
    kaiser_need(attenuation_db)?;
    let a = attenuation_db + MARGIN_DB;
    Ok(if a > 50.0 {
        0.1102 * (a - 8.7)
    } else if a >= 21.0 {
        0.5842 * libm::pow(a - 21.0, 0.4) + 0.07886 * (a - 21.0)
    } else {
        0.0
    })
}

/// The transition band a Kaiser design of `taps` taps reaches at `attenuation_db` when
/// upsampling by `stride`, as a fraction of the input Nyquist frequency (Kaiser's
/// formula `K - 1 = (A' - 7.95) / (2.285 * dw)` for `A' = A + 3` dB, with `dw` in radians
/// per output sample).
///
/// An attenuation of at most 4.95 dB needs no transition band (`A' - 7.95 <= 0`): the
/// width is 0 for any number of taps from 1.
///
/// # Errors
/// [`DesignError::StrideZero`]; [`DesignError::Attenuation`] unless `attenuation_db` is in
/// `[0, MAX_ATTENUATION_DB]`; [`DesignError::TooFewTaps`] for no taps, or one tap for an
/// attenuation above 4.95 dB (the formula divides by `K - 1`). A large result (2 or more)
/// is not an error here; [`Interpolator::for_attenuation`] refuses it.
pub fn transition_width(
    taps: usize,
    stride: usize,
    attenuation_db: f64,
) -> Result<f64, DesignError> {
    check_stride(stride)?;
    let need = kaiser_need(attenuation_db)?;
    let too_few = DesignError::TooFewTaps {
        taps,
        stride,
        attenuation_db,
    };
    match taps {
        0 => Err(too_few),
        1 if need == 0.0 => Ok(0.0),
        1 => Err(too_few),
        _ => {
            let dw = need / (2.285 * (taps - 1) as f64);
            // One input Nyquist is pi / S radians per output sample.
            Ok(dw * stride as f64 / PI)
        }
    }
}

/// The taps a Kaiser design needs for `attenuation_db` over a transition band of
/// `width` (a fraction of the input Nyquist) when upsampling by `stride`: the inverse of
/// [`transition_width`], rounded up. At least 1; exactly 1 for an attenuation of at
/// most 4.95 dB, which needs no transition band.
///
/// # Errors
/// [`DesignError::StrideZero`]; [`DesignError::TransitionWidth`] unless `width` is positive
/// and finite; [`DesignError::Attenuation`] unless `attenuation_db` is in
/// `[0, MAX_ATTENUATION_DB]`; [`DesignError::TapCountOverflow`] if the count does not fit a
/// `usize` (`width` subnormal, or `stride` near `usize::MAX`).
pub fn taps_for(stride: usize, width: f64, attenuation_db: f64) -> Result<usize, DesignError> {
    check_stride(stride)?;
    // Written so that NaN fails too.
    if !(width > 0.0 && width.is_finite()) {
        return Err(DesignError::TransitionWidth { width });
    }
    let need = kaiser_need(attenuation_db)?;
    if need == 0.0 {
        return Ok(1);
    }
    let overflow = DesignError::TapCountOverflow {
        stride,
        width,
        attenuation_db,
    };
    // `dw` may underflow to 0 for a subnormal width: `k` is then infinite.
    let dw = width * PI / stride as f64;
    let k = libm::ceil(need / (2.285 * dw));
    // `k` is not NaN (`need > 0`, `dw >= 0`) but may be infinite. `usize::MAX as f64` rounds
    // up (to 2^64 on 64-bit targets), so below it `k` converts exactly.
    if k >= usize::MAX as f64 {
        return Err(overflow);
    }
    (k as usize).checked_add(1).ok_or(overflow)
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
///
/// Made only by [`Interpolator::new`] or [`Interpolator::for_attenuation`], which check
/// every rule of a design; the fields are private (read them with [`Self::stride`],
/// [`Self::cutoff`] and [`Self::beta`]), so every `Interpolator` is valid and
/// [`Self::fill`] and [`Self::taps`] cannot fail. A design is not built or changed field by
/// field:
///
/// ```compile_fail,E0451
/// use conv_transpose::design::Interpolator;
/// let bad = Interpolator { stride: 0, cutoff: 2.0, beta: -1.0 };
/// ```
///
/// ```compile_fail,E0616
/// use conv_transpose::design::Interpolator;
/// let mut d = Interpolator::new(3, 0.5, 8.0).unwrap();
/// d.stride = 0;
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interpolator {
    stride: usize,
    cutoff: f64,
    beta: f64,
}

impl Interpolator {
    /// A design with a cutoff and a window chosen by the caller.
    ///
    /// Any stride from 1 to `usize::MAX` is a valid design (a huge stride gives a cutoff
    /// so low that the taps are the window itself, scaled to sum to `S`); so is any
    /// cutoff in `(0, 1]`, subnormal included.
    ///
    /// # Errors
    /// [`DesignError::StrideZero`]; [`DesignError::Cutoff`] unless `cutoff` is in `(0, 1]`;
    /// [`DesignError::Beta`] unless `beta` is finite and in `[0, MAX_BETA]`.
    pub const fn new(stride: usize, cutoff: f64, beta: f64) -> Result<Self, DesignError> {
        if let Err(e) = check_stride(stride) {
            return Err(e);
        }
        // Written so that NaN fails too.
        if !(cutoff > 0.0 && cutoff <= 1.0) {
            return Err(DesignError::Cutoff { cutoff });
        }
        if !(beta >= 0.0 && beta <= MAX_BETA) {
            return Err(DesignError::Beta { beta });
        }
        Ok(Interpolator {
            stride,
            cutoff,
            beta,
        })
    }

    /// The design that rejects images by `attenuation_db` with `taps` taps, its whole
    /// transition band below the input Nyquist frequency (so nothing above it is let
    /// through): `beta = kaiser_beta(A)`, `cutoff = 1 - transition_width / 2`.
    ///
    /// # Errors
    /// Those of [`transition_width`] (a stride of 0, an attenuation outside
    /// `[0, MAX_ATTENUATION_DB]`, no taps), and [`DesignError::TooFewTaps`] if the
    /// transition band would not fit below the input Nyquist frequency (it is 2 or more).
    pub fn for_attenuation(
        stride: usize,
        taps: usize,
        attenuation_db: f64,
    ) -> Result<Self, DesignError> {
        let width = transition_width(taps, stride, attenuation_db)?;
        // Finite and not negative: `transition_width` checked what it is made of.
        if width >= 2.0 {
            return Err(DesignError::TooFewTaps {
                taps,
                stride,
                attenuation_db,
            });
        }
        Self::new(stride, 1.0 - width / 2.0, kaiser_beta(attenuation_db)?)
    }

    /// The upsampling factor `S` (the layer's stride), at least 1.
    pub const fn stride(&self) -> usize {
        self.stride
    }

    /// The cutoff (the middle of the transition band), a fraction of the input Nyquist
    /// frequency in `(0, 1]`.
    pub const fn cutoff(&self) -> f64 {
        self.cutoff
    }

    /// The Kaiser window's shape, in `[0, MAX_BETA]`: 0 is rectangular; larger trades a
    /// wider transition band for more attenuation ([`kaiser_beta`]).
    pub const fn beta(&self) -> f64 {
        self.beta
    }

    /// Writes the taps, as many as `taps` holds, in `f64`, scaled to sum to `S`. Every
    /// tap is finite, and they sum to `S` (to rounding) for every design, of any length
    /// from 1; an empty `taps` is left as it is.
    pub fn fill(&self, taps: &mut [f64]) {
        let n = taps.len();
        if n == 0 {
            return;
        }
        // Cutoff in cycles per output sample; it may underflow to 0 for a tiny cutoff or a
        // huge stride, and then every sinc below is 1: the taps are the window.
        let fc = self.cutoff * 0.5 / self.stride as f64;
        let centre = (n - 1) as f64 / 2.0;
        // Finite and at least 1: `new` checked `beta <= MAX_BETA`.
        let norm = bessel_i0(self.beta);
        let mut sum = 0.0;
        for (k, tap) in taps.iter_mut().enumerate() {
            let t = k as f64 - centre;
            // The sinc over its value at 0 (`2 fc`), which the scaling to `S` cancels:
            // dividing by `2 pi fc t` rather than `pi t` keeps a tiny `fc` from making every
            // tap 0.
            let x = 2.0 * PI * fc * t;
            let sinc = if x == 0.0 { 1.0 } else { libm::sin(x) / x };
            let r = if n > 1 { t / centre } else { 0.0 };
            let window = bessel_i0(self.beta * libm::sqrt((1.0 - r * r).max(0.0))) / norm;
            *tap = sinc * window;
            sum += *tap;
        }
        // The sum is positive: the window is positive and falls away from the centre, the
        // sinc is 1 at the centre (odd `n`), and the partial sums of `sin(k x) / k` and of
        // `sin((2k - 1) y) / (2k - 1)` are positive for `0 < x, y < pi` (the Fejer-Jackson
        // inequality and its odd-harmonic companion; `x = 2 pi fc <= pi`), so by Abel
        // summation so is a sum of such terms with falling positive weights. Dividing each
        // tap by the sum before multiplying by `S` keeps a sum of tiny taps (a huge `beta`
        // leaves both taps of a 2-tap filter at `1 / I0(beta)`) from overflowing the scale.
        for tap in taps.iter_mut() {
            *tap = *tap / sum * self.stride as f64;
        }
    }

    /// `K` taps as `f32`, ready for `from_torch` (`[[taps]]` for a mono layer, one row per
    /// channel for a depthwise one). Finite, as [`Self::fill`]'s.
    pub fn taps<const K: usize>(&self) -> [f32; K] {
        let mut t = [0.0f64; K];
        self.fill(&mut t);
        t.map(|v| v as f32)
    }
}
