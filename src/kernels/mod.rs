//! The kernels, one room per concern:
//!
//! - [`element`]: the element types' arithmetic, which every body is written against;
//! - [`plan`]: the polyphase plan every body shares, and one call's checked operands;
//! - [`dispatch`]: the one place that maps an element type and a backend to a kernel,
//!   and the [`dispatch::Kernel`] token that proves the CPU runs it;
//! - the bodies, each generic over what it needs of an ISA: [`portable`] (every target
//!   and type, with [`lanes`], its path for interleaved channels, and [`rows`], the
//!   inner loop both run), `time` (mono and depthwise `f32`), `tile` (every other `f32`
//!   layer), `q15` (mono and depthwise `Q15`), with [`epilogue`], the fused activation;
//! - `simd`: the vector traits those bodies are written against;
//! - the ISA rooms, which hold register types, their tuning and `#[target_feature]`
//!   entry points only: `x86_64/{sse2,avx2,avx512}`, `aarch64/neon`, and
//!   `arm/{vfp,dsp,mve,mul32,copy}` (Cortex-M assembly for the portable body's inner
//!   loops, and the ARMv6-M block copy).

pub(crate) mod dispatch;
pub(crate) mod element;
pub(crate) mod epilogue;
pub(crate) mod lanes;
pub(crate) mod plan;
pub(crate) mod portable;
pub(crate) mod rows;

#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
mod q15;
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
mod simd;
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
mod tile;
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
mod time;

#[cfg(target_arch = "aarch64")]
mod aarch64;
#[cfg(target_arch = "arm")]
mod arm;
#[cfg(target_arch = "x86_64")]
mod x86_64;

/// `dst.copy_from_slice(src)` for the streams' blocks: on ARMv6-M a loop of its own, so
/// that a stream links no `memcpy` (`arm::copy`).
#[inline(always)]
pub(crate) fn copy<T: Copy>(dst: &mut [T], src: &[T]) {
    #[cfg(conv_transpose_armv6m)]
    arm::copy::copy(dst, src);
    #[cfg(not(conv_transpose_armv6m))]
    dst.copy_from_slice(src);
}
