//! What one streamed layer costs in flash: the smallest production image of a mono x3
//! upsampler (16 kHz -> 48 kHz in 10 ms blocks, K = 48), built twice.
//!
//! - `minimal` streams the layer: blocks of [`L`] frames read from a DMA-like input
//!   buffer, [`MiniLayer::process`] on each, one [`MiniLayer::flush`], every output
//!   written to a sink.
//! - `empty` is the same image without the library: the same weights kept in flash, the
//!   same reads and writes, no layer call.
//!
//! So `text + data` of `minimal` less that of `empty` is the library's code on this path,
//! beyond the weights and an empty image. The layer is an `f32` one on a Cortex-M4F
//! (`thumbv7em-none-eabihf`) and its `Q15` version on a Cortex-M0 (`thumbv6m-none-eabi`),
//! causal (`PL = 0`, `PR = K - S`) so that its stream holds nothing back.
//!
//! `./check.sh` builds both images for both targets, prints their sizes and fails if the
//! difference is above its budget, if a library function can panic (calls into
//! `core::panicking` and the slice index failures), if `memmove` is linked, or if the
//! stream state is not in `.bss`.
#![no_std]

use core::hint::black_box;
use core::ptr::{addr_of, addr_of_mut};

use conv_transpose::CroppedConvTranspose1d;
#[cfg(not(all(target_arch = "arm", target_abi = "eabihf")))]
use conv_transpose::Q15;
use panic_halt as _;

/// Input frames per block: 10 ms at 16 kHz.
pub const L: usize = 160;
/// Taps.
pub const K: usize = 48;
/// Stride, the upsampling factor.
pub const S: usize = 3;
/// Blocks `minimal` streams before it flushes.
pub const BLOCKS: usize = 4;

/// The sample type: `f32` where there is an FPU.
#[cfg(all(target_arch = "arm", target_abi = "eabihf"))]
pub type Sample = f32;
/// The sample type: `Q15` where there is no FPU.
#[cfg(not(all(target_arch = "arm", target_abi = "eabihf")))]
pub type Sample = Q15;

#[cfg(all(target_arch = "arm", target_abi = "eabihf"))]
const ZERO: Sample = 0.0;
#[cfg(not(all(target_arch = "arm", target_abi = "eabihf")))]
const ZERO: Sample = Q15::ZERO;

/// Mono x3, causal: `PL = 0`, `PR = K - S`, so `L` frames give `L * S` and the stream's
/// latency is 0.
pub type MiniLayer = CroppedConvTranspose1d<L, 1, 1, 1, K, S, 0, { K - S }, 1, 0, Sample>;

/// A triangle, made at compile time: any values do for a size measurement, these at
/// least interpolate (linearly).
const fn taps() -> [f32; K] {
    let mut w = [0.0f32; K];
    let mut k = 0;
    while k < K {
        // Triangle over the K taps, peak 1 at the middle (gain S overall).
        let t = (k as f32 + 0.5) / (K as f32 / 2.0);
        w[k] = if t < 1.0 { t } else { 2.0 - t };
        k += 1;
    }
    w
}

#[cfg(all(target_arch = "arm", target_abi = "eabihf"))]
const WEIGHT: [f32; K] = taps();
#[cfg(not(all(target_arch = "arm", target_abi = "eabihf")))]
const WEIGHT: [Q15; K] = {
    let mut w = taps();
    let mut k = 0;
    // Below full scale: the phase sums stay under 1.
    while k < K {
        w[k] /= 8.0;
        k += 1;
    }
    Q15::from_f32_array(&w)
};

/// The layer, weights in flash.
pub static LAYER: MiniLayer = MiniLayer::from_torch(&[[WEIGHT]], None);

/// Where the input arrives (a DMA buffer, say): all zero at reset, so in `.bss`, and read
/// only through volatile loads, so the optimiser knows nothing of its contents.
static mut INPUT: [[Sample; 1]; L] = [[ZERO; 1]; L];

/// Where the outputs go (a DAC register, say).
static mut SINK: Sample = ZERO;

/// Keeps the weights in the image without reading them: for `empty`, which has no layer
/// call to read them.
pub fn keep_weights() {
    black_box(&LAYER);
}

/// The next input block, read sample by sample from [`INPUT`].
pub fn read_block(block: &mut [[Sample; 1]; L]) {
    let input = addr_of!(INPUT).cast::<Sample>();
    for (i, frame) in block.iter_mut().enumerate() {
        // SAFETY: `i < L`, inside `INPUT`, which nothing else writes from Rust (the
        // volatile load stands for a peripheral's writes).
        frame[0] = unsafe { input.add(i).read_volatile() };
    }
}

/// Writes `frames` to [`SINK`], one volatile store each.
pub fn write_frames(frames: &[[Sample; 1]]) {
    for frame in frames {
        // SAFETY: one aligned store to `SINK`, which only this function touches.
        unsafe { addr_of_mut!(SINK).write_volatile(frame[0]) };
    }
}

/// Where both images end: nothing left to do.
pub fn idle() -> ! {
    loop {
        core::hint::spin_loop();
    }
}
