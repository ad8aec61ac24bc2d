//! 1-D transposed convolution (`ConvTranspose1d`) for microcontrollers and hosts.
//!
//! `#![no_std]`, no allocation, shapes checked at compile time, and the exact semantics of
//! PyTorch's `nn.ConvTranspose1d`: stride, padding, dilation, output padding, groups and
//! an optional bias. A layer is a const-generic type whose output length is a constant;
//! its weights are repacked by a `const fn` so that a `static` layer sits in flash ready
//! for the kernel.
//!
//! ```
//! use conv_transpose::ConvTranspose1d;
//!
//! // Two input channels to one output channel, upsampling by 2 (L = 3, K = 2, S = 2).
//! type Layer = ConvTranspose1d<3, 2, 1, 2, 2>;
//!
//! // PyTorch layout (CIN, COUT, K), as `nn.ConvTranspose1d(2, 1, 2, stride=2).weight`.
//! static WEIGHT: [[[f32; 2]; 1]; 2] = [[[1.0, 0.5]], [[-1.0, 0.25]]];
//! static LAYER: Layer = Layer::from_torch(&WEIGHT, Some(&[0.125]));
//!
//! // Channels last: frame i holds [channel 0, channel 1].
//! let x = [[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]];
//! let mut y = [[0.0f32; 1]; Layer::OUT_LEN]; // (3-1)*2 + (2-1) + 1 = 6 frames
//! LAYER.forward(&x, &mut y);
//! assert_eq!(y, [[1.125], [0.625], [-0.875], [0.375], [0.125], [1.625]]);
//!
//! // The same layer on PyTorch's channels-first tensors.
//! let x_ncl = [[1.0, 0.0, 2.0], [0.0, 1.0, 2.0]];
//! let mut y_ncl = [[0.0f32; Layer::OUT_LEN]; 1];
//! LAYER.forward_ncl(&x_ncl, &mut y_ncl);
//! assert_eq!(y_ncl[0], [1.125, 0.625, -0.875, 0.375, 0.125, 1.625]);
//! ```
//!
//! # Layers
//! - [`ConvTranspose1d`]`<L, CIN, COUT, K, S, P = 0, D = 1, OP = 0, T = f32>`: dense.
//! - [`DepthwiseConvTranspose1d`]`<L, C, K, S, P, D, OP, T>`: every channel on its own.
//! - [`GroupedConvTranspose1d`]`<L, CIN, COUT, COUT_G, K, S, P, D, OP, T>`: any groups;
//!   the other two are aliases of it.
//! - [`CroppedConvTranspose1d`]`<L, CIN, COUT, COUT_G, K, S, PL, PR, D, OP, T>`: crops
//!   that differ between the ends (Modular MAX's padding tuple; causal decoder layers,
//!   `PL = 0`); the other three are its symmetric case.
//!
//! `layer.with_len::<L2>()` views a layer over another input length through the same
//! weights, so one table in flash serves a whole signal and streams of any block length.
//!
//! Each has `forward` (channels last, `NLC`), `forward_ncl` (channels first, as PyTorch),
//! and batch forms over slices of those. Weights are accepted in the layouts of PyTorch
//! (`from_torch`), MLX (`from_mlx`) and Modular MAX (`from_max`).
//!
//! # Semantics
//! With `full[i*S + k*D][co] += x[i][ci] * w[ci][co - g*COUT/G][k]` over every input
//! frame `i`, tap `k`, and channels `ci`, `co` of the same group `g` (all of them when
//! there is one group), output frame `n` is `full[n + PL][co] + bias[co]`, for
//! `OUT_LEN = (L-1)*S - PL - PR + D*(K-1) + OP + 1` frames (`PL = PR = P`, PyTorch's
//! padding, for the symmetric layers). Padding crops the full result; the
//! `OP` frames of output padding receive only the bias. [`output_padding_for`] gives the
//! `OP` PyTorch picks for `forward(x, output_size=...)`.
//!
//! Floats are IEEE: NaN and infinity propagate to every output they reach and to no other.
//! Sums run in the element type, taps in increasing order, each product rounded before it
//! is added; results differ from PyTorch's by rounding only.
//!
//! # Kernels
//! Every kernel is polyphase: it never multiplies by the zeros that stride inserts, so a
//! forward pass costs at most `L * CIN * COUT/G * K` multiply-adds (fewer where padding
//! crops), and output-stationary: each output is written once.
//!
//! For `f32` there are hand-vectorised kernels for SSE2, AVX2+FMA and AVX-512F on x86_64
//! and NEON on aarch64, beside the portable one. [`Backend::best`] picks one (at run time,
//! once, with `std`; from `cfg(target_feature)` without), `layer.backend()` says which,
//! and `forward_with` and the other `_with` forms force one:
//!
//! ```
//! use conv_transpose::{Backend, ConvTranspose1d};
//!
//! type Up = ConvTranspose1d<64, 1, 1, 8, 4>;
//! let up = Up::from_torch(&[[[0.25, 0.5, 0.75, 1.0, 0.75, 0.5, 0.25, 0.0]]], None);
//! let x: [[f32; 1]; 64] = core::array::from_fn(|i| [i as f32]);
//! let mut fast = [[0.0f32; 1]; Up::OUT_LEN];
//! let mut portable = [[0.0f32; 1]; Up::OUT_LEN];
//! up.forward(&x, &mut fast); // on `up.backend()`
//! up.forward_with(Backend::Scalar, &x, &mut portable).unwrap();
//! for (a, b) in fast.iter().zip(&portable) {
//!     assert!((a[0] - b[0]).abs() <= 1e-5 * b[0].abs().max(1.0));
//! }
//! ```
//!
//! # Fixed point
//! [`Q15`] and [`Q31`] are element types of the same layers, with CMSIS-DSP's
//! interpolator arithmetic made exact (one shift and saturation per output), so every
//! backend gives the same bits; see [`fixed`]. [`Q15::taps_for`] / [`Q31::taps_for`]
//! quantise a designed filter with headroom, or return a [`QuantiseError`] saying why not.
//!
//! # Activations and chains
//! `forward_act(&x, &mut y, act)` fuses [`Relu`], [`LeakyRelu`] or [`Tanh`] into the pass:
//! each output gets the bias and the activation before it is stored, on every backend
//! ([`activation`]). A [`Chain`] composes layers with an activation between them; the
//! shapes must fit (one layer's output is the next one's input) or it does not build,
//! and the intermediate tensors live in a scratch value the caller owns. The workspace's
//! `conv-transpose-import` crate turns tensors of a PyTorch checkpoint (`.safetensors`,
//! `.npy`) into the Rust source of `static` layers, from a command or a `build.rs`.
//!
//! # Streaming and filter design
//! [`StreamState`] holds what a stream of a layer needs between blocks (the layer stays
//! immutable): `layer.process` takes `L` frames at a time, `layer.flush` ends the signal,
//! and together they write exactly `forward` over the whole signal. [`ChunkStream`] takes
//! pieces of any length. A [`Chain`] streams too (`push_act`, `finish_act`), each layer
//! with its own [`ChunkStream`] ([`StreamOf`]), bit for bit the whole-signal chain.
//! [`stream_state!`], [`chunk_stream!`] and [`chain!`] name these types from the layer
//! types alone. [`design`] makes Kaiser-windowed sinc interpolators
//! for upsampling layers, in `no_std`; an argument it refuses gives a [`DesignError`].
//!
//! # Crate features
//! - `std` (default): run-time CPU detection for [`Backend::best`] (cached after the first
//!   call); `boxed_from_torch`, `boxed_from_mlx` and `boxed_from_max`, which build a large
//!   layer directly on the heap; `num-traits`' std support. Without it the crate is
//!   `#![no_std]` with no allocator, and the backend is chosen at compile time.
//! - `libm`: float maths without `std` through the `libm` crate (it turns on `num-traits`'
//!   `libm` backend, so `num_traits::Float` works for `f32`/`f64` in firmware).
//! - `defmt`: `defmt::Format` for [`Geometry`], [`Error`], [`DesignError`],
//!   [`QuantiseError`], [`Q15`] and [`Q31`], to log them from firmware.
#![no_std]
#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

