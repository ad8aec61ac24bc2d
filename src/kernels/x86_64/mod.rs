//! x86_64 kernels: one register type per instruction set, and a `#[target_feature]` entry
//! point that compiles the generic body with those instructions.
//!
//! The intrinsics are safe to call where their feature is enabled at compile time (SSE2
//! always on x86_64; AVX2 or AVX-512 under `-C target-feature`) and unsafe elsewhere,
//! so some `unsafe` blocks are needed in one configuration and redundant in another.
#![allow(unused_unsafe)]

pub(crate) mod avx2;
pub(crate) mod avx512;
pub(crate) mod sse2;
