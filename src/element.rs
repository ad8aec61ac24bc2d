//! The element types a layer computes in.

use core::fmt::Debug;

use num_traits::float::FloatCore;

pub(crate) mod sealed {
    use crate::kernels::{self, scalar::ROWS, Args};
    use crate::{Activation, Backend, Element, Error};

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
        fn kernel<A: Activation>(
            backend: Backend,
            a: &mut Args<'_, Self, A>,
            acc: &mut [<Self as Element>::Acc],
        ) -> Result<(), Error>
        where
            Self: Element + Sized;

        /// [`crate::Relu`] of a finished sample.
        fn relu(self) -> Self;

        /// [`crate::LeakyRelu`] of a finished sample.
        fn leaky_relu(self, slope: f32) -> Self;

        /// [`crate::Tanh`] of a finished sample.
        fn tanh(self) -> Self;

        /// `blocks * ROWS` consecutive outputs of one phase of the portable kernel's
        /// time-blocked path: `y[m * y_step] = act(finish(start[m % ROWS] + sum_j
        /// x[m - j * x_step] * w[j * w_step]))` for `m < blocks * ROWS`, taps in
        /// increasing `j`, each product rounded before it is added. Types override it
        /// where a target has a better instruction sequence than the compiler finds.
        ///
        /// # Safety
        /// `x - j * x_step .. + blocks * ROWS` and `w + j * w_step` are readable for
        /// every `j < count`, and `y + m * y_step` writable for every
        /// `m < blocks * ROWS`, apart from the inputs.
        #[inline(always)]
        #[allow(clippy::too_many_arguments)]
        unsafe fn rows<A: Activation>(
            start: &[<Self as Element>::Acc; ROWS],
            x: *const Self,
            x_step: usize,
            w: *const Self,
            w_step: usize,
            count: usize,
            y: *mut Self,
            y_step: usize,
            blocks: usize,
            act: A,
        ) where
            Self: Element + Sized,
        {
            // SAFETY: the caller's promise, passed on.
            unsafe {
                kernels::scalar::rows_blocks(
                    start, x, x_step, w, w_step, count, y, y_step, blocks, act,
                )
            }
        }
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

        fn kernel<A: Activation>(
            backend: Backend,
            a: &mut Args<'_, f32, A>,
            acc: &mut [f32],
        ) -> Result<(), Error> {
            kernels::forward_f32(backend, a, acc)
        }

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

