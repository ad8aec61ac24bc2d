//! Shared by the tests: the backends to test, a seeded generator, PyTorch's input
//! channels last.
#![allow(dead_code)]

use conv_transpose::Backend;
use conv_transpose_decoder::golden;

/// The backends to test: every one this CPU has, after checking that it has each one
/// `CONV_TRANSPOSE_BACKENDS` names (CI sets it, so that a missing backend fails instead of
/// being skipped).
pub fn backends() -> Vec<Backend> {
    if let Ok(list) = std::env::var("CONV_TRANSPOSE_BACKENDS") {
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let b: Backend = name
                .parse()
                .unwrap_or_else(|e| panic!("CONV_TRANSPOSE_BACKENDS: {name:?}: {e}"));
            assert!(
                b.is_available(),
                "CONV_TRANSPOSE_BACKENDS expects {b}, which this CPU lacks"
            );
        }
    }
    Backend::ALL
        .into_iter()
        .filter(|b| b.is_available())
        .collect()
}

/// xorshift64*: reproducible pieces and signals.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in [-1, 1).
    pub fn uniform(&mut self) -> f32 {
        ((self.next() >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// PyTorch's input `(32, 16)` as 16 frames of 32 channels.
pub fn input_frames() -> [[f32; 32]; 16] {
    core::array::from_fn(|t| core::array::from_fn(|c| golden::INPUT[c][t]))
}
