//! A small causal decoder in the style of EnCodec's SEANet, imported at build time from
//! `data/model.safetensors` and `data/net.toml` (both made by `tools/causal_decoder.py`)
//! by `build.rs` through `conv_transpose_import::write_network_out_dir`:
//!
//! ```text
//! y = tanh(ups.2(lrelu(ups.1(lrelu(ups.0(x))))))     lrelu = LeakyReLU(0.1)
//! ups.0: 32 -> 16 channels, K 8, S 4, padding 2:            16 ->  64 frames  (weight_norm)
//! ups.1: 16 ->  8 channels, K 4, S 2, padding 1, groups 2:  64 -> 128 frames  (parametrizations.weight_norm)
//! ups.2:  8 ->  1 channel,  K 6, S 3, causal:              128 -> 384 frames
//! ```
//!
//! The weight norms are folded by the importer (the checkpoint holds `weight_g`/`weight_v`
//! and `original0`/`original1`, not the weights). Every item is generated:
//! [`DECODER`] runs the whole signal, [`DECODER_STREAM`] streams it from one frame at a
//! time on a [`DecoderStreamState`] (start from [`DECODER_STREAM_STATE`]), over the same
//! `static` weights, and [`DECODER_OUTPUT_ACTIVATION`] is the final tanh:
//!
//! ```
//! use conv_transpose::Layer;
//! use conv_transpose_decoder::*;
//!
//! let x = [[0.25f32; 32]; 16];
//! let mut scratch = Decoder::SCRATCH; // the intermediate tensors
//! let mut whole = [[0.0f32; 1]; 384];
//! DECODER.forward_act(&x, &mut scratch, &mut whole, DECODER_OUTPUT_ACTIVATION);
//!
//! let mut state = DECODER_STREAM_STATE;
//! let mut streamed = Vec::new();
//! for frame in x.chunks(1) {
//!     DECODER_STREAM.push_act(&mut state, frame, DECODER_OUTPUT_ACTIVATION, |y| {
//!         streamed.extend_from_slice(y)
//!     });
//! }
//! DECODER_STREAM.finish_act(&mut state, DECODER_OUTPUT_ACTIVATION, |y| {
//!     streamed.extend_from_slice(y)
//! });
//! assert_eq!(streamed, whole);
//! ```
//!
//! `no_std`: the firmware can run the same [`DECODER_STREAM`] on a Cortex-M4F.
#![no_std]
#![deny(missing_docs)]

#[allow(missing_docs)]
mod decoder {
    include!(concat!(env!("OUT_DIR"), "/decoder.rs"));
}
pub use decoder::*;

/// The same checkpoint under other hyper-parameters (no PyTorch counterpart), imported
/// from a description in memory (`build.rs`): crops that differ between the ends,
/// dilation 2 and output padding 1, ReLU and nothing between the layers, a leaky ReLU
/// after the last, blocks of 3 frames; 7 -> 28 -> 60 -> 180 frames.
#[allow(missing_docs)]
pub mod variant {
    include!(concat!(env!("OUT_DIR"), "/variant.rs"));
}

/// PyTorch's input `(32, 16)` and output `(1, 384)` (`data/input.npy`,
/// `data/output.npy`, batch axis dropped).
#[allow(missing_docs)]
pub mod golden {
    include!(concat!(env!("OUT_DIR"), "/golden.rs"));
}
