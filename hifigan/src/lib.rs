//! The last three upsampling stages of HiFi-GAN v2, imported at build time from
//! `data/net.toml` over `data/model.safetensors` (the model of `tools/hifigan_tail.py`)
//! by `build.rs` through `conv_transpose_import::write_network_out_dir`:
//!
//! ```text
//! y = tanh(ups.2(lrelu(ups.1(lrelu(ups.0(x))))))     lrelu = LeakyReLU(0.1)
//! ups.0: 64 -> 32 channels, K 16, S 8, P 4:  16 ->  128 frames
//! ups.1: 32 -> 16 channels, K 4,  S 2, P 1: 128 ->  256 frames
//! ups.2: 16 ->  8 channels, K 4,  S 2, P 1: 256 ->  512 frames
//! ```
//!
//! Every item but [`run`], [`SHAPE`] and [`STREAM_RAM`] is generated: [`NET`] runs the
//! whole signal ([`Net`], a [`conv_transpose::Chain`] over the `static` layers
//! [`NET_UPS_0`], [`NET_UPS_1`], [`NET_UPS_2`]); [`NET_STREAM`] is the same network as a
//! stream over the same weights (`with_len` views of the same statics), one input frame a
//! block, on a [`NetStreamState`] that starts as [`NET_STREAM_STATE`], and what it emits
//! is [`NET`]'s output bit for bit; [`NET_OUTPUT_ACTIVATION`] is the final tanh.
//!
//! `no_std`: the firmware crate runs [`NET`] and [`NET_STREAM`] on a Cortex-M4F.
#![no_std]
#![deny(missing_docs)]

use conv_transpose::Layer;

#[allow(missing_docs)]
mod model {
    include!(concat!(env!("OUT_DIR"), "/model.rs"));
}
pub use model::*;

/// The RAM a stream takes: [`NetStreamState`]'s size.
pub const STREAM_RAM: usize = core::mem::size_of::<NetStreamState>();

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
    NET.forward_ncl_act(x, scratch, y, NET_OUTPUT_ACTIVATION);
}

/// PyTorch's input `(64, 16)` and output `(8, 512)` (`data/input.npy`,
/// `data/output.npy`, batch axis dropped).
#[allow(missing_docs)]
pub mod golden {
    include!(concat!(env!("OUT_DIR"), "/golden.rs"));
}
