//! The last three upsampling stages of HiFi-GAN v2 as a [`conv_transpose::Chain`],
//! imported at build time from `data/model.safetensors` (made by
//! `tools/hifigan_tail.py`) by `build.rs` through `conv_transpose_import::write_out_dir`:
//!
//! ```text
//! y = tanh(ups.2(lrelu(ups.1(lrelu(ups.0(x))))))     lrelu = LeakyReLU(0.1)
//! ups.0: 64 -> 32 channels, K 16, S 8, P 4:  16 ->  128 frames
//! ups.1: 32 -> 16 channels, K 4,  S 2, P 1: 128 ->  256 frames
//! ups.2: 16 ->  8 channels, K 4,  S 2, P 1: 256 ->  512 frames
//! ```
//!
//! [`STREAM`] is the same network as a stream, over the same weights (views of the same
//! statics): one input frame a block, [`NetStream`] its state, and what it emits is
//! [`NET`]'s output bit for bit.
//!
//! `no_std`: the firmware crate runs [`NET`] and [`STREAM`] on a Cortex-M4F.
#![no_std]
#![deny(missing_docs)]

use conv_transpose::{
    chain, chunk_stream, Chain, ChunkStream, GroupedConvTranspose1d, Layer, LeakyRelu, Tanh,
};

#[allow(missing_docs)]
mod model {
    include!(concat!(env!("OUT_DIR"), "/model.rs"));
}
pub use model::*;

/// The first two layers with LeakyReLU(0.1) between: 16 x 64 -> 256 x 16.
pub type Front = Chain<&'static Ups0, LeakyRelu, &'static Ups1, { Ups0::OUT_LEN }, 32>;

/// The whole tail: [`Front`], LeakyReLU(0.1), `ups.2`; [`run`] adds the final tanh.
pub type Net = Chain<Front, LeakyRelu, &'static Ups2, { Ups1::OUT_LEN }, 16>;

/// The network, every layer in flash.
pub static NET: Net = Chain::new(
    Chain::new(&UPS0, LeakyRelu(0.1), &UPS1),
    LeakyRelu(0.1),
    &UPS2,
);

/// `ups.0` as a stream layer: one input frame a block, 8 out.
pub type Ups0Block = GroupedConvTranspose1d<1, 64, 32, 32, 16, 8, 4, 1, 0, f32>;
/// `ups.1` on the 8 frames a block of `ups.0` gives: 16 out.
pub type Ups1Block = GroupedConvTranspose1d<8, 32, 16, 16, 4, 2, 1, 1, 0, f32>;
/// `ups.2` on the 16 frames a block of `ups.1` gives: 32 out.
pub type Ups2Block = GroupedConvTranspose1d<16, 16, 8, 8, 4, 2, 1, 1, 0, f32>;

/// The stream network: the layers of [`NET`] at their block lengths.
pub type StreamNet = chain!(
    chain!(&'static Ups0Block, LeakyRelu, &'static Ups1Block),
    LeakyRelu,
    &'static Ups2Block
);

/// [`NET`] as a stream, through the same weights (`with_len` views of [`UPS0`],
/// [`UPS1`], [`UPS2`]; no copy): `STREAM.push_act(&mut state, frames, Tanh, emit)`.
pub static STREAM: StreamNet = Chain::for_streaming(
    Chain::for_streaming(UPS0.with_len::<1>(), LeakyRelu(0.1), UPS1.with_len::<8>()),
    LeakyRelu(0.1),
    UPS2.with_len::<16>(),
);

/// The state of a stream of [`STREAM`]: each layer's history and one block's output.
pub type NetStream = (
    (chunk_stream!(Ups0Block), chunk_stream!(Ups1Block)),
    chunk_stream!(Ups2Block),
);

/// A stream at its start (`const`: it can be a `static`, all zero bits).
pub const NET_STREAM: NetStream = ((ChunkStream::new(), ChunkStream::new()), ChunkStream::new());

/// The RAM a stream takes: [`NetStream`]'s size.
pub const STREAM_RAM: usize = core::mem::size_of::<NetStream>();

/// Input frames and channels, output frames and channels.
pub const SHAPE: (usize, usize, usize, usize) = (
    <Net as Layer>::LEN_IN,
    <Net as Layer>::CIN,
    <Net as Layer>::LEN_OUT,
    <Net as Layer>::COUT,
);

/// `tanh(NET(x))`, channels first as PyTorch's `(C, L)`: `x` is `(64, 16)`, `y` is
/// `(8, 512)`. `scratch` holds the intermediate tensors (`Net::SCRATCH`, 12 KiB).
pub fn run(x: &[[f32; 16]; 64], scratch: &mut <Net as Layer>::Scratch, y: &mut [[f32; 512]; 8]) {
    NET.forward_ncl_act(x, scratch, y, Tanh);
}

/// PyTorch's input `(64, 16)` and output `(8, 512)` (`data/input.npy`,
/// `data/output.npy`, batch axis dropped).
#[allow(missing_docs)]
pub mod golden {
    include!(concat!(env!("OUT_DIR"), "/golden.rs"));
}