#[cfg(feature = "std")]
extern crate std;

pub mod activation;
mod aliases;
mod backend;
mod chain;
mod chain_stream;
mod chunk;
pub mod design;
mod error;
pub mod fixed;
mod geometry;
mod kernels;
mod layer;
mod layout;
mod stream;

pub use activation::{Activation, Identity, LeakyRelu, Relu, Tanh};
pub use backend::{Backend, UnknownBackend};
pub use chain::{Chain, Layer};
pub use chain_stream::StreamOf;
pub use chunk::ChunkStream;
pub use design::DesignError;
pub use error::Error;
pub use fixed::{QuantiseError, Q15, Q31};
pub use geometry::{output_padding_for, Geometry};
pub use kernels::element::Element;
pub use layer::{
    ConvTranspose1d, CroppedConvTranspose1d, DepthwiseConvTranspose1d, GroupedConvTranspose1d,
};
pub use stream::StreamState;

/// The README's examples, compiled and run as doctests so that they cannot go stale.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// The guide's examples, likewise.
#[doc = include_str!("../docs/guide.md")]
#[cfg(doctest)]
pub struct GuideDoctests;

/// The fixed-point page's example, likewise.
#[doc = include_str!("../docs/fixed-point.md")]
#[cfg(doctest)]
pub struct FixedPointDoctests;
