//! The one place that maps an element type and a [`Backend`] to a kernel, and the proof
//! that the CPU runs it.
//!
//! A [`Kernel`] can only be made by [`Kernel::new`], which asks the element type whether
//! this CPU runs the backend (detected at run time, once, with `std`; from
//! `cfg(target_feature)` without), or by [`Kernel::best`], whose backend is the detected
//! best. So a layer, a stream or a chain checks a forced backend once, when it makes its
//! `Kernel`, and every kernel call after that is safe.
//!
//! | element | `Scalar` | SSE2, AVX2, NEON | AVX-512 |
//! |---|---|---|---|
//! | `f32` | portable (`vmla` loop with an FPU on Arm) | `time` or `tile` | `time` or `tile` |
//! | `Q15` | portable (`SMLALD` loop with the DSP extension, 32-bit sums without) | `q15` | `q15` (with AVX-512BW) |
//! | `f64`, `Q31` | portable | — | — |

use core::marker::PhantomData;

use crate::activation::Activation;
use crate::backend::Backend;
use crate::error::Error;
use crate::fixed::{Q15, Q31};
use crate::kernels::element::sealed::Kernels;
use crate::kernels::element::Element;
use crate::kernels::plan::Args;
use crate::kernels::portable;
use crate::kernels::rows::Plain;

#[cfg(target_arch = "aarch64")]
use crate::kernels::aarch64::neon;
#[cfg(target_arch = "x86_64")]
use crate::kernels::x86_64::{avx2, avx512, sse2};

/// The portable kernel's inner loop for `f32`: Helium where the target has it, `vmla`
/// on Arm with an FPU.
#[cfg(conv_transpose_arm_mve)]
type F32Rows = crate::kernels::arm::mve::Mve;
#[cfg(all(
    target_arch = "arm",
    target_abi = "eabihf",
    not(conv_transpose_arm_mve)
))]
type F32Rows = crate::kernels::arm::vfp::Vfp;
#[cfg(not(all(target_arch = "arm", target_abi = "eabihf")))]
type F32Rows = Plain;

/// The portable kernel's inner loop for `Q15`: Helium's `vmlaldava`, `SMLALD` with the
/// DSP extension, 32-bit sums on other Arm cores.
#[cfg(conv_transpose_arm_mve)]
type Q15Rows = crate::kernels::arm::mve::Mve;
#[cfg(all(conv_transpose_arm_dsp, not(conv_transpose_arm_mve)))]
type Q15Rows = crate::kernels::arm::dsp::Dsp;
#[cfg(all(target_arch = "arm", not(conv_transpose_arm_dsp)))]
type Q15Rows = crate::kernels::arm::mul32::Mul32;
#[cfg(not(target_arch = "arm"))]
type Q15Rows = Plain;

/// A backend this CPU runs for element type `T`: holding one is the proof, so its
/// [`Kernel::forward`] is safe. (`pub` only because the sealed [`crate::Layer`] trait
/// names it; nothing outside the crate can make one.)
pub struct Kernel<T> {
    backend: Backend,
    element: PhantomData<fn() -> T>,
}

impl<T> Clone for Kernel<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Kernel<T> {}

impl<T: Element> Kernel<T> {
    /// `backend`, if this CPU runs it for `T`.
    ///
    /// # Errors
    /// [`Error::BackendUnavailable`] if the CPU lacks `backend` or it has no kernel for
    /// `T`.
    pub(crate) fn new(backend: Backend) -> Result<Self, Error> {
        if T::supports(backend) {
            Ok(Kernel {
                backend,
                element: PhantomData,
            })
        } else {
            Err(Error::BackendUnavailable { backend })
        }
    }

    /// The best backend for `T` on this CPU, which by its definition it runs.
    pub(crate) fn best() -> Self {
        Kernel {
            backend: T::best(),
            element: PhantomData,
        }
    }

    /// The backend.
    pub(crate) fn backend(self) -> Backend {
        self.backend
    }

    /// One forward pass; `acc` is `COUT/G` accumulators of scratch.
    #[inline]
    pub(crate) fn forward<A: Activation>(self, a: &mut Args<'_, T, A>, acc: &mut [T::Acc]) {
        // SAFETY: a `Kernel` exists only for a backend that `T::supports` (`new`), or
        // that is `T::best`, which it supports by definition.
        unsafe { T::forward(self.backend, a, acc) }
    }
}

