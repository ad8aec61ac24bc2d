//! The demo: upsample 16 kHz audio x3 to 48 kHz through the streaming API, in 10 ms
//! blocks, and measure what came out.
//!
//! ```text
//! cargo run --release -p upsample                       # a synthetic test signal
//! cargo run --release -p upsample -- in.wav             # a 16 kHz WAV file
//! cargo run --release -p upsample -- in.wav --out up.wav --plot spectrum.png
//! cargo run --release -p upsample -- --q15              # and the same layer in Q15
//! ```
//!
//! The upsampler is one mono layer, `ConvTranspose1d<160, 1, 1, 145, 3, 72, 1, 2>`: blocks
//! of 160 input frames (10 ms), 145 taps of a Kaiser-windowed sinc designed by
//! `design::Interpolator::for_attenuation(3, 145, 90.0)` (images at least 90 dB down from
//! 8 kHz up, passband flat to 6.03 kHz), stride 3. Padding 72 (the filter's delay,
//! `(K-1)/2` for an odd `K`) aligns output frame `3n` with input frame `n`, and output
//! padding 2 makes the output exactly three times as long as the input. Every channel
//! runs through its own `StreamState`: whole blocks through `process_with`, the last
//! partial block zero-padded, then `flush_with`.
//!
//! Input: without arguments, 3.125 s synthesised at 16 kHz (312.5 blocks, so the last
//! one is partial): 1 kHz at -6 dBFS, 3 kHz at -12 dBFS and a logarithmic sweep from
//! 50 Hz to 5.5 kHz at -12 dBFS, faded in and out over 10 ms. With a path, a WAV file of
//! any channel count with 8- to 32-bit integer or 32-bit float samples. It must be at
//! 16 kHz: a file at any other rate is refused (exit code 2) rather than played back at
//! the wrong speed; resample it first (`sox in.wav -r 16000 in16k.wav`).
//!
//! Output: a 48 kHz WAV of 32-bit floats with the input's channels
//! (`target/upsample/upsampled.wav`, or `--out PATH`), and a PNG plot of the input's and
//! the output's magnitude spectra (`target/upsample/spectrum.png`, or `--plot PATH`;
//! the README's `docs/upsample_spectrum.png` is `--plot docs/upsample_spectrum.png`
//! without arguments).
//!
//! What it prints:
//! - **images**: for the synthetic signal, the level of each tone's images at 16 kHz - f
//!   and 16 kHz + f relative to the tone (in the spectrum of the whole output under one
//!   Hann window, 0.32 Hz bins; at 48 kHz the images at 32 kHz -/+ f fall on the same two
//!   frequencies). For any input, the energy of the output above 8 kHz relative to its
//!   energy below, and the highest bin above 8 kHz relative to the highest below (from
//!   the averaged spectrum that is plotted: Hann windows of 6144 samples, 7.8 Hz bins).
//! - **SNR** of the f32 streaming output against an f64 reference computed here: a
//!   1201-tap Kaiser-windowed sinc at 150 dB with the same passband edge (6.03 kHz),
//!   applied by a plain f64 polyphase loop to the same f32 input samples with the same
//!   alignment. `SNR = 10 log10(sum ref^2 / sum (out - ref)^2)` over all channels,
//!   skipping 600 output frames (the reference's half-length, 12.5 ms) at each end,
//!   where the two filters answer the signal's abrupt start and end differently. Content
//!   of a WAV between 6.03 and 8 kHz counts too: there the layer's transition band
//!   passes part of it and the reference's removes it.
//! - **speed** of every backend this CPU has, as a multiple of real time: the duration
//!   of the signal over the best time of the whole streaming pass (all channels, blocks,
//!   flush) on that backend. Each backend's output is compared with the default
//!   backend's; the example exits with code 1 if any differs by more than 1e-5 of the
//!   output's peak.
//!
//! - with `--q15`, the layer in fixed point as well: the taps quantised with
//!   `Q15::taps_for` (scaled so that no output can saturate), a full-scale 1 kHz sine
//!   (1 s, quantised to Q15) streamed through it, and its **SNR** against the f64 result
//!   of the same layer (its Q15 taps, exact in f64) on the unquantised sine, 600 frames
//!   left out at each end: what the fixed-point arithmetic loses (input rounding, the
//!   output's shift). Also the SNR against the unquantised filter at the same gain, which
//!   adds the taps' rounding; then the Q15 speed of every backend. The example exits
//!   with code 1 if the SNR is below 80 dB or a backend's Q15 output differs from the
//!   portable kernel's in any bit.
//!
//! A long file reports its progress on stderr every half second.

