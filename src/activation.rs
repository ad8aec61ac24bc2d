//! Activations fused into a layer's forward pass: bias, then the activation, applied to
//! each output while the kernel still holds it (in a register on the SIMD backends),
//! before it is stored. `layer.forward_act(&x, &mut y, LeakyRelu(0.1))` writes what
//! `forward` and then PyTorch's `F.leaky_relu(y, 0.1)` would, in one pass over `y`.
//!
//! | type | PyTorch | `f32` / `f64` | [`crate::Q15`] / [`crate::Q31`] |
//! |---|---|---|---|
//! | [`Identity`] | (none) | `y` | `y` |
//! | [`Relu`] | `nn.ReLU` | `y < 0 ? 0 : y` | the same |
//! | [`LeakyRelu`] | `nn.LeakyReLU(slope)` | `y < 0 ? y * slope : y` | `y * slope` rounded to nearest (ties away from zero) and saturated, exactly |
//! | [`Tanh`] | `nn.Tanh` | `libm`'s `tanhf` / `tanh`; see below | `tanh` of the value, rounded as `from_f32` / `from_f64` round |
//!
//! NaN stays NaN through every activation (ReLU of NaN is NaN, as in PyTorch).
//!
//! # Tanh on the SIMD backends
//! The portable kernel calls `libm` (correctly rounded to within an ulp). The SSE2, AVX2,
//! AVX-512 and NEON kernels evaluate, in registers, `x * P(x^2) / Q(x^2)` on `x` clamped
//! to `[-9, 9]` (beyond which `tanhf` is `±1` to the nearest `f32`), with `P` of degree 5
//! and `Q` of degree 3 in `x^2`, then clamp the result to `[-1, 1]`. The coefficients are
//! our own minimax fit of the relative error (`tools/tanh_fit.py`); the tests hold every
//! backend to within 8 ulp of `libm`'s `tanhf` (absolute `2^-26` near zero), over a dense
//! sweep of `[-10, 10]` and the special values.
//!
//! Fixed point applies the activation to the finished (rounded, saturated) sample, on
//! every backend the same way, so the bits match across backends as they do without one.

use core::fmt::Debug;

use crate::Element;

pub(crate) mod sealed {
    use crate::Element;

    /// How an activation is applied; see [`super::Activation`].
    pub trait Sealed {
        /// `true` for [`super::Identity`] only: kernels skip the epilogue.
        const IDENTITY: bool = false;

        /// The activation of one finished sample.
        fn apply<T: Element>(&self, y: T) -> T;

        /// The activation of a register of `f32` samples.
        ///
        /// # Safety
        /// The CPU supports `V`'s instructions.
        #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
        unsafe fn apply_simd<V: crate::kernels::Simd>(&self, v: V) -> V;
    }
}

/// An activation a forward pass can apply to its outputs: [`Identity`], [`Relu`],
/// [`LeakyRelu`] or [`Tanh`]. Sealed: the kernels know each one.
///
/// ```
/// use conv_transpose::{ConvTranspose1d, LeakyRelu, Relu};
///
/// type Up = ConvTranspose1d<2, 1, 1, 2, 2>;
/// let up = Up::from_torch(&[[[1.0, -0.5]]], Some(&[0.25]));
/// let mut y = [[0.0f32; 1]; 4];
/// up.forward_act(&[[1.0], [-2.0]], &mut y, LeakyRelu(0.1));
/// assert_eq!(y, [[1.25], [-0.025], [-0.175], [1.25]]);
/// up.forward_act(&[[1.0], [-2.0]], &mut y, Relu);
/// assert_eq!(y, [[1.25], [0.0], [0.0], [1.25]]);
/// ```
pub trait Activation: sealed::Sealed + Copy + Debug + Send + Sync + 'static {}

/// No activation: `forward_act(.., Identity)` is `forward`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Identity;

/// `max(y, 0)`, PyTorch's `nn.ReLU` (NaN stays NaN).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Relu;

/// `y` where `y >= 0`, `y * slope` where `y < 0`: PyTorch's
/// `nn.LeakyReLU(negative_slope)`. [`LeakyRelu::default`] has PyTorch's default slope,
/// `0.01`; HiFi-GAN uses `0.1`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LeakyRelu(pub f32);

