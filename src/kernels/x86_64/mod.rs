//! x86_64: one room per instruction set, each with its register types (`f32` for the
//! `time` and `tile` bodies, `Q15` for the `q15` body), their tuning, and the
//! `#[target_feature]` entry points that compile the generic bodies with those
//! instructions.
//!
//! The intrinsics are safe to call where their feature is enabled at compile time (SSE2
//! always on x86_64; AVX2 or AVX-512 under `-C target-feature`) and unsafe elsewhere,
//! so some `unsafe` blocks are needed in one configuration and redundant in another.
#![allow(unused_unsafe)]

pub(crate) mod avx2;
pub(crate) mod avx512;
pub(crate) mod sse2;

/// For the ISAs with a lane permute: output register `m` of an `S`-way interleave of
/// chunks of `g` lanes takes, from each source `v[r]`, the lanes `idx[m][r]` where mask
/// bit is set. Lane `l` of output `m` is chunk `f = (m * lanes + l) / g` in time order,
/// that is chunk `f / S` of phase `f % S`.
pub(crate) const fn interleave_table<const LANES: usize>(
    s: usize,
    g: usize,
) -> [[([i32; LANES], u32); 8]; 8] {
    let mut t = [[([0; LANES], 0u32); 8]; 8];
    let mut m = 0;
    while m < s {
        let mut l = 0;
        while l < LANES {
            let at = m * LANES + l;
            let f = at / g;
            let r = f % s;
            t[m][r].0[l] = ((f / s) * g + at % g) as i32;
            t[m][r].1 |= 1 << l;
            l += 1;
        }
        m += 1;
    }
    t
}
