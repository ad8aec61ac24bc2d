//! Fixed-point samples for parts without an FPU: [`Q15`] and [`Q31`].
//!
//! A `Q15` holds `i16` bits that mean `bits / 2^15`, a `Q31` `i32` bits that mean
//! `bits / 2^31`: both cover `[-1, 1)`. They are newtypes, so a raw integer is never taken
//! for a sample by accident; [`Q15::from_bits`] and [`Q15::to_bits`] say which side of the
//! scaling a value is on, and [`Q15::from_f32`] / [`Q15::to_f32`] convert values.
//!
//! # Arithmetic
//! Each output is one exact sum, rounded once, the way CMSIS-DSP's interpolators
//! (`arm_fir_interpolate_q15` / `_q31`) define it:
//!
//! ```text
//! Q15: y = sat16((bias << 15) + sum x*w) >> 15)     products Q30, accumulator 64-bit
//! Q31: y = sat32((bias << 31) + sum x*w) >> 31)     products Q62, accumulator exact
//! ```
//!
//! The shift is arithmetic (it rounds toward minus infinity, no rounding constant is
//! added), then the value saturates to the sample's range. The sum is exact, so it does
//! not depend on the order of the terms and every backend gives the same bits.
//!
//! - **Q15** accumulates in 64 bits, which is exact for any layer that fits in memory
//!   (a product is at most `2^30`; 2^33 of them fit). This is CMSIS-DSP's
//!   `arm_fir_interpolate_q15` bit for bit (it computes `__SSAT(sum >> 15, 16)` on a
//!   `q63_t`), with one difference no real filter reaches: CMSIS casts `sum >> 15` to
//!   32 bits before saturating, which wraps beyond `2^16` full-scale products.
//! - **Q31** products are 62-bit: CMSIS-DSP's `arm_fir_interpolate_q31` adds them in a
//!   `q63_t` (the "2.62" accumulator, one guard bit) and stores `(q31_t)(sum >> 31)`.
//!   Both steps wrap, and together they give the exact `floor(sum / 2^31)` **wrapped to
//!   32 bits** (the accumulator's wrap only touches bits the cast drops): a result
//!   beyond `±1.0` comes out with the opposite sign instead of clipping (CMSIS's
//!   documentation says it saturates; its code truncates). Here the sum is carried
//!   exactly (128 bits in the portable kernel) and the result saturates, so the two
//!   agree to the bit wherever the result is in range and differ exactly where this
//!   crate clips (`tests/cmsis.rs` checks both on CMSIS's own output). There is no
//!   wrapping mode.
//!
//! Saturation is the only non-linearity. [`Q15::taps_for`] and [`Q31::taps_for`] quantise
//! a designed filter with the headroom that rules it out for any input, or return a
//! [`QuantiseError`] saying why they cannot (a stride of 0, a tap that is not finite, taps
//! that all round to zero).
//!
//! ```
//! use conv_transpose::{ConvTranspose1d, Q15};
//!
//! // Upsampling by 2 with a 4-tap half-band-ish filter, in Q15.
//! type Up = ConvTranspose1d<4, 1, 1, 4, 2, 0, 1, 0, Q15>;
//! let taps = [0.25f32, 0.5, 0.75, 0.5];
//! let up = Up::from_torch(&[[Q15::from_f32_array(&taps)]], None);
//!
//! let x = [[Q15::from_f32(0.5)], [Q15::from_f32(-0.5)], [Q15::MIN], [Q15::MAX]];
//! let mut y = [[Q15::ZERO]; Up::OUT_LEN];
//! up.forward(&x, &mut y);
//! // Output 2 = x[1]*w[0] + x[0]*w[2] = -0.125 + 0.375, exactly representable.
//! assert_eq!(y[2][0], Q15::from_f32(0.25));
//! // Output 6 = x[3]*w[0] + x[2]*w[2] = (1 - 2^-15)/4 - 3/4: the exact sum of the
//! // raw products, shifted once (toward minus infinity).
//! assert_eq!(y[6][0].to_bits(), ((32767 * 8192 - 32768 * 24576) >> 15) as i16);
//! ```

use core::fmt;

/// Rounds `v` to the nearest integer, halves away from zero, saturating to
/// `min..=max`; NaN gives zero. `const`, so statics can be quantised at compile time.
const fn round_saturate(v: f64, min: i64, max: i64) -> i64 {
    if v.is_nan() {
        return 0;
    }
    if v >= max as f64 {
        return max;
    }
    if v <= min as f64 {
        return min;
    }
    // |v| < 2^31 here, so the truncation and the fraction are exact.
    let t = v as i64;
    let frac = v - t as f64;
    if frac >= 0.5 {
        t + 1
    } else if frac <= -0.5 {
        t - 1
    } else {
        t
    }
}

