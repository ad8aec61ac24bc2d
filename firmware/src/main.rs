//! Streams two `static` layers (weights in flash) block by block on a Cortex-M4F and
//! checks every output frame against values the host computed at build time (see
//! build.rs). Prints the result through semihosting (and defmt with the `defmt`
//! feature) and exits with 0 only if every frame matches.
//!
//!     cargo run --release        # in firmware/, under qemu-system-arm (mps2-an386)
#![no_std]
#![no_main]

mod shapes;

#[allow(clippy::approx_constant, clippy::excessive_precision)]
mod expected {
    include!(concat!(env!("OUT_DIR"), "/expected.rs"));
}

use conv_transpose::{ConvTranspose1d, DepthwiseConvTranspose1d, StreamState};
use cortex_m_rt::entry;
#[cfg(feature = "defmt")]
use defmt_semihosting as _;
use semihosting::{println, process};

use expected::*;
use shapes::*;

/// 16 kHz -> 48 kHz, 10 ms blocks.
type Mono = ConvTranspose1d<MONO_BLOCK, 1, 1, MONO_K, MONO_S>;
static MONO: Mono = Mono::from_torch(&[[MONO_TAPS]], None);

/// Stereo x2, each channel its own filter, centred (P = 8, OP = 1), with a bias.
type Stereo = DepthwiseConvTranspose1d<STEREO_BLOCK, 2, STEREO_K, STEREO_S, STEREO_P, 1, STEREO_OP>;
static STEREO: Stereo = Stereo::from_torch(&STEREO_TAPS, Some(&STEREO_BIAS));

/// Frames checked, frames outside their tolerance, and the worst error in tolerances.
#[derive(Default)]
struct Tally {
    frames: usize,
    bad: usize,
    worst: f32,
}

impl Tally {
    fn check<const C: usize>(&mut self, got: &[[f32; C]], expected: [&[f32]; C], tol: [&[f32]; C]) {
        for frame in got {
            for ch in 0..C {
                let at = self.frames;
                let (want, tol) = match (expected[ch].get(at), tol[ch].get(at)) {
                    (Some(&w), Some(&t)) => (w, t),
                    _ => {
                        self.bad += 1; // more frames than the whole signal has
                        continue;
                    }
                };
                let err = (frame[ch] - want).abs();
                self.worst = self.worst.max(err / tol);
                if err.is_nan() || err > tol {
                    if self.bad < 4 {
                        println!("  frame {at} ch {ch}: {} expected {want}", frame[ch]);
                    }
                    self.bad += 1;
                }
            }
            self.frames += 1;
        }
    }

    fn report(&self, name: &str, expected_frames: usize) -> bool {
        let ok = self.bad == 0 && self.frames == expected_frames;
        println!(
            "{name}: {} of {expected_frames} frames, {} outside tolerance, worst error {} of the tolerance: {}",
            self.frames,
            self.bad,
            self.worst,
            if ok { "PASS" } else { "FAIL" }
        );
        #[cfg(feature = "defmt")]
        defmt::info!("{}: {} frames, {} bad: {}", name, self.frames, self.bad, ok);
        ok
    }
}

fn mono() -> bool {
    let mut state = StreamState::<f32, 1, { Mono::STREAM_FRAMES }>::new();
    let mut y = [[0.0f32; 1]; MONO_BLOCK * MONO_S];
    let mut tally = Tally::default();
    let (expected, tol) = ([&MONO_EXPECTED[..]], [&MONO_TOLERANCE[..]]);
    for b in 0..MONO_BLOCKS {
        let x: [[f32; 1]; MONO_BLOCK] = core::array::from_fn(|i| [signal(b * MONO_BLOCK + i, 0)]);
        let n = MONO.process(&mut state, &x, &mut y);
        tally.check(&y[..n], expected, tol);
    }
    loop {
        let n = MONO.flush(&mut state, &mut y);
        if n == 0 {
            break;
        }
        tally.check(&y[..n], expected, tol);
    }
    tally.report("mono x3, K=48, 6 blocks of 160", MONO_EXPECTED.len())
}

fn stereo() -> bool {
    let mut state = StreamState::<f32, 2, { Stereo::STREAM_FRAMES }>::new();
    let mut y = [[0.0f32; 2]; STEREO_BLOCK * STEREO_S];
    let mut tally = Tally::default();
    let expected = [&STEREO_EXPECTED_0[..], &STEREO_EXPECTED_1[..]];
    let tol = [&STEREO_TOLERANCE_0[..], &STEREO_TOLERANCE_1[..]];
    for b in 0..STEREO_BLOCKS {
        let x: [[f32; 2]; STEREO_BLOCK] = core::array::from_fn(|i| {
            let n = b * STEREO_BLOCK + i;
            [signal(n, 0), signal(n, 1)]
        });
        let n = STEREO.process(&mut state, &x, &mut y);
        tally.check(&y[..n], expected, tol);
    }
    // The flush in pieces of 3 frames, as an output callback might take it.
    loop {
        let n = STEREO.flush(&mut state, &mut y[..3]);
        if n == 0 {
            break;
        }
        tally.check(&y[..n], expected, tol);
    }
    tally.report(
        "stereo depthwise x2, K=32, P=8, OP=1, 5 blocks of 64",
        STEREO_EXPECTED_0.len(),
    )
}

/// The stack's paint: what `stack_used` looks for.
const PAINT: u32 = 0x5EED_CAFE;
/// How far below the entry frame the paint reaches.
const PAINTED: usize = 64 * 1024;

extern "C" {
    /// The top of the stack (cortex-m-rt's link.x: the end of RAM).
    static _stack_start: u32;
}

/// Paints the stack below the caller's frame, for [`stack_used`].
#[inline(never)]
fn paint_stack() {
    let sp = cortex_m::register::msp::read() as usize;
    let top = core::ptr::addr_of!(_stack_start) as usize;
    // Leave this function's own frame alone.
    let mut at = (top - PAINTED) & !3;
    while at < sp - 256 {
        // SAFETY: RAM below the live stack, unused by anything but the stack.
        unsafe { (at as *mut u32).write_volatile(PAINT) };
        at += 4;
    }
}

/// Peak stack use since [`paint_stack`]: from the top of RAM down to the lowest word
/// the paint no longer holds.
fn stack_used() -> usize {
    let top = core::ptr::addr_of!(_stack_start) as usize;
    let mut at = top - PAINTED;
    // SAFETY: the painted RAM, read back.
    while at < top && unsafe { (at as *const u32).read_volatile() } == PAINT {
        at += 4;
    }
    top - at
}

#[entry]
fn main() -> ! {
    println!("conv-transpose firmware on a Cortex-M4F: streaming static layers from flash");
    paint_stack();
    let ok = mono() & stereo();
    println!(
        "peak stack (all of the RAM the firmware uses: no .data, no .bss): {} bytes",
        stack_used()
    );
    println!(
        "{}",
        if ok {
            "all frames match the host"
        } else {
            "MISMATCH"
        }
    );
    process::exit(if ok { 0 } else { 1 })
}
