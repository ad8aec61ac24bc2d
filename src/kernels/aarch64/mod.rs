//! aarch64 kernels. NEON is part of the aarch64 baseline, so its intrinsics are safe to
//! call in most configurations; some `unsafe` blocks are redundant there.
#![allow(unused_unsafe)]

pub(crate) mod neon;
