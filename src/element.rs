//! The element types a layer computes in.

use core::fmt::Debug;

use num_traits::float::FloatCore;

mod sealed {
    pub trait Sealed {}
    /// The IEEE float types, which share one implementation of [`super::Element`].
    pub trait Float {}
    impl Sealed for f32 {}
    impl Float for f32 {}
    impl Sealed for f64 {}
    impl Float for f64 {}
}

/// A number type a layer can compute in: `f32` and `f64` today.
///
/// The kernels work in three steps, and this trait names each of them, so that types
/// whose accumulator differs from the sample (fixed point: Q15 samples, 64-bit
/// accumulators) fit the same kernel body:
/// start an accumulator from the bias (or [`Element::Acc`]'s default, zero), add products
/// of input and weight with [`Element::mac`], and turn the sum back into a sample with
/// [`Element::finish`].
///
/// For the floats, the accumulator is the float itself and `mac` is `acc + x * w`, rounded
/// twice (no fused multiply-add in the portable kernel; SIMD kernels may fuse). NaN and
/// infinity propagate as IEEE arithmetic says: a NaN in an input frame or a weight makes
/// every output it reaches NaN, and nothing else.
///
/// The trait is sealed: the kernels rely on its arithmetic being what is documented here.
pub trait Element:
    sealed::Sealed + Copy + Default + PartialEq + Debug + Send + Sync + 'static
{
    /// The accumulator of a sum of products. Its `Default` is zero.
    type Acc: Copy + Default;

    /// The accumulator that starts an output's sum from a bias value.
    fn bias_acc(bias: Self) -> Self::Acc;

    /// `acc + x * w`.
    fn mac(acc: Self::Acc, x: Self, w: Self) -> Self::Acc;

    /// The finished output sample.
    fn finish(acc: Self::Acc) -> Self;
}

impl<F> Element for F
where
    F: sealed::Sealed + sealed::Float + FloatCore + Default + Debug + Send + Sync + 'static,
{
    type Acc = F;

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