macro_rules! fixed {
    ($name:ident, $bits:ty, $frac:literal, $doc:literal) => {
        #[doc = $doc]
        ///
        /// See the [module documentation](crate::fixed) for the arithmetic layers use.
        #[repr(transparent)]
        #[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name($bits);

        impl $name {
            /// Fractional bits: the value is `bits / 2^FRAC_BITS`.
            pub const FRAC_BITS: u32 = $frac;
            /// `-1.0`.
            pub const MIN: Self = Self(<$bits>::MIN);
            /// `1 - 2^-FRAC_BITS`, the largest value.
            pub const MAX: Self = Self(<$bits>::MAX);
            /// `0.0`.
            pub const ZERO: Self = Self(0);

            /// The sample whose raw bits are `bits` (value `bits / 2^FRAC_BITS`).
            #[inline(always)]
            pub const fn from_bits(bits: $bits) -> Self {
                Self(bits)
            }

            /// The raw bits (the value times `2^FRAC_BITS`).
            #[inline(always)]
            pub const fn to_bits(self) -> $bits {
                self.0
            }

            /// The nearest sample to `v` (halves away from zero), saturating outside
            /// `[-1, 1)`; NaN gives zero.
            pub const fn from_f64(v: f64) -> Self {
                let scaled = v * (1u64 << $frac) as f64;
                Self(round_saturate(scaled, <$bits>::MIN as i64, <$bits>::MAX as i64) as $bits)
            }

            /// The nearest sample to `v`, as [`Self::from_f64`] (`f32` converts exactly).
            pub const fn from_f32(v: f32) -> Self {
                Self::from_f64(v as f64)
            }

            /// The value, exactly.
            pub const fn to_f64(self) -> f64 {
                self.0 as f64 / (1u64 << $frac) as f64
            }

            /// The value, rounded to `f32` (exact for `Q15`).
            pub const fn to_f32(self) -> f32 {
                self.to_f64() as f32
            }

            /// [`Self::from_f32`] of every element, for `static` weights:
            /// `Layer::from_torch(&[[Q15::from_f32_array(&TAPS)]], None)`.
            pub const fn from_f32_array<const N: usize>(v: &[f32; N]) -> [Self; N] {
                let mut out = [Self::ZERO; N];
                let mut i = 0;
                while i < N {
                    out[i] = Self::from_f32(v[i]);
                    i += 1;
                }
                out
            }

            /// Converts `src` into `dst` element by element, as [`Self::from_f32`].
            ///
            /// # Panics
            /// If the lengths differ.
            pub fn from_f32_slice(src: &[f32], dst: &mut [Self]) {
                assert_eq!(src.len(), dst.len(), "from_f32_slice: lengths differ");
                for (d, &s) in dst.iter_mut().zip(src) {
                    *d = Self::from_f32(s);
                }
            }

            /// Converts `src` into `dst` element by element, as [`Self::to_f32`].
            ///
            /// # Panics
            /// If the lengths differ.
            pub fn to_f32_slice(src: &[Self], dst: &mut [f32]) {
                assert_eq!(src.len(), dst.len(), "to_f32_slice: lengths differ");
                for (d, s) in dst.iter_mut().zip(src) {
                    *d = s.to_f32();
                }
            }

            /// Quantises the taps of a mono (or depthwise) upsampler of stride `stride`
            /// so that **no output can saturate, for any input**: every phase's taps
            /// (`taps[r], taps[r + S], ...`) get `sum |w| <= 1 - 2^-FRAC_BITS` in raw
            /// units, and then `|y| <= sum |w| * 1`. A filter that already has that
            /// headroom is quantised as it is (`gain == 1`); otherwise it is scaled down
            /// by `gain` first (the output level drops by `20 log10(gain)` dB), and nudged
            /// further (by factors of `1 - 2^-FRAC_BITS`) if rounding ate the margin. A
            /// layer using these taps needs no bias, or a bias within what is left. A
            /// filter of zeros quantises to zeros.
            ///
            /// The time is proportional to the number of taps `K`, whatever the stride:
            /// only the `min(S, K)` phases that hold taps are visited, and each pass over
            /// them reads every tap once. Rounding can exceed a phase's budget by at most
            /// half a raw unit per tap, and each nudge takes about one unit off, so there
            /// are at most `ceil(K / S) / 2 + 1` passes.
            ///
            /// ```
            #[doc = concat!(
                                "use conv_transpose::{design::Interpolator, fixed::QuantiseError, ",
                                stringify!($name),
                                "};"
                            )]
            ///
            /// let taps = Interpolator::for_attenuation(3, 48, 60.0)?.taps::<48>(); // sums to 3
            #[doc = concat!("let q = ", stringify!($name), "::taps_for(&taps, 3)?;")]
            /// assert!(q.gain < 1.0 && q.gain > 0.5); // the phases' |taps| sum to about 1.58
            /// for r in 0..3 {
            ///     let l1: i64 = q.taps[r..].iter().step_by(3).map(|w| i64::from(w.to_bits()).abs()).sum();
            #[doc = concat!("    assert!(l1 <= i64::from(", stringify!($bits), "::MAX));")]
            /// }
            ///
            /// let mut broken = taps;
            /// broken[7] = f32::NAN;
            #[doc = concat!("let e = ", stringify!($name), "::taps_for(&broken, 3);")]
            /// assert_eq!(e, Err(QuantiseError::NonFiniteTap { index: 7 }));
            /// # Ok::<(), Box<dyn std::error::Error>>(())
            /// ```
            ///
            /// # Errors
            /// [`QuantiseError::StrideZero`]; [`QuantiseError::NonFiniteTap`] for the
            /// first tap that is NaN or infinite (rather than quantising NaN to 0, or
            /// an infinite tap to a gain of 0 and every tap to 0);
            /// [`QuantiseError::Vanishes`] if the taps are not all zero but every one
            /// rounds to zero (they are too small for the format, or a phase's many small
            /// taps force a gain that leaves each below half a unit).
            pub fn taps_for<const K: usize>(
                taps: &[f32; K],
                stride: usize,
            ) -> Result<Quantised<Self, K>, QuantiseError> {
                if stride == 0 {
                    return Err(QuantiseError::StrideZero);
                }
                if let Some(index) = taps.iter().position(|t| !t.is_finite()) {
                    return Err(QuantiseError::NonFiniteTap { index });
                }
                // Phases `K..S` hold no taps; phase `r < K` holds `taps[r], taps[r + S], ..`.
                let phases = stride.min(K);
                let limit = <$bits>::MAX as i64;
                let worst = |q: &[Self; K]| -> i64 {
                    (0..phases)
                        .map(|r| {
                            q[r..]
                                .iter()
                                .step_by(stride)
                                .map(|w| (w.0 as i64).abs())
                                .sum::<i64>()
                        })
                        .max()
                        .unwrap_or(0)
                };
                // Finite: `K` finite `f32` magnitudes sum far below `f64::MAX`.
                let worst_f = (0..phases)
                    .map(|r| {
                        taps[r..]
                            .iter()
                            .step_by(stride)
                            .map(|&w| libm::fabs(w as f64))
                            .sum::<f64>()
                    })
                    .fold(0.0, f64::max);
                let full = (1u64 << $frac) as f64;
                let mut gain = if worst_f * full > limit as f64 {
                    limit as f64 / (worst_f * full)
                } else {
                    1.0
                };
                loop {
                    let mut q = [Self::ZERO; K];
                    for (q, &t) in q.iter_mut().zip(taps) {
                        *q = Self::from_f64(t as f64 * gain);
                    }
                    if worst(&q) <= limit {
                        if q.iter().all(|w| w.0 == 0) && taps.iter().any(|&t| t != 0.0) {
                            return Err(QuantiseError::Vanishes);
                        }
                        return Ok(Quantised { taps: q, gain });
                    }
                    gain *= 1.0 - 1.0 / full;
                }
            }
        }

        impl fmt::Debug for $name {
            /// `Q15(16384 = 0.5)`: the bits and the value.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({} = {})", stringify!($name), self.0, self.to_f64())
            }
        }

        impl fmt::Display for $name {
            /// The value.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.to_f64(), f)
            }
        }

        #[cfg(feature = "defmt")]
        impl defmt::Format for $name {
            fn format(&self, f: defmt::Formatter<'_>) {
                defmt::write!(f, "{}({})", stringify!($name), self.0)
            }
        }
    };
}

