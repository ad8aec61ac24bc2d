//! The element types a layer computes in, and the arithmetic every kernel body is written
//! against.

use core::fmt::Debug;

use num_traits::float::FloatCore;

use crate::fixed::{self, Q15, Q31};

pub(crate) mod sealed {
    use crate::activation::Activation;
    use crate::backend::Backend;
    use crate::kernels::plan::Args;

    /// The arithmetic of a finished sample beyond [`super::Element`]: the activations.
    pub trait Sealed {
        /// [`crate::Relu`] of a finished sample.
        fn relu(self) -> Self;

        /// [`crate::LeakyRelu`] of a finished sample.
        fn leaky_relu(self, slope: f32) -> Self;

        /// [`crate::Tanh`] of a finished sample.
        fn tanh(self) -> Self;
    }

    /// What the layers need of an element type: its kernels. Declared here, implemented
    /// for each type in `kernels::dispatch`, the one place that maps a type and a
    /// backend to a kernel; the layers reach it only through `kernels::dispatch::Kernel`.
    pub trait Kernels {
        /// Whether `backend` runs this type on this CPU (or, without `std`, target).
        fn supports(backend: Backend) -> bool;

        /// The backend a layer's `forward` uses for this type; [`Kernels::supports`] it.
        fn best() -> Backend;

        /// One forward pass on `backend`; `acc` is `COUT/G` accumulators of scratch.
        ///
        /// # Safety
        /// [`Kernels::supports`] said `true` for `backend`.
        unsafe fn forward<A: Activation>(
            backend: Backend,
            a: &mut Args<'_, Self, A>,
            acc: &mut [<Self as super::Element>::Acc],
        ) where
            Self: super::Element + Sized;
    }

    /// The IEEE float types, which share one implementation of [`super::Element`].
    pub trait Float {
        /// Zero, for `const` contexts.
        const ZERO: Self;
    }

    impl Sealed for f32 {
        #[inline(always)]
        fn relu(self) -> f32 {
            if self < 0.0 {
                0.0
            } else {
                self
            }
        }

        #[inline(always)]
        fn leaky_relu(self, slope: f32) -> f32 {
            if self < 0.0 {
                self * slope
            } else {
                self
            }
        }

        #[inline(always)]
        fn tanh(self) -> f32 {
            libm::tanhf(self)
        }
    }
    impl Float for f32 {
        const ZERO: f32 = 0.0;
    }

    impl Sealed for f64 {
        #[inline(always)]
        fn relu(self) -> f64 {
            if self < 0.0 {
                0.0
            } else {
                self
            }
        }

        #[inline(always)]
        fn leaky_relu(self, slope: f32) -> f64 {
            if self < 0.0 {
                self * f64::from(slope)
            } else {
                self
            }
        }

        #[inline(always)]
        fn tanh(self) -> f64 {
            libm::tanh(self)
        }
    }
    impl Float for f64 {
        const ZERO: f64 = 0.0;
    }

    impl Sealed for crate::fixed::Q15 {
        #[inline(always)]
        fn relu(self) -> Self {
            Self::from_bits(self.to_bits().max(0))
        }

        #[inline(always)]
        fn leaky_relu(self, slope: f32) -> Self {
            if self.to_bits() >= 0 {
                return self;
            }
            let v = super::mul_round(i64::from(self.to_bits()), slope);
            Self::from_bits(v.clamp(i16::MIN.into(), i16::MAX.into()) as i16)
        }

        #[inline(always)]
        fn tanh(self) -> Self {
            Self::from_f32(libm::tanhf(self.to_f32()))
        }
    }

    impl Sealed for crate::fixed::Q31 {
        #[inline(always)]
        fn relu(self) -> Self {
            Self::from_bits(self.to_bits().max(0))
        }

        #[inline(always)]
        fn leaky_relu(self, slope: f32) -> Self {
            if self.to_bits() >= 0 {
                return self;
            }
            let v = super::mul_round(i64::from(self.to_bits()), slope);
            Self::from_bits(v.clamp(i32::MIN.into(), i32::MAX.into()) as i32)
        }

        #[inline(always)]
        fn tanh(self) -> Self {
            Self::from_f64(libm::tanh(self.to_f64()))
        }
    }
}

