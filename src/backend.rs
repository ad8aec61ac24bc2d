//! The kernel families, [`Backend`], and what this CPU has of them: detected at run time
//! (once) with `std`, chosen by `cfg(target_feature)` without. Which kernel an element
//! type runs on each is `kernels::dispatch`'s business.

use core::fmt;
use core::str::FromStr;

/// A kernel family: the portable one, or one hand-vectorised for an instruction set.
///
/// [`Backend::best`] is what a layer's `forward` uses for `f32`: with the `std` feature
/// it is detected at run time, once (`is_x86_feature_detected!`); without `std` it is
/// chosen at compile time from `cfg(target_feature)` (so firmware built with
/// `-C target-cpu=...` gets what that CPU has). `f64` layers always run [`Backend::Scalar`].
///
/// Any backend can be forced on a call (`forward_with` and the other `_with` forms); one
/// that this CPU lacks, or that has no kernel for the layer's element type, is refused
/// with [`crate::Error::BackendUnavailable`] before anything is read or written.
///
/// ```
/// use conv_transpose::Backend;
///
/// assert!(Backend::Scalar.is_available());
/// let best = Backend::best();
/// assert!(best.is_available());
/// assert_eq!(best.name().parse::<Backend>(), Ok(best));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Backend {
    /// Portable Rust, every target and element type.
    Scalar,
    /// x86_64 SSE2 (4 lanes, separate multiply and add): the x86_64 baseline.
    Sse2,
    /// x86_64 AVX2 with FMA (8 lanes).
    Avx2,
    /// x86_64 AVX-512F (16 lanes, masked tails).
    Avx512,
    /// aarch64 NEON (4 lanes, fused multiply-add).
    Neon,
}

impl Backend {
    /// Every backend, from the portable one to the widest.
    pub const ALL: [Backend; 5] = [
        Backend::Scalar,
        Backend::Sse2,
        Backend::Avx2,
        Backend::Avx512,
        Backend::Neon,
    ];

    /// The lower-case name: `scalar`, `sse2`, `avx2`, `avx512`, `neon`.
    pub const fn name(self) -> &'static str {
        match self {
            Backend::Scalar => "scalar",
            Backend::Sse2 => "sse2",
            Backend::Avx2 => "avx2",
            Backend::Avx512 => "avx512",
            Backend::Neon => "neon",
        }
    }

    /// Whether this CPU (or, without `std`, the compilation target) can run the backend.
    pub fn is_available(self) -> bool {
        match self {
            Backend::Scalar => true,
            Backend::Sse2 => cfg!(target_arch = "x86_64"),
            Backend::Avx2 => has_avx2_fma(),
            Backend::Avx512 => has_avx512f(),
            Backend::Neon => cfg!(all(target_arch = "aarch64", target_feature = "neon")),
        }
    }

    /// The fastest available backend for `f32`. Detected once and cached with `std`.
    pub fn best() -> Backend {
        #[cfg(feature = "std")]
        {
            use core::sync::atomic::{AtomicU8, Ordering};
            // 0: not detected yet; otherwise 1 + the index in `ALL`.
            static BEST: AtomicU8 = AtomicU8::new(0);
            match BEST.load(Ordering::Relaxed) {
                0 => {
                    let best = Self::detect();
                    let index = Self::ALL.iter().position(|&b| b == best).unwrap_or(0);
                    BEST.store(index as u8 + 1, Ordering::Relaxed);
                    best
                }
                n => Self::ALL[usize::from(n) - 1],
            }
        }
        #[cfg(not(feature = "std"))]
        Self::detect()
    }

    /// Whether the CPU also has AVX-512BW, which the `Q15` kernel needs beyond AVX-512F.
    pub(crate) fn has_avx512bw() -> bool {
        has_avx512bw()
    }

    fn detect() -> Backend {
        [Backend::Avx512, Backend::Avx2, Backend::Sse2, Backend::Neon]
            .into_iter()
            .find(|b| b.is_available())
            .unwrap_or(Backend::Scalar)
    }
}

#[cfg(all(target_arch = "x86_64", feature = "std"))]
fn has_avx2_fma() -> bool {
    std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
}

#[cfg(not(all(target_arch = "x86_64", feature = "std")))]
fn has_avx2_fma() -> bool {
    cfg!(all(
        target_arch = "x86_64",
        target_feature = "avx2",
        target_feature = "fma"
    ))
}

#[cfg(all(target_arch = "x86_64", feature = "std"))]
fn has_avx512f() -> bool {
    std::is_x86_feature_detected!("avx512f")
}

#[cfg(not(all(target_arch = "x86_64", feature = "std")))]
fn has_avx512f() -> bool {
    cfg!(all(target_arch = "x86_64", target_feature = "avx512f"))
}

#[cfg(all(target_arch = "x86_64", feature = "std"))]
fn has_avx512bw() -> bool {
    std::is_x86_feature_detected!("avx512bw")
}

#[cfg(not(all(target_arch = "x86_64", feature = "std")))]
fn has_avx512bw() -> bool {
    cfg!(all(target_arch = "x86_64", target_feature = "avx512bw"))
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

/// The name given is not one of [`Backend::name`]'s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnknownBackend;

impl fmt::Display for UnknownBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown backend (expected scalar, sse2, avx2, avx512 or neon)")
    }
}

impl core::error::Error for UnknownBackend {}

impl FromStr for Backend {
    type Err = UnknownBackend;

    /// Parses a [`Backend::name`].
    fn from_str(s: &str) -> Result<Self, UnknownBackend> {
        Self::ALL
            .into_iter()
            .find(|b| b.name() == s)
            .ok_or(UnknownBackend)
    }
}