use std::f64::consts::PI;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use conv_transpose::design::{kaiser_beta, transition_width, DesignError, Interpolator};
use conv_transpose::{
    output_padding_for, Backend, ConvTranspose1d, Error, QuantiseError, StreamState,
};

use progress::Progress;

// The root of an example is a file, so its modules' paths are spelled out.
mod plot;
mod progress;
mod q15;
mod reference;
mod spectrum;
mod speed;
mod wav;

const RATE_IN: u32 = 16_000;
const S: usize = 3;
const RATE_OUT: u32 = RATE_IN * S as u32;
/// Input frames per block: 10 ms.
const BLOCK: usize = 160;
/// Taps: odd, so that the filter's delay `(K-1)/2` is a whole number of output frames.
const K: usize = 145;
const ATTENUATION_DB: f64 = 90.0;
/// Padding: the filter's delay, which aligns the output with the input.
const P: usize = (K - 1) / 2;
/// Output padding: PyTorch's `output_size=` rule for exactly `S` times the input.
const OP: usize = match output_padding_for(BLOCK, K, S, P, 1, BLOCK * S) {
    Some(op) => op,
    None => panic!("no output padding gives S times the input"),
};
type Upsampler = ConvTranspose1d<BLOCK, 1, 1, K, S, P, 1, OP>;
type State = StreamState<f32, 1, { Upsampler::STREAM_FRAMES }>;

/// The reference: 3 * 400 + 1 taps (400 input frames each side of the centre), 150 dB.
const REF_TAPS: usize = 1201;
const REF_DB: f64 = 150.0;
/// Output frames left out of the SNR at each end: the reference's half-length.
const EDGE: usize = REF_TAPS / 2;

/// The synthetic signal: 312.5 blocks, tones (Hz, amplitude), a log sweep (Hz, Hz,
/// amplitude) and fades of 10 ms.
const SYNTH_FRAMES: usize = 50_000;
const TONES: [(f64, f64); 2] = [(1_000.0, 0.5), (3_000.0, 0.25)];
const SWEEP: (f64, f64, f64) = (50.0, 5_500.0, 0.25);
const FADE: usize = 160;

/// FFT sizes of the spectra: bins of 7.8125 Hz at both rates.
const FFT_IN: usize = 2048;
const FFT_OUT: usize = FFT_IN * S;

const USAGE: &str = "usage: upsample [IN.wav] [--out OUT.wav] [--plot SPECTRUM.png] [--q15]";

struct Args {
    input: Option<PathBuf>,
    out: PathBuf,
    plot: PathBuf,
    q15: bool,
}