        /// On ARM with a hardware FPU: one `vldm` of the twelve inputs, one `vldr` of the
        /// weight and twelve `vmla` per tap. `vmla` rounds the product before adding, as
        /// the portable body does, so the results are the same to the bit.
        /// `vmla` cannot hold the outputs for the activation, so it runs over each
        /// block's twelve outputs as they are stored.
        #[cfg(all(target_arch = "arm", target_abi = "eabihf"))]
        #[inline(always)]
        unsafe fn rows<A: Activation>(
            start: &[f32; ROWS],
            x: *const f32,
            x_step: usize,
            w: *const f32,
            w_step: usize,
            count: usize,
            y: *mut f32,
            y_step: usize,
            blocks: usize,
            act: A,
        ) {
            for b in 0..blocks {
                let y = y.wrapping_add(b * ROWS * y_step);
                // SAFETY: the caller's promise, block by block.
                unsafe {
                    kernels::arm::rows(start, x.add(b * ROWS), x_step, w, w_step, count, y, y_step);
                    if !A::IDENTITY {
                        for m in 0..ROWS {
                            let y = y.add(m * y_step);
                            y.write(act.apply(y.read()));
                        }
                    }
                }
            }
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

        fn kernel<A: Activation>(
            backend: Backend,
            a: &mut Args<'_, f64, A>,
            acc: &mut [f64],
        ) -> Result<(), Error> {
            if !Self::supports(backend) {
                return Err(Error::BackendUnavailable { backend });
            }
            kernels::scalar::forward(a, acc);
            Ok(())
        }

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

    /// `Q15` has the portable kernel everywhere and SIMD kernels for mono and
    /// channels-first depthwise layers (see `kernels::q15`).
    impl Sealed for crate::Q15 {
        fn best_backend() -> Backend {
            kernels::q15::best()
        }

        fn supports(backend: Backend) -> bool {
            kernels::q15::supports(backend)
        }

        fn kernel<A: Activation>(
            backend: Backend,
            a: &mut Args<'_, crate::Q15, A>,
            acc: &mut [i64],
        ) -> Result<(), Error> {
            kernels::q15::forward(backend, a, acc)
        }

        #[inline(always)]
        fn relu(self) -> Self {
            crate::Q15::from_bits(self.to_bits().max(0))
        }

        #[inline(always)]
        fn leaky_relu(self, slope: f32) -> Self {
            if self.to_bits() >= 0 {
                return self;
            }
            let v = crate::activation::mul_round(i64::from(self.to_bits()), slope);
            crate::Q15::from_bits(v.clamp(i16::MIN.into(), i16::MAX.into()) as i16)
        }

        #[inline(always)]
        fn tanh(self) -> Self {
            crate::Q15::from_f32(libm::tanhf(self.to_f32()))
        }

        /// On Cortex-M4/M7 (the DSP extension): `SMLALD`, two multiply-adds into a 64-bit
        /// accumulator per instruction, four outputs at a time; see `kernels::arm_dsp`.
        /// The activation runs over the outputs once the assembly has stored them.
        #[cfg(conv_transpose_arm_dsp)]
        #[inline(always)]
        unsafe fn rows<A: Activation>(
            start: &[i64; ROWS],
            x: *const crate::Q15,
            x_step: usize,
            w: *const crate::Q15,
            w_step: usize,
            count: usize,
            y: *mut crate::Q15,
            y_step: usize,
            blocks: usize,
            act: A,
        ) {
            // SAFETY: the caller's promise, passed on.
            unsafe {
                kernels::arm_dsp::rows(start, x, x_step, w, w_step, count, y, y_step, blocks);
                if !A::IDENTITY {
                    for m in 0..blocks * ROWS {
                        let y = y.add(m * y_step);
                        y.write(act.apply(y.read()));
                    }
                }
            }
        }
    }

    /// `Q31` has the portable kernel only.
    impl Sealed for crate::Q31 {
        fn best_backend() -> Backend {
            Backend::Scalar
        }

        fn supports(backend: Backend) -> bool {
            backend == Backend::Scalar
        }

        fn kernel<A: Activation>(
            backend: Backend,
            a: &mut Args<'_, crate::Q31, A>,
            acc: &mut [i128],
        ) -> Result<(), Error> {
            if !Self::supports(backend) {
                return Err(Error::BackendUnavailable { backend });
            }
            kernels::scalar::forward(a, acc);
            Ok(())
        }

        #[inline(always)]
        fn relu(self) -> Self {
            crate::Q31::from_bits(self.to_bits().max(0))
        }

        #[inline(always)]
        fn leaky_relu(self, slope: f32) -> Self {
            if self.to_bits() >= 0 {
                return self;
            }
            let v = crate::activation::mul_round(i64::from(self.to_bits()), slope);
            crate::Q31::from_bits(v.clamp(i32::MIN.into(), i32::MAX.into()) as i32)
        }

        #[inline(always)]
        fn tanh(self) -> Self {
            crate::Q31::from_f64(libm::tanh(self.to_f64()))
        }
    }
}

/// A number type a layer can compute in: `f32` (every [`crate::Backend`]), `f64`
/// ([`crate::Backend::Scalar`] only), and the fixed-point [`crate::Q15`] (every backend;
/// SIMD for mono and depthwise layers) and [`crate::Q31`] (portable kernel only), whose
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

impl Element for crate::Q15 {
    /// Q30 products summed exactly (see [`crate::fixed`]).
    type Acc = i64;

    const ZERO: Self = crate::Q15::ZERO;

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
        crate::fixed::finish_q15(acc)
    }
}

impl Element for crate::Q31 {
    /// Q62 products summed exactly (see [`crate::fixed`]).
    type Acc = i128;

    const ZERO: Self = crate::Q31::ZERO;

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
        crate::fixed::finish_q31(acc)
    }
}
