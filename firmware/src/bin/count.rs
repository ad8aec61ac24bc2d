//! The instruction-count harness: streams one steady-state block through each of the
//! three mono benchmark shapes and the interleaved stereo one with the ordinary API
//! (`process`, static layers in flash) between two marker functions. `count.sh` runs it
//! under QEMU with a one-instruction-per-block execution trace and counts the
//! instructions between the markers.
//!
//! The Cortex-M0 (QEMU's micro:bit, 16 KiB of RAM) streams blocks of 256 frames (120 for
//! mono_x3_48k) instead of the benchmarks' 1024 (480): the count per output sample barely
//! depends on the block length.
#![no_std]
#![no_main]

use conv_transpose::{ConvTranspose1d, DepthwiseConvTranspose1d, StreamState, Q15};
use cortex_m_rt::entry;
use semihosting::{println, process};

/// Marks the start of a measured call (the harness counts from its first instruction).
#[inline(never)]
#[no_mangle]
extern "C" fn count_start(shape: u32) {
    core::hint::black_box(shape);
}

/// Marks the end of a measured call.
#[inline(never)]
#[no_mangle]
extern "C" fn count_stop(outputs: u32) {
    core::hint::black_box(outputs);
    core::hint::black_box(outputs);
}

/// Taps of a plain windowed sinc (the values do not change the instruction count).
const fn taps<const K: usize>() -> [[[f32; K]; 1]; 1] {
    let mut t = [0.0f32; K];
    let mut k = 0;
    while k < K {
        let c = k as f32 - (K as f32 - 1.0) / 2.0;
        t[k] = 1.0 / (1.0 + c * c);
        k += 1;
    }
    [[t]]
}

/// Block lengths: the benchmarks' (1024 and 480 frames) where the RAM holds them.
#[cfg(target_abi = "eabihf")]
const BLOCKS: (usize, usize) = (1024, 480);
#[cfg(not(target_abi = "eabihf"))]
const BLOCKS: (usize, usize) = (256, 120);
const LONG: usize = BLOCKS.0;
const SHORT: usize = BLOCKS.1;

macro_rules! shape {
    ($id:literal, $name:literal, L=$l:ident K=$k:literal S=$s:literal) => {{
        type Layer = ConvTranspose1d<$l, 1, 1, $k, $s>;
        static LAYER: Layer = Layer::from_torch(&taps::<$k>(), None);
        let mut state = StreamState::<f32, 1, { Layer::STREAM_FRAMES }>::new();
        let x: [[f32; 1]; $l] = core::array::from_fn(|i| [((i * 7919) % 113) as f32 / 56.0 - 1.0]);
        let mut y = [[0.0f32; 1]; $l * $s];
        // The first block fills the history; the second is the steady state measured.
        LAYER.process(&mut state, &x, &mut y);
        count_start($id);
        let n = LAYER.process(&mut state, core::hint::black_box(&x), &mut y);
        count_stop(n as u32);
        core::hint::black_box(&y);
        println!("{}: {} outputs from {} inputs, K = {}", $name, n, $l, $k);
    }};
}

/// The same taps in Q15 (they peak at 1.0, which saturates to the largest value).
const fn taps_q15<const K: usize>() -> [[[Q15; K]; 1]; 1] {
    [[Q15::from_f32_array(&taps::<K>()[0][0])]]
}

macro_rules! shape_q15 {
    ($id:literal, $name:literal, L=$l:ident K=$k:literal S=$s:literal) => {{
        type Layer = ConvTranspose1d<$l, 1, 1, $k, $s, 0, 1, 0, Q15>;
        static LAYER: Layer = Layer::from_torch(&taps_q15::<$k>(), None);
        let mut state = StreamState::<Q15, 1, { Layer::STREAM_FRAMES }>::new();
        let x: [[Q15; 1]; $l] =
            core::array::from_fn(|i| [Q15::from_bits((((i * 7919) % 113) as i16 - 56) * 512)]);
        let mut y = [[Q15::ZERO; 1]; $l * $s];
        LAYER.process(&mut state, &x, &mut y);
        count_start($id);
        let n = LAYER.process(&mut state, core::hint::black_box(&x), &mut y);
        count_stop(n as u32);
        core::hint::black_box(&y);
        println!("{}: {} outputs from {} inputs, K = {}", $name, n, $l, $k);
    }};
}

/// Interleaved (channels-last) stereo x2, each channel its own filter: what an I2S codec
/// delivers. Counted per output sample (two per frame), as mono is.
macro_rules! stereo {
    ($id:literal, $name:literal, $t:ty, $zero:expr, $x:expr, $taps:expr) => {{
        type Layer = DepthwiseConvTranspose1d<LONG, 2, 32, 2, 0, 1, 0, $t>;
        static LAYER: Layer = Layer::from_torch(&[$taps, $taps], None);
        let mut state = StreamState::<$t, 2, { Layer::STREAM_FRAMES }>::new();
        let x: [[$t; 2]; LONG] = core::array::from_fn(|i| [$x(i), $x(i + 57)]);
        let mut y = [[$zero; 2]; LONG * 2];
        LAYER.process(&mut state, &x, &mut y);
        count_start($id);
        let n = LAYER.process(&mut state, core::hint::black_box(&x), &mut y);
        count_stop(2 * n as u32);
        core::hint::black_box(&y);
        println!(
            "{}: {} outputs from {} inputs, K = 32",
            $name,
            2 * n,
            2 * LONG
        );
    }};
}

#[entry]
fn main() -> ! {
    shape!(1, "mono_x2", L=LONG K=32 S=2);
    shape!(2, "mono_x4", L=LONG K=64 S=4);
    shape!(3, "mono_x3_48k", L=SHORT K=48 S=3);
    stereo!(
        7,
        "stereo_dw_x2",
        f32,
        0.0,
        |i: usize| ((i * 7919) % 113) as f32 / 56.0 - 1.0,
        taps::<32>()[0]
    );
    shape_q15!(4, "q15_mono_x2", L=LONG K=32 S=2);
    shape_q15!(5, "q15_mono_x4", L=LONG K=64 S=4);
    shape_q15!(6, "q15_mono_x3_48k", L=SHORT K=48 S=3);
    stereo!(
        8,
        "q15_stereo_dw_x2",
        Q15,
        Q15::ZERO,
        |i: usize| Q15::from_bits((((i * 7919) % 113) as i16 - 56) * 512),
        taps_q15::<32>()[0]
    );
    process::exit(0)
}