fn parse_args() -> Result<Args, String> {
    // The workspace's target directory (this package sits one level below its root).
    let package = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = package.parent().unwrap_or(package).join("target/upsample");
    let mut args = Args {
        input: None,
        out: dir.join("upsampled.wav"),
        plot: dir.join("spectrum.png"),
        q15: false,
    };
    let mut it = std::env::args_os().skip(1);
    while let Some(arg) = it.next() {
        match arg.to_str() {
            Some("--out") => args.out = it.next().ok_or("--out needs a path")?.into(),
            Some("--plot") => args.plot = it.next().ok_or("--plot needs a path")?.into(),
            Some("--q15") => args.q15 = true,
            Some("-h" | "--help") => return Err(String::new()),
            Some(flag) if flag.starts_with('-') => return Err(format!("unknown option {flag}")),
            _ if args.input.is_none() => args.input = Some(arg.into()),
            _ => return Err("more than one input file".into()),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("upsample: {msg}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(Failure::Input(msg)) => {
            eprintln!("upsample: {msg}");
            ExitCode::from(2)
        }
        Err(Failure::Other(msg)) => {
            eprintln!("upsample: {msg}");
            ExitCode::FAILURE
        }
    }
}

enum Failure {
    /// An input the example does not take (exit code 2).
    Input(String),
    /// Anything else (exit code 1).
    Other(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Other(e.to_string())
    }
}

impl From<DesignError> for Failure {
    fn from(e: DesignError) -> Failure {
        Failure::Other(format!("filter design: {e}"))
    }
}

impl From<QuantiseError> for Failure {
    fn from(e: QuantiseError) -> Failure {
        Failure::Other(format!("Q15 taps: {e}"))
    }
}

/// Returns whether every backend agreed with the default one.
fn run(args: &Args) -> Result<bool, Failure> {
    // The layer's filter and the reference's, with the same passband edge.
    let design = Interpolator::for_attenuation(S, K, ATTENUATION_DB)?;
    let width = transition_width(K, S, ATTENUATION_DB)?;
    let edge = design.cutoff() - width / 2.0; // of the input Nyquist
    let nyquist = RATE_IN as f64 / 2.0;
    let layer_taps: [f32; K] = design.taps();
    let layer = Upsampler::from_torch(&[[layer_taps]], None);
    let ref_width = transition_width(REF_TAPS, S, REF_DB)?;
    let mut ref_taps = vec![0.0; REF_TAPS];
    Interpolator::new(S, edge + ref_width / 2.0, kaiser_beta(REF_DB)?)?.fill(&mut ref_taps);

    let (name, input) = match &args.input {
        None => ("synthetic".to_string(), synthesise()),
        Some(path) => (display(path), wav::read_wav(path)?),
    };
    let (channels, frames) = (input.len(), input[0].len());
    let seconds = frames as f64 / RATE_IN as f64;

    println!("conv-transpose: {name} upsampled x3 from 16 kHz to 48 kHz, streaming");
    if args.input.is_none() {
        let (f0, f1, a) = SWEEP;
        println!(
            "  input     {frames} frames ({seconds:.3} s, {:.1} blocks), 1 channel: 1 kHz at -6 dBFS, 3 kHz at -12 dBFS, log sweep {f0:.0} Hz - {:.1} kHz at {:.0} dBFS",
            frames as f64 / BLOCK as f64,
            f1 / 1000.0,
            db(a)
        );
    } else {
        println!(
            "  input     {frames} frames ({seconds:.3} s, {:.1} blocks) x {channels} channel{}",
            frames as f64 / BLOCK as f64,
            if channels == 1 { "" } else { "s" }
        );
    }
    println!(
        "  layer     ConvTranspose1d<L={BLOCK}, CIN=1, COUT=1, K={K}, S={S}, P={P}, D=1, OP={OP}>, one StreamState per channel"
    );
    println!(
        "  filter    Kaiser sinc, {ATTENUATION_DB:.0} dB (beta {:.2}), cutoff {:.4} x 8 kHz: passband to {:.0} Hz, stopband from {:.0} Hz",
        design.beta(),
        design.cutoff(),
        nyquist * edge,
        nyquist * (design.cutoff() + width / 2.0)
    );
    println!(
        "  stream    blocks of {BLOCK} frames (10 ms) -> {} frames; latency {} output frames ({:.1} ms), flush {} frames",
        BLOCK * S,
        Upsampler::STREAM_LATENCY,
        Upsampler::STREAM_LATENCY as f64 / RATE_OUT as f64 * 1e3,
        Upsampler::STREAM_TAIL
    );

    // The output, on the default backend.
    let backend = layer.backend();
    let mut progress = Progress::new("upsampling", channels * frames);
    let output = upsample(&layer, backend, &input, Some(&mut progress))?;
    progress.done();
    wav::write_wav(&args.out, &output)?;
    println!(
        "  output    {} frames at 48 kHz, 32-bit float -> {}",
        output[0].len(),
        display(&args.out)
    );

    // Image rejection.
    let out64: Vec<Vec<f64>> = output.iter().map(|c| widen(c)).collect();
    let in64: Vec<Vec<f64>> = input.iter().map(|c| widen(c)).collect();
    if args.input.is_none() {
        // One window over all of the output, so that its bins (0.32 Hz) are narrow enough
        // to fall on every tone and image.
        let n = out64[0].len();
        let whole = spectrum::welch_db(&out64, n);
        let level = |hz: f64| {
            let k = hz * n as f64 / RATE_OUT as f64;
            assert_eq!(k.fract(), 0.0, "{hz} Hz falls between two bins");
            whole[k as usize]
        };
        let mut worst = f64::NEG_INFINITY;
        for (i, &(f, _)) in TONES.iter().enumerate() {
            let images = [RATE_IN as f64 - f, RATE_IN as f64 + f]
                .map(|image| (image, level(image) - level(f)));
            worst = images.iter().fold(worst, |w, i| w.max(i.1));
            println!(
                "  {:9} of {:.0} kHz: {:.0} kHz {:.1} dB, {:.0} kHz {:.1} dB (relative to the tone)",
                if i == 0 { "images" } else { "" },
                f / 1000.0,
                images[0].0 / 1000.0,
                images[0].1,
                images[1].0 / 1000.0,
                images[1].1,
            );
        }
        println!("            worst tone image {worst:.1} dB");
    }
    let spec_in = spectrum::welch_db(&in64, FFT_IN);
    let spec_out = spectrum::welch_db(&out64, FFT_OUT);
    let bin = RATE_OUT as f64 / FFT_OUT as f64;
    let split = (nyquist / bin) as usize; // the first bin at 8 kHz
    let (below, above) = spec_out.split_at(split);
    let energy = |s: &[f64]| s.iter().map(|d| 10f64.powf(d / 10.0)).sum::<f64>();
    let peak = |s: &[f64]| s.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    println!(
        "  > 8 kHz   energy {:.1} dB relative to the energy below 8 kHz; highest bin {:.1} dB relative to the highest below",
        10.0 * (energy(above) / energy(below)).log10(),
        peak(above) - peak(below)
    );

    // SNR against the f64 reference, and against the layer's own taps in f64 (which
    // leaves the f32 arithmetic alone).
    let own_taps: Vec<f64> = layer_taps.iter().map(|&t| f64::from(t)).collect();
    let skip = if frames * S > 4 * EDGE { EDGE } else { 0 };
    let [snr, own_snr] = reference::snr(&in64, &out64, [&ref_taps, &own_taps], skip);
    println!(
        "  SNR       {snr:.1} dB against an f64 reference ({REF_TAPS} taps, {REF_DB:.0} dB, passband to {:.0} Hz), {skip} frames left out at each end",
        nyquist * edge
    );
    println!(
        "            {own_snr:.1} dB against the layer's own taps in f64 (the f32 rounding alone)"
    );
    let bin_in = RATE_IN as f64 / FFT_IN as f64;
    let transition = spec_in
        .split_at((nyquist * edge / bin_in).ceil() as usize)
        .1;
    println!(
        "            input energy {:.0}-8000 Hz (passed in part by the layer, removed by the reference): {:.1} dB of the total",
        nyquist * edge,
        10.0 * (energy(transition) / energy(&spec_in)).log10()
    );

    let agree = speed::speeds(&layer, &input, &output)?;

    // The plot: the output's spectrum over 0-24 kHz, the input's over 0-8 kHz on top.
    let points = |s: &[f64]| -> Vec<(f64, f64)> {
        s.iter()
            .enumerate()
            .map(|(k, &d)| (k as f64 * bin, d))
            .collect()
    };
    let curves = [
        plot::Curve {
            points: points(&spec_out),
            colour: plot::OUTPUT,
            label: "output 48 kHz",
        },
        plot::Curve {
            points: points(&spec_in),
            colour: plot::INPUT,
            label: "input 16 kHz",
        },
    ];
    create_parent(&args.plot)?;
    plot::spectrum_png(
        &args.plot,
        &curves,
        RATE_OUT as f64 / 2.0,
        (-200.0, 0.0),
        nyquist,
    )
    .map_err(Failure::Other)?;
    println!("  plot      {}", display(&args.plot));

    if !agree {
        eprintln!("upsample: a backend's output differs from the default backend's by more than 1e-5 of the peak");
    }
    let q15_ok = !args.q15 || q15::q15()?;
    Ok(agree && q15_ok)
}

/// Upsamples every channel through its own stream on `backend`.
fn upsample(
    layer: &Upsampler,
    backend: Backend,
    channels: &[Vec<[f32; 1]>],
    mut progress: Option<&mut Progress>,
) -> Result<Vec<Vec<[f32; 1]>>, Error> {
    const { assert!(Upsampler::STREAM_TAIL <= BLOCK * S) };
    let mut outputs = Vec::with_capacity(channels.len());
    for x in channels {
        let mut state = State::new();
        let mut out = Vec::with_capacity(x.len() * S + BLOCK * S);
        let mut y = [[0.0f32; 1]; BLOCK * S];
        let mut blocks = x.chunks_exact(BLOCK);
        for block in &mut blocks {
            let block = block.try_into().expect("BLOCK frames");
            let n = layer.process_with(backend, &mut state, block, &mut y)?;
            out.extend_from_slice(&y[..n]);
            if let Some(p) = progress.as_deref_mut() {
                p.advance(BLOCK);
            }
        }
        // The last partial block, zero-padded: the zeros add nothing to the frames of the
        // real signal, and the frames past its end are cut off below.
        let rest = blocks.remainder();
        if !rest.is_empty() {
            let mut block = [[0.0f32; 1]; BLOCK];
            block[..rest.len()].copy_from_slice(rest);
            let n = layer.process_with(backend, &mut state, &block, &mut y)?;
            out.extend_from_slice(&y[..n]);
        }
        let n = layer.flush_with(backend, &mut state, &mut y)?;
        out.extend_from_slice(&y[..n]);
        out.truncate(x.len() * S);
        outputs.push(out);
    }
    Ok(outputs)
}

fn synthesise() -> Vec<Vec<[f32; 1]>> {
    let rate = RATE_IN as f64;
    let (f0, f1, a) = SWEEP;
    let duration = SYNTH_FRAMES as f64 / rate;
    let k = (f1 / f0).ln() / duration;
    let x = (0..SYNTH_FRAMES)
        .map(|n| {
            let t = n as f64 / rate;
            let tones: f64 = TONES
                .iter()
                .map(|&(f, a)| a * (2.0 * PI * f * t).sin())
                .sum();
            // Instantaneous frequency f0 e^(k t): the phase is its integral.
            let sweep = a * (2.0 * PI * f0 * ((k * t).exp() - 1.0) / k).sin();
            let edge = n.min(SYNTH_FRAMES - 1 - n);
            let fade = if edge < FADE {
                0.5 - 0.5 * (PI * edge as f64 / FADE as f64).cos()
            } else {
                1.0
            };
            [((tones + sweep) * fade) as f32]
        })
        .collect();
    vec![x]
}

fn create_parent(path: &Path) -> Result<(), Failure> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir)
            .map_err(|e| Failure::Other(format!("{}: {e}", dir.display()))),
        _ => Ok(()),
    }
}

/// The path relative to the working directory where it lies below it.
fn display(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&cwd)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn widen(x: &[[f32; 1]]) -> Vec<f64> {
    x.iter().map(|v| f64::from(v[0])).collect()
}

fn db(ratio: f64) -> f64 {
    20.0 * ratio.log10()
}
