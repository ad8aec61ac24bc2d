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
//! `no_std`: the firmware crate runs the same [`NET`] on a Cortex-M4F.
#![no_std]
#![deny(missing_docs)]

use conv_transpose::{Chain, Layer, LeakyRelu, Tanh};

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
