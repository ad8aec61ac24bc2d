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

pub(crate) mod sealed {
    /// Which activation a type is, for the kernels' epilogue (`kernels::epilogue`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Op {
        /// No activation.
        Identity,
        /// `max(y, 0)`.
        Relu,
        /// `y * slope` where `y < 0`.
        LeakyRelu,
        /// `tanh(y)`.
        Tanh,
    }

    /// What the kernels read of an activation; see [`super::Activation`].
    pub trait Sealed {
        /// The operation.
        const OP: Op;

        /// [`super::LeakyRelu`]'s slope (unused by the others).
        fn slope(&self) -> f32 {
            0.0
        }
    }
}

use sealed::Op;

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
    const OP: Op = Op::Identity;
}

impl sealed::Sealed for Relu {
    const OP: Op = Op::Relu;
}

impl sealed::Sealed for LeakyRelu {
    const OP: Op = Op::LeakyRelu;

    fn slope(&self) -> f32 {
        self.0
    }
}

impl sealed::Sealed for Tanh {
    const OP: Op = Op::Tanh;
}
