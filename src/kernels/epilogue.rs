//! The activation fused into every kernel's store: bias, then the activation, on each
//! finished sample ([`Epilogue::apply`], every body) or on a register of `f32` samples
//! ([`Epilogue::apply_simd`], the `time` and `tile` bodies), before it is written.

use crate::activation::sealed::Op;
use crate::activation::Activation;
use crate::kernels::element::Element;
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
use crate::kernels::simd::Simd;

/// How the kernels apply an [`Activation`]; every activation has it. `A::OP` is a
/// constant, so each monomorphised kernel keeps only its own arm.
pub(crate) trait Epilogue: Activation {
    /// `true` for [`crate::activation::Identity`] only: kernels that apply the activation
    /// apart from their store skip that pass. (The Cortex-M0 build has none.)
    #[cfg_attr(all(target_arch = "arm", not(target_abi = "eabihf")), allow(dead_code))]
    const IDENTITY: bool = matches!(Self::OP, Op::Identity);

    /// `true` for [`crate::activation::Relu`] only: the fixed-point loops on Arm fold it
    /// into their saturation (a lower bound of zero), so it costs them nothing.
    #[cfg_attr(not(target_arch = "arm"), allow(dead_code))]
    const RELU: bool = matches!(Self::OP, Op::Relu);

    /// The activation of one finished sample.
    #[inline(always)]
    fn apply<T: Element>(&self, y: T) -> T {
        match Self::OP {
            Op::Identity => y,
            Op::Relu => y.relu(),
            Op::LeakyRelu => y.leaky_relu(self.slope()),
            Op::Tanh => y.tanh(),
        }
    }

    /// The activation of a register of `f32` samples.
    ///
    /// # Safety
    /// The CPU supports `V`'s instructions.
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    #[inline(always)]
    unsafe fn apply_simd<V: Simd>(&self, v: V) -> V {
        // SAFETY: the CPU has `V`'s instructions (this method's contract). NaN lanes stay
        // NaN: each `min`/`max` takes the value second (see `Simd::max`).
        unsafe {
            match Self::OP {
                Op::Identity => v,
                Op::Relu => v.select_neg(V::splat(0.0)),
                Op::LeakyRelu => v.select_neg(v.mul(V::splat(self.slope()))),
                Op::Tanh => {
                    let x = V::splat(TANH_CLAMP).min(V::splat(-TANH_CLAMP).max(v));
                    let z = x.mul(x);
                    let r = x.mul(horner(z, &TANH_P)).div(horner(z, &TANH_Q));
                    V::splat(1.0).min(V::splat(-1.0).max(r))
                }
            }
        }
    }
}

impl<A: Activation> Epilogue for A {}

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
unsafe fn horner<V: Simd, const N: usize>(z: V, c: &[f32; N]) -> V {
    // SAFETY: the CPU has `V`'s instructions (this function's contract).
    unsafe {
        let mut acc = V::splat(c[N - 1]);
        for &c in c[..N - 1].iter().rev() {
            acc = acc.mul_add(z, V::splat(c));
        }
        acc
    }
}