/// A number type a layer can compute in: `f32` (every [`crate::Backend`]), `f64`
/// ([`crate::Backend::Scalar`] only), and the fixed-point [`Q15`] (every backend;
/// SIMD for mono and depthwise layers) and [`Q31`] (portable kernel only), whose
/// arithmetic is exact and so the same on every backend ([`crate::fixed`]).
///
/// The kernels work in three steps, and this trait names each of them, so that types
/// whose accumulator differs from the sample (fixed point: Q15 samples, 64-bit
/// accumulators) fit the same kernel body:
/// start an accumulator from the bias (or [`Element::Acc`]'s default, zero), add products
/// of input and weight with [`Element::mac`], and turn the sum back into a sample with
/// [`Element::finish`].
///
/// For the floats, the accumulator is the float itself and `mac` is `acc + x * w`, rounded
/// twice in the portable and SSE2 kernels; the AVX2, AVX-512 and NEON kernels fuse it
/// (one rounding) and sum in another order, so backends agree to rounding, not to the
/// bit. NaN and infinity propagate as IEEE arithmetic says: a NaN in an input frame or a
/// weight makes every output it reaches NaN, and nothing else. (Only the sign of a zero
/// output may differ between backends.)
///
/// The trait is sealed: the kernels rely on its arithmetic being what is documented here.
pub trait Element:
    sealed::Sealed + sealed::Kernels + Copy + Default + PartialEq + Debug + Send + Sync + 'static
{
    /// The accumulator of a sum of products. Its `Default` is zero.
    type Acc: Copy + Default;

    /// Zero, usable in `const` contexts (a stream state's initial value).
    const ZERO: Self;

    /// The accumulator that starts an output's sum from a bias value.
    fn bias_acc(bias: Self) -> Self::Acc;

    /// `acc + x * w`.
    fn mac(acc: Self::Acc, x: Self, w: Self) -> Self::Acc;

    /// The finished output sample.
    fn finish(acc: Self::Acc) -> Self;
}

impl<F> Element for F
where
    F: sealed::Sealed
        + sealed::Kernels
        + sealed::Float
        + FloatCore
        + Default
        + Debug
        + Send
        + Sync
        + 'static,
{
    type Acc = F;

    const ZERO: F = <F as sealed::Float>::ZERO;

    #[inline(always)]
    fn bias_acc(bias: F) -> F {
        bias
    }

    #[inline(always)]
    fn mac(acc: F, x: F, w: F) -> F {
        acc + x * w
    }

    #[inline(always)]
    fn finish(acc: F) -> F {
        acc
    }
}

impl Element for Q15 {
    /// Q30 products summed exactly (see [`crate::fixed`]).
    type Acc = i64;

    const ZERO: Self = Q15::ZERO;

    #[inline(always)]
    fn bias_acc(bias: Self) -> i64 {
        i64::from(bias.to_bits()) << 15
    }

    #[inline(always)]
    fn mac(acc: i64, x: Self, w: Self) -> i64 {
        acc + i64::from(i32::from(x.to_bits()) * i32::from(w.to_bits()))
    }

    #[inline(always)]
    fn finish(acc: i64) -> Self {
        fixed::finish_q15(acc)
    }
}

impl Element for Q31 {
    /// Q62 products summed exactly (see [`crate::fixed`]).
    type Acc = i128;

    const ZERO: Self = Q31::ZERO;

    #[inline(always)]
    fn bias_acc(bias: Self) -> i128 {
        i128::from(bias.to_bits()) << 31
    }

    #[inline(always)]
    fn mac(acc: i128, x: Self, w: Self) -> i128 {
        acc + i128::from(i64::from(x.to_bits()) * i64::from(w.to_bits()))
    }

    #[inline(always)]
    fn finish(acc: i128) -> Self {
        fixed::finish_q31(acc)
    }
}

/// `v * slope`, rounded to the nearest integer (ties away from zero), exactly, for `|v|
/// <= 2^31` (every `i32`, `i32::MIN` included) and a finite `slope` (the product of a
/// 32-bit and a 24-bit integer fits an `i64`); saturated to `i64`. A NaN slope gives 0,
/// an infinite one saturates.
pub(crate) fn mul_round(v: i64, slope: f32) -> i64 {
    debug_assert!(v.unsigned_abs() <= 1 << 31);
    if slope.is_nan() || v == 0 {
        return 0;
    }
    let negative = (v < 0) != slope.is_sign_negative();
    if slope.is_infinite() {
        return if negative { i64::MIN } else { i64::MAX };
    }
    let bits = slope.to_bits();
    let exp = ((bits >> 23) & 0xff) as i32;
    let frac = u64::from(bits & 0x7f_ffff);
    // |slope| = m * 2^e exactly.
    let (m, e) = if exp == 0 {
        (frac, -149)
    } else {
        (frac | 1 << 23, exp - 150)
    };
    let mag = u128::from(v.unsigned_abs() * m);
    let mag = if e >= 0 {
        // mag <= 2^55: a shift of at most 60 stays inside a u128; larger ones saturate.
        if e > 60 {
            u128::MAX
        } else {
            mag << e
        }
    } else {
        let sh = (-e) as u32;
        if sh >= 64 {
            0
        } else {
            (mag + (1 << (sh - 1))) >> sh
        }
    };
    let mag = i64::try_from(mag).unwrap_or(i64::MAX);
    if negative {
        -mag
    } else {
        mag
    }
}
