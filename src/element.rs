//! The element types a layer computes in.

use core::fmt::Debug;

use num_traits::float::FloatCore;

pub(crate) mod sealed {
    use crate::kernels::{self, Args};
    use crate::{Backend, Element, Error};

    /// What the layers need of an element type beyond [`Element`]: its kernels.
    pub trait Sealed {
        /// The backend a layer's `forward` uses for this type.
        fn best_backend() -> Backend;

        /// Whether `backend` can run this type here.
        fn supports(backend: Backend) -> bool;

        /// One forward pass on `backend`; `acc` is `COUT/G` accumulators of scratch.
        ///
        /// # Errors
        /// [`Error::BackendUnavailable`] if the CPU lacks `backend` or it has no kernel
        /// for this type; nothing is written then.
        fn kernel(
            backend: Backend,
            a: &mut Args<'_, Self>,
            acc: &mut [<Self as Element>::Acc],
        ) -> Result<(), Error>
        where
            Self: Element + Sized;
    }

    /// The IEEE float types, which share one implementation of [`super::Element`].
    pub trait Float {
        /// Zero, for `const` contexts.
        const ZERO: Self;
    }

    impl Sealed for f32 {
        fn best_backend() -> Backend {
            Backend::best()
        }

        fn supports(backend: Backend) -> bool {
            backend.is_available()
        }

        fn kernel(backend: Backend, a: &mut Args<'_, f32>, acc: &mut [f32]) -> Result<(), Error> {
            kernels::forward_f32(backend, a, acc)
        }
    }
    impl Float for f32 {
        const ZERO: f32 = 0.0;
    }

    /// `f64` has the portable kernel only.
    impl Sealed for f64 {
        fn best_backend() -> Backend {
            Backend::Scalar
        }

        fn supports(backend: Backend) -> bool {
            backend == Backend::Scalar
        }

        fn kernel(backend: Backend, a: &mut Args<'_, f64>, acc: &mut [f64]) -> Result<(), Error> {
            if !Self::supports(backend) {
                return Err(Error::BackendUnavailable { backend });
            }
            kernels::scalar::forward(a, acc);
            Ok(())
        }
    }
    impl Float for f64 {
        const ZERO: f64 = 0.0;
    }
}

/// A number type a layer can compute in: `f32` (every [`crate::Backend`]) and `f64`
/// ([`crate::Backend::Scalar`] only) today.
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
    sealed::Sealed + Copy + Default + PartialEq + Debug + Send + Sync + 'static
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
    F: sealed::Sealed + sealed::Float + FloatCore + Default + Debug + Send + Sync + 'static,
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
