//! Upsample a generated two-tone signal from 16 kHz to 48 kHz with one transposed
//! convolution, and measure what came out.
//!
//!     cargo run --release --example upsample
//!
//! The layer is a 49-tap windowed-sinc interpolator as a `ConvTranspose1d` with stride 3.
//! Padding 24 (the filter's delay) aligns output with input, and output padding 2 makes
//! the output exactly three times as long, so the result can be compared sample for
//! sample with the same tones synthesised at 48 kHz.

use std::f64::consts::PI;
use std::time::Instant;

use conv_transpose::ConvTranspose1d;

const RATE_IN: f64 = 16_000.0;
const UP: usize = 3;
const FRAMES: usize = 16_000; // one second
const TAPS: usize = 2 * 8 * UP + 1; // 8 input samples each side of the centre
const DELAY: usize = TAPS / 2;
const TONES: [(f64, f64); 2] = [(1_000.0, 0.5), (3_000.0, 0.25)]; // (Hz, amplitude)

/// x3 interpolation: cutoff at the input's Nyquist (8 kHz of 48 kHz), Blackman window,
/// passband gain 3 (each phase of the polyphase filter then sums to about 1).
type Upsampler = ConvTranspose1d<FRAMES, 1, 1, TAPS, UP, DELAY, 1, { UP - 1 }>;

fn design() -> [f32; TAPS] {
    core::array::from_fn(|k| {
        let t = (k as f64 - DELAY as f64) / UP as f64;
        let sinc = if t == 0.0 {
            1.0
        } else {
            (PI * t).sin() / (PI * t)
        };
        let phase = 2.0 * PI * k as f64 / (TAPS - 1) as f64;
        let blackman = 0.42 - 0.5 * phase.cos() + 0.08 * (2.0 * phase).cos();
        (sinc * blackman) as f32
    })
}

fn tones(rate: f64, frames: usize) -> Vec<f64> {
    (0..frames)
        .map(|n| {
            TONES
                .iter()
                .map(|&(f, a)| a * (2.0 * PI * f * n as f64 / rate).sin())
                .sum()
        })
        .collect()
}

/// Amplitude of the component at `freq`: Goertzel over the Hann-windowed signal (an
/// unwindowed one leaks about -90 dB this far from a tone, hiding the images).
fn amplitude(signal: &[f64], rate: f64, freq: f64) -> f64 {
    let w = 2.0 * PI * freq / rate;
    let (mut s1, mut s2) = (0.0, 0.0);
    let last = (signal.len() - 1) as f64;
    for (n, &v) in signal.iter().enumerate() {
        let hann = 0.5 - 0.5 * (2.0 * PI * n as f64 / last).cos();
        let s = v * hann + 2.0 * w.cos() * s1 - s2;
        s2 = s1;
        s1 = s;
    }
    // Hann's coherent gain is 1/2.
    (s1 * s1 + s2 * s2 - 2.0 * w.cos() * s1 * s2).sqrt() * 4.0 / signal.len() as f64
}

fn db(ratio: f64) -> f64 {
    20.0 * ratio.log10()
}

fn main() {
    let taps = design();
    let layer = Upsampler::from_torch(&[[taps]], None);
    let input = tones(RATE_IN, FRAMES);
    let x: Vec<[f32; 1]> = input.iter().map(|&v| [v as f32]).collect();
    let x: &[[f32; 1]; FRAMES] = x.as_slice().try_into().unwrap();
    let mut y = vec![[0.0f32; 1]; Upsampler::OUT_LEN];
    let y_arr: &mut [[f32; 1]; FRAMES * UP] = y.as_mut_slice().try_into().unwrap();

    let runs = 20;
    let start = Instant::now();
    for _ in 0..runs {
        layer.forward(x, y_arr);
    }
    let seconds = start.elapsed().as_secs_f64() / runs as f64;

    let rate_out = RATE_IN * UP as f64;
    let out: Vec<f64> = y.iter().map(|v| v[0] as f64).collect();
    let ideal = tones(rate_out, out.len());
    // Skip the first and last 10 ms, where the filter runs past the signal's ends.
    let edge = (rate_out / 100.0) as usize;
    let (got, want) = (
        &out[edge..out.len() - edge],
        &ideal[edge..ideal.len() - edge],
    );
    let power = |s: &mut dyn Iterator<Item = f64>| s.map(|v| v * v).sum::<f64>();
    let snr = 10.0
        * (power(&mut want.iter().copied()) / power(&mut got.iter().zip(want).map(|(a, b)| a - b)))
            .log10();

    println!("conv-transpose: upsampling two tones from 16 kHz to 48 kHz");
    println!(
        "  layer   ConvTranspose1d<L={FRAMES}, CIN=1, COUT=1, K={TAPS}, S={UP}, P={DELAY}, D=1, OP={}>",
        UP - 1
    );
    println!(
        "          {TAPS}-tap Blackman-windowed sinc, {} or {} taps per output phase",
        TAPS / UP,
        TAPS.div_ceil(UP)
    );
    println!("  in      {FRAMES} frames at 16 kHz: 1 kHz at -6 dBFS + 3 kHz at -12 dBFS");
    println!(
        "  out     {} frames at 48 kHz (OUT_LEN, fixed at compile time)",
        Upsampler::OUT_LEN
    );
    for &(f, a) in &TONES {
        println!(
            "  tone    {f:>5.0} Hz: {:+.3} dB against the input",
            db(amplitude(got, rate_out, f) / a)
        );
        for image in [RATE_IN - f, RATE_IN + f] {
            println!(
                "  image   {image:>5.0} Hz: {:.1} dB below the tone",
                -db(amplitude(got, rate_out, image) / a)
            );
        }
    }
    println!("  SNR     {snr:.1} dB against the same tones synthesised at 48 kHz");
    println!(
        "  speed   {:.3} ms per second of audio ({:.0}x real time, portable scalar kernel, {:.2} GFLOP/s)",
        seconds * 1e3,
        1.0 / seconds,
        Upsampler::FLOPS as f64 / seconds / 1e9
    );
}