impl Default for LeakyRelu {
    fn default() -> Self {
        LeakyRelu(0.01)
    }
}

/// The hyperbolic tangent, PyTorch's `nn.Tanh`; see the [module docs](self) for its
/// accuracy on each backend.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tanh;

impl Activation for Identity {}
impl Activation for Relu {}
impl Activation for LeakyRelu {}
impl Activation for Tanh {}

impl sealed::Sealed for Identity {
    const IDENTITY: bool = true;

    #[inline(always)]
    fn apply<T: Element>(&self, y: T) -> T {
        y
    }

    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    #[inline(always)]
    unsafe fn apply_simd<V: crate::kernels::Simd>(&self, v: V) -> V {
        v
    }
}

impl sealed::Sealed for Relu {
    #[inline(always)]
    fn apply<T: Element>(&self, y: T) -> T {
        y.relu()
    }

    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    #[inline(always)]
    unsafe fn apply_simd<V: crate::kernels::Simd>(&self, v: V) -> V {
        // SAFETY: the caller's promise.
        unsafe { v.select_neg(V::splat(0.0)) }
    }
}

impl sealed::Sealed for LeakyRelu {
    #[inline(always)]
    fn apply<T: Element>(&self, y: T) -> T {
        y.leaky_relu(self.0)
    }

    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    #[inline(always)]
    unsafe fn apply_simd<V: crate::kernels::Simd>(&self, v: V) -> V {
        // SAFETY: the caller's promise.
        unsafe { v.select_neg(v.mul(V::splat(self.0))) }
    }
}

/// `tanh(x) ~ x * P(x^2) / Q(x^2)` on `[-9, 9]`: `P`, lowest power first.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
const TANH_P: [f32; 6] = [
    0.999_999_94,
    0.129_192_34,
    0.002_920_767_3,
    9.267_464e-6,
    -1.278_054_9e-8,
    1.825_549_1e-11,
];
/// `Q`, lowest power first.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
const TANH_Q: [f32; 4] = [1.0, 0.462_525_2, 0.023_763_191, 0.000_228_100_9];
/// Where the approximation is clamped: `tanhf(9)` rounds to `1.0`.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
const TANH_CLAMP: f32 = 9.0;

/// Horner's rule in `z`, highest power last in `c`.
///
/// # Safety
/// The CPU supports `V`'s instructions.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
#[inline(always)]
unsafe fn horner<V: crate::kernels::Simd, const N: usize>(z: V, c: &[f32; N]) -> V {
    // SAFETY: the caller's promise.
    unsafe {
        let mut acc = V::splat(c[N - 1]);
        for &c in c[..N - 1].iter().rev() {
            acc = acc.mul_add(z, V::splat(c));
        }
        acc
    }
}

impl sealed::Sealed for Tanh {
    #[inline(always)]
    fn apply<T: Element>(&self, y: T) -> T {
        y.tanh()
    }

    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    #[inline(always)]
    unsafe fn apply_simd<V: crate::kernels::Simd>(&self, v: V) -> V {
        // SAFETY: the caller's promise. NaN lanes stay NaN: each `min`/`max` takes the
        // value second (see `Simd::max`).
        unsafe {
            let x = V::splat(TANH_CLAMP).min(V::splat(-TANH_CLAMP).max(v));
            let z = x.mul(x);
            let r = x.mul(horner(z, &TANH_P)).div(horner(z, &TANH_Q));
            V::splat(1.0).min(V::splat(-1.0).max(r))
        }
    }
}

/// `v * slope`, rounded to the nearest integer (ties away from zero), exactly, for `|v|
/// < 2^31` and a finite `slope` (the product of a 31-bit and a 24-bit integer fits an
/// `i64`); saturated to `i64`. A NaN slope gives 0, an infinite one saturates.
pub(crate) fn mul_round(v: i64, slope: f32) -> i64 {
    debug_assert!(v.unsigned_abs() < 1 << 31);
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
        // mag < 2^55: a shift of at most 60 stays inside a u128; larger ones saturate.
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