impl Kernels for f32 {
    fn supports(backend: Backend) -> bool {
        backend.is_available()
    }

    fn best() -> Backend {
        Backend::best()
    }

    unsafe fn forward<A: Activation>(backend: Backend, a: &mut Args<'_, f32, A>, acc: &mut [f32]) {
        // The caller promises `supports(backend)`: `backend.is_available()`.
        match backend {
            // SAFETY: every x86_64 CPU has SSE2.
            #[cfg(target_arch = "x86_64")]
            Backend::Sse2 => unsafe { sse2::forward_f32(a) },
            // SAFETY: `Avx2.is_available()`: this CPU has AVX2 and FMA.
            #[cfg(target_arch = "x86_64")]
            Backend::Avx2 => unsafe { avx2::forward_f32(a) },
            // SAFETY: `Avx512.is_available()`: this CPU has AVX-512F.
            #[cfg(target_arch = "x86_64")]
            Backend::Avx512 => unsafe { avx512::forward_f32(a) },
            // SAFETY: `Neon.is_available()`: the target has NEON.
            #[cfg(target_arch = "aarch64")]
            Backend::Neon => unsafe { neon::forward_f32(a) },
            // `Scalar`; no other backend is supported here.
            _ => portable::forward::<f32, A, F32Rows>(a, acc),
        }
    }
}

/// `f64` has the portable kernel only.
impl Kernels for f64 {
    fn supports(backend: Backend) -> bool {
        backend == Backend::Scalar
    }

    fn best() -> Backend {
        Backend::Scalar
    }

    unsafe fn forward<A: Activation>(_: Backend, a: &mut Args<'_, f64, A>, acc: &mut [f64]) {
        portable::forward::<f64, A, Plain>(a, acc);
    }
}

/// `Q15` has the portable kernel everywhere and the `q15` SIMD body for mono and
/// channels-first depthwise layers on SSE2, AVX2, AVX-512BW and NEON.
impl Kernels for Q15 {
    fn supports(backend: Backend) -> bool {
        backend.is_available() && (backend != Backend::Avx512 || Backend::has_avx512bw())
    }

    fn best() -> Backend {
        [Backend::best(), Backend::Avx2, Backend::Sse2]
            .into_iter()
            .find(|&b| Self::supports(b))
            .unwrap_or(Backend::Scalar)
    }

    unsafe fn forward<A: Activation>(backend: Backend, a: &mut Args<'_, Q15, A>, acc: &mut [i64]) {
        // The caller promises `supports(backend)`: available, and AVX-512 with BW.
        match backend {
            // SAFETY: every x86_64 CPU has SSE2.
            #[cfg(target_arch = "x86_64")]
            Backend::Sse2 => unsafe { sse2::forward_q15(a, acc) },
            // SAFETY: `Avx2.is_available()`: this CPU has AVX2.
            #[cfg(target_arch = "x86_64")]
            Backend::Avx2 => unsafe { avx2::forward_q15(a, acc) },
            // SAFETY: `Avx512.is_available()` and `has_avx512bw()`: AVX-512F and BW.
            #[cfg(target_arch = "x86_64")]
            Backend::Avx512 => unsafe { avx512::forward_q15(a, acc) },
            // SAFETY: `Neon.is_available()`: the target has NEON.
            #[cfg(target_arch = "aarch64")]
            Backend::Neon => unsafe { neon::forward_q15(a, acc) },
            // `Scalar`; no other backend is supported here.
            _ => portable::forward::<Q15, A, Q15Rows>(a, acc),
        }
    }
}

/// `Q31` has the portable kernel only.
impl Kernels for Q31 {
    fn supports(backend: Backend) -> bool {
        backend == Backend::Scalar
    }

    fn best() -> Backend {
        Backend::Scalar
    }

    unsafe fn forward<A: Activation>(_: Backend, a: &mut Args<'_, Q31, A>, acc: &mut [i128]) {
        portable::forward::<Q31, A, Plain>(a, acc);
    }
}
