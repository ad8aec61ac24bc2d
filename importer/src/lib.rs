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
//! # From the command line
//! The `conv-transpose-import` binary prints the same source:
//! `conv-transpose-import model.safetensors --weight ups.0.weight --bias ups.0.bias
//! --len 32 --stride 8 --padding 4 > src/ups0.rs` (`--help` lists the flags).
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
mod npy;
mod render;
mod spec;
mod st_header;
mod tensors;

pub use array::{render_array, try_render_array};
pub use error::ImportError;
pub use render::{render, render_file, write_out_dir, write_to_dir};
pub use spec::{default_name, type_alias_name, ElementType, LayerSpec};
pub use tensors::{read_npy_f32, Tensor, Tensors};
