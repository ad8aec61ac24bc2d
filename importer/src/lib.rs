//! Turns `nn.ConvTranspose1d` weights from a PyTorch checkpoint (`.safetensors`, or
//! `.npy` files) into Rust source that declares a `static` layer of the
//! [`conv_transpose`] crate, so that the weights sit in flash, repacked at compile time.
//!
//! A checkpoint holds tensors, not hyper-parameters: a [`LayerSpec`] names the weight
//! (and bias) tensor and gives the input length, stride, padding and so on. [`render`]
//! checks every shape and rule and writes, for the spec `UPS0` of
//! `nn.ConvTranspose1d(64, 32, 16, stride=8, padding=4)` on 32 frames:
//!
//! ```text
//! /// `ups.0.weight`: PyTorch (CIN, COUT/G, K) = (64, 32, 16), f32, from `model.safetensors`; bias `ups.0.bias` (32).
//! /// `nn.ConvTranspose1d(64, 32, 16, stride=8, padding=4, output_padding=0, groups=1, dilation=1)` on 32 input frames: 256 output frames.
//! pub type Ups0 = ::conv_transpose::GroupedConvTranspose1d<32, 64, 32, 32, 16, 8, 4, 1, 0, f32>;
//! /// The layer, its weights repacked for the kernels at compile time by `from_torch`.
//! #[rustfmt::skip]
//! pub static UPS0: Ups0 = Ups0::from_torch(
//!     &[
//!         [
//!             [
//!                 f32::from_bits(0x3c23d70a), f32::from_bits(0xbd4ccccd), ...
//! ```
//!
//! The weights are the file's exact bits. With [`ElementType::Q15`] they are scaled by a
//! power of two so that none saturates, rounded, and the shift is emitted as
//! `UPS0_SHIFT`.
//!
//! # In a build script
//! ```no_run
//! // build.rs (with `conv-transpose-import` under [build-dependencies])
//! use conv_transpose_import::{write_out_dir, LayerSpec};
//!
//! fn main() {
//!     let specs = [
//!         LayerSpec::new("UPS0", "ups.0.weight", 32, 8).padding(4).bias("ups.0.bias"),
//!         LayerSpec::new("UPS1", "ups.1.weight", 256, 4).padding(2).bias("ups.1.bias"),
//!     ];
//!     if let Err(e) = write_out_dir("model.rs", "model.safetensors", &specs) {
//!         panic!("{e}");
//!     }
//! }
//! ```
//!
//! ```ignore
//! // src/model.rs: the layers, with the weights compiled in.
//! include!(concat!(env!("OUT_DIR"), "/model.rs"));
//!
//! pub fn upsample(x: &[[f32; 64]; 32], y: &mut [[f32; 32]; Ups0::OUT_LEN]) {
//!     UPS0.forward(x, y);
//! }
//! ```
//!
//! # Crops that differ between the ends, causal layers
//! [`LayerSpec::padding_lr`] crops `PL` frames on the left and `PR` on the right, and
//! [`LayerSpec::causal`] makes a causal decoder layer (nothing on the left,
//! `D*(K-1) + OP + 1 - S` on the right, so that `L` frames give `L*S`; `K - S` for the
//! usual `D = 1`): such a layer is rendered as `CroppedConvTranspose1d<L, CIN, COUT,
//! COUT_G, K, S, PL, PR, D, OP, f32>`. Equal crops stay the `GroupedConvTranspose1d` of
//! PyTorch's `padding`.
//!
//! # A whole network
//! A network description is a small TOML file: the network's name and input length,
//! then one `[[layer]]` per `nn.ConvTranspose1d`, first to last, with the activation
//! after it. Every key:
//!
//! ```toml
//! name = "DECODER"              # prefix of every generated item (SCREAMING_CASE)
//! input_len = 16                # frames into the first layer, whole signal
//! stream_block = 1              # optional (1): the first layer's stream block length
//! output_activation = "tanh"    # optional ("identity"): after the last layer
//! allow_non_finite = false      # optional (false): keep NaN and infinite weights
//!
//! [[layer]]
//! weight = "ups.0.weight"       # the weight tensor, or folded from its weight norm
//! # bias: optional; absent: "ups.0.bias" if the file has it; "NAME": that tensor;
//! #   true: "ups.0.bias", which must be there; false: none.
//! stride = 8
//! padding = 4                   # optional (0); or [LEFT, RIGHT]; not with causal
//! dilation = 1                  # optional (1)
//! output_padding = 0            # optional (0)
//! groups = 1                    # optional (1)
//! activation = "leaky_relu(0.1)"   # optional: between this layer and the next
//! # name = "UPS_0"              # optional: the layer's items' name after the prefix
//! #                               (default from the weight: ups.0.weight gives UPS_0)
//! # in_channels, out_channels, kernel: optional checks of the weight's shape
//!
//! [[layer]]
//! weight = "ups.1.weight"
//! stride = 4
//! groups = 2
//! causal = true                 # optional (false): PL = 0, PR = D*(K-1) + OP + 1 - S
//! ```
//!
//! Activations are `"identity"`, `"relu"`, `"leaky_relu(SLOPE)"` (`"leaky_relu"`:
//! PyTorch's default 0.01) and `"tanh"` ([`Activation`]); the last layer takes none (its
//! activation is `output_activation`). A key not listed here is an error, as is a
//! network of fewer than two layers.
//!
//! [`write_network_out_dir`] (`write_network_out_dir("decoder.rs", "model.safetensors",
//! "net.toml")` in a build script; [`Network::from_toml`] and [`Network::write_out_dir`]
//! for a description in memory) and [`render_network`] write, for that description:
//!
//! ```text
//! pub type DecoderUps0 = ::conv_transpose::GroupedConvTranspose1d<16, 64, 32, 32, 16, 8, 4, 1, 0, f32>;
//! pub static DECODER_UPS_0: DecoderUps0 = DecoderUps0::from_torch(&[...], Some(&[...]));
//! pub type DecoderUps1 = ::conv_transpose::CroppedConvTranspose1d<128, 32, 16, 8, 8, 4, 0, 4, 1, 0, f32>;
//! pub static DECODER_UPS_1: DecoderUps1 = DecoderUps1::from_torch(&[...], Some(&[...]));
//! pub type DecoderOutputActivation = ::conv_transpose::Tanh;
//! pub const DECODER_OUTPUT_ACTIVATION: DecoderOutputActivation = ::conv_transpose::Tanh;
//! // The whole-signal chain (16 -> 128 -> 512 frames), over the statics.
//! pub type Decoder = ::conv_transpose::chain!(
//!     &'static DecoderUps0,
//!     ::conv_transpose::LeakyRelu,
//!     &'static DecoderUps1,
//! );
//! pub static DECODER: Decoder = ::conv_transpose::Chain::new(
//!     &DECODER_UPS_0,
//!     ::conv_transpose::LeakyRelu(0.1),
//!     &DECODER_UPS_1,
//! );
//! // The stream chain: blocks of 1 frame, then each block's output (8) for the next.
//! pub type DecoderUps0Stream = ::conv_transpose::GroupedConvTranspose1d<1, 64, 32, 32, 16, 8, 4, 1, 0, f32>;
//! pub type DecoderUps1Stream = ::conv_transpose::CroppedConvTranspose1d<8, 32, 16, 8, 8, 4, 0, 4, 1, 0, f32>;
//! pub type DecoderStream = ::conv_transpose::chain!(
//!     &'static DecoderUps0Stream,
//!     ::conv_transpose::LeakyRelu,
//!     &'static DecoderUps1Stream,
//! );
//! pub static DECODER_STREAM: DecoderStream = ::conv_transpose::Chain::for_streaming(
//!     DECODER_UPS_0.with_len::<1>(),         // views of the same weights
//!     ::conv_transpose::LeakyRelu(0.1),
//!     DECODER_UPS_1.with_len::<8>(),
//! );
//! pub type DecoderStreamState = (
//!     ::conv_transpose::chunk_stream!(DecoderUps0Stream),
//!     ::conv_transpose::chunk_stream!(DecoderUps1Stream),
//! );
//! pub const DECODER_STREAM_STATE: DecoderStreamState = (/* each ChunkStream::new() */);
//! ```
//!
//! Chains of more layers nest left to right (`chain!(chain!(A, F, B), G, C)`, the state
//! `((a, b), c)`). Used as:
//!
//! ```ignore
//! include!(concat!(env!("OUT_DIR"), "/decoder.rs"));
//!
//! // The whole signal.
//! let mut scratch = Decoder::SCRATCH;
//! DECODER.forward_act(&x, &mut scratch, &mut y, DECODER_OUTPUT_ACTIVATION);
//! // The same, streamed in pieces of any length: bit for bit the same output.
//! let mut state = DECODER_STREAM_STATE;
//! DECODER_STREAM.push_act(&mut state, &piece, DECODER_OUTPUT_ACTIVATION, |y| play(y));
//! DECODER_STREAM.finish_act(&mut state, DECODER_OUTPUT_ACTIVATION, |y| play(y));
//! ```
//!
//! Each layer is checked as a [`LayerSpec`] is, and against its neighbours: a layer that
//! does not take the channels the previous one gives is an [`ImportError::Channels`]
//! naming both; any other error of a layer is an [`ImportError::InLayer`] that names it
//! (`layer 2 (`ups.1.weight`): ...`) around the error itself; a description that is
//! not one is an [`ImportError::Description`] with TOML's message and line. A stream
//! block too short to give an output frame by itself is refused too (raise
//! `stream_block`). `decoder/` in the repository imports a weight-normalised causal
//! decoder this way and checks it against PyTorch.
//!
//! # Weight normalisation
//! Checkpoints trained with weight normalisation hold `PREFIX.weight_g` and
//! `PREFIX.weight_v` (`torch.nn.utils.weight_norm`) or
//! `PREFIX.parametrizations.weight.original0` and `.original1`
//! (`torch.nn.utils.parametrizations.weight_norm`) instead of `PREFIX.weight`. A network
//! description folds them where the weight is absent (a [`LayerSpec`] with
//! [`LayerSpec::fold_weight_norm`], `--fold-weight-norm`), as `torch._weight_norm`
//! computes the weight: `v * (g / ||v||)`, the norm over every dimension but the one
//! where `g` is not 1 (over all of them where `g` is all ones or a scalar), the norm
//! accurate (summed in `f64`) and rounded to `f32`, then the division and the
//! multiplication in `f32` ([`fold_weight_norm`]). PyTorch sums the norm in `float32`, so
//! where its norm is an ulp off the accurate one, the weights of that slice differ by 1
//! to 3 ulp; elsewhere they are PyTorch's bit for bit. On `decoder/`'s model (PyTorch
//! 2.15, dim 0): 970 of 4096 weights differ (8 of 32 norms an ulp off), by at most 3 ulp;
//! 58 of 256 (4 of 16 norms), by at most 2 ulp; on (4, 3, 5) weights over dims 0, 1, 2
//! and None, 0 to 40 of 60, by at most 3 ulp. A slice of `v` that is all zero gives NaN,
//! as in PyTorch, and is refused as non-finite.
//!
//! # From the command line
//! The `conv-transpose-import` binary prints the same source:
//! `conv-transpose-import model.safetensors --weight ups.0.weight --bias ups.0.bias
//! --len 32 --stride 8 --padding 4 > src/ups0.rs` (`--help` lists the flags:
//! `--padding-right PR` and `--causal` for the crops, `--fold-weight-norm`), and a whole
//! network with `conv-transpose-import model.safetensors --network net.toml`.
//!
//! # Input files
//! Only `float32` tensors are read (`.float()` in PyTorch before saving). A `.npy` file
//! (format 1.0, 2.0 or 3.0, C or Fortran order) holds one tensor (the weight); its bias is
//! a second `.npy` file. Nothing here panics on a malformed file: every problem is an
//! [`ImportError`] that names the file, tensor or layer.
//!
//! A file is hostile input: every length, offset and shape in its header is checked
//! against the file's size with checked arithmetic before anything is allocated for it,
//! and headers are parsed in one pass with bounded nesting, so that a file of N bytes
//! costs a small multiple of N in memory and time whatever it claims (`.npy` headers
//! are read by a strict parser of NumPy's header grammar; safetensors headers are checked
//! this way before the `safetensors` crate reads them). `fuzz/` in the repository holds
//! the fuzz targets that check this.
//!
//! # NaN and infinity
//! A NaN or infinite weight or bias makes every output it reaches NaN or infinite, so
//! [`render`] refuses it with [`ImportError::NonFinite`], naming the tensor and the
//! element (its flat index and its index per dimension). To keep such values (their
//! exact bits, NaN payloads included) in an `f32` layer, set
//! [`LayerSpec::allow_non_finite`] (`--allow-non-finite` on the command line); a Q15
//! layer refuses them always. [`read_npy_f32`] and [`render_array`], for inputs and
//! expected outputs, keep every value.
#![deny(missing_docs)]

mod array;
mod check;
mod error;
mod network;
mod network_render;
pub use network_render::{render_network, write_network_out_dir};
mod npy;
mod render;
mod spec;
mod st_header;
mod tensors;
mod weight_norm;

pub use array::{render_array, try_render_array};
pub use error::ImportError;
pub use network::{Activation, Bias, Network, NetworkLayer, Padding, MAX_LAYERS};
pub use render::{render, render_file, write_out_dir, write_to_dir};
pub use spec::{default_name, type_alias_name, CropRight, ElementType, LayerSpec};
pub use tensors::{read_npy_f32, Tensor, Tensors};
pub use weight_norm::{fold_weight_norm, WeightNorm};