fixed!(
    Q15,
    i16,
    15,
    "A Q15 fixed-point sample: `i16` bits meaning `bits / 2^15`, in `[-1, 1 - 2^-15]`."
);
fixed!(
    Q31,
    i32,
    31,
    "A Q31 fixed-point sample: `i32` bits meaning `bits / 2^31`, in `[-1, 1 - 2^-31]`."
);

/// Taps quantised with headroom by [`Q15::taps_for`] or [`Q31::taps_for`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quantised<T, const K: usize> {
    /// The quantised taps, in the order given.
    pub taps: [T; K],
    /// The factor the taps were multiplied by before rounding (in `(0, 1]`).
    pub gain: f64,
}

/// Why [`Q15::taps_for`] or [`Q31::taps_for`] refused a filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum QuantiseError {
    /// The stride is 0; it must be at least 1.
    StrideZero,
    /// A tap is NaN or infinite; every tap must be a finite number.
    NonFiniteTap {
        /// The index of the first such tap.
        index: usize,
    },
    /// The taps are not all zero, but every one of them rounds to zero.
    Vanishes,
}

impl fmt::Display for QuantiseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QuantiseError::StrideZero => write!(f, "the stride must be at least 1, not 0"),
            QuantiseError::NonFiniteTap { index } => write!(
                f,
                "tap {index} is NaN or infinite; every tap must be finite"
            ),
            QuantiseError::Vanishes => write!(
                f,
                "every tap rounds to zero in this format, though not every tap is zero"
            ),
        }
    }
}

impl core::error::Error for QuantiseError {}

/// The exact Q15 output: `sat16(acc >> 15)`.
#[inline(always)]
pub(crate) fn finish_q15(acc: i64) -> Q15 {
    Q15((acc >> 15).clamp(i16::MIN as i64, i16::MAX as i64) as i16)
}

/// The exact Q31 output: `sat32(acc >> 31)`.
#[inline(always)]
pub(crate) fn finish_q31(acc: i128) -> Q31 {
    Q31((acc >> 31).clamp(i32::MIN as i128, i32::MAX as i128) as i32)
}
