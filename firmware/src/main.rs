//! Streams `static` layers (weights in flash) block by block and checks every output
//! frame against values the host computed at build time (see build.rs): two f32 layers
//! (within a rounding bound) and two Q15 layers (bit for bit, one of them saturating).
//! Prints the result through semihosting (and defmt with the `defmt` feature) and exits
//! with 0 only if every frame matches.
//!
//!     cargo run --release                              # Cortex-M4F, QEMU mps2-an386
//!     cargo run --release --target thumbv6m-none-eabi  # Cortex-M0, QEMU microbit
#![no_std]
#![no_main]

mod shapes;

#[allow(clippy::approx_constant, clippy::excessive_precision)]
mod expected {
    include!(concat!(env!("OUT_DIR"), "/expected.rs"));
}

use conv_transpose::{ConvTranspose1d, DepthwiseConvTranspose1d, StreamState, Q15};
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

/// Raw bits to samples, for `static` Q15 weights.
const fn q15<const N: usize>(bits: &[i16; N]) -> [Q15; N] {
    let mut out = [Q15::ZERO; N];
    let mut i = 0;
    while i < N {
        out[i] = Q15::from_bits(bits[i]);
        i += 1;
    }
    out
}

/// The mono x3 layer in Q15, its taps quantised on the host by `Q15::taps_for`.
type MonoQ15 = ConvTranspose1d<MONO_BLOCK, 1, 1, MONO_K, MONO_S, 0, 1, 0, Q15>;
static MONO_Q15: MonoQ15 = MonoQ15::from_torch(&[[q15(&MONO_Q15_TAPS)]], None);

/// A dense 2 -> 2 Q15 layer with taps far beyond the headroom: it saturates.
type Sat = ConvTranspose1d<SAT_BLOCK, SAT_C, SAT_C, SAT_K, SAT_S, SAT_P, 1, SAT_OP, Q15>;
static SAT: Sat = Sat::from_torch(
    &[
        [q15(&SAT_TAPS[0][0]), q15(&SAT_TAPS[0][1])],
        [q15(&SAT_TAPS[1][0]), q15(&SAT_TAPS[1][1])],
    ],
    Some(&q15(&SAT_BIAS)),
);

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

/// Frames checked, frames not equal to the host's bits, and outputs at full scale.
#[derive(Default)]
struct BitTally {
    frames: usize,
    bad: usize,
    at_max: usize,
    at_min: usize,
    peak: i32,
}

impl BitTally {
    fn check<const C: usize>(&mut self, got: &[[Q15; C]], expected: [&[i16]; C]) {
        for frame in got {
            for ch in 0..C {
                let at = self.frames;
                let bits = frame[ch].to_bits();
                match bits {
                    i16::MAX => self.at_max += 1,
                    i16::MIN => self.at_min += 1,
                    _ => {}
                }
                self.peak = self.peak.max(i32::from(bits).abs());
                match expected[ch].get(at) {
                    Some(&want) if want == bits => {}
                    Some(&want) => {
                        if self.bad < 4 {
                            println!("  frame {at} ch {ch}: {bits} expected {want}");
                        }
                        self.bad += 1;
                    }
                    None => self.bad += 1, // more frames than the whole signal has
                }
            }
            self.frames += 1;
        }
    }

    fn report(&self, name: &str, expected_frames: usize) -> bool {
        let ok = self.bad == 0 && self.frames == expected_frames;
        println!(
            "{name}: {} of {expected_frames} frames, {} not bit-exact, peak |y| {}, {} outputs at MAX and {} at MIN: {}",
            self.frames,
            self.bad,
            self.peak,
            self.at_max,
            self.at_min,
            if ok { "PASS" } else { "FAIL" }
        );
        #[cfg(feature = "defmt")]
        defmt::info!("{}: {} frames, {} bad: {}", name, self.frames, self.bad, ok);
        ok
    }
}

#[inline(never)]
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

#[inline(never)]
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

#[inline(never)]
fn mono_q15() -> bool {
    let mut state = StreamState::<Q15, 1, { MonoQ15::STREAM_FRAMES }>::new();
    let mut y = [[Q15::ZERO; 1]; MONO_BLOCK * MONO_S];
    let mut tally = BitTally::default();
    let expected = [&MONO_Q15_EXPECTED[..]];
    for b in 0..Q15_BLOCKS {
        let x: [[Q15; 1]; MONO_BLOCK] = core::array::from_fn(|i| {
            [Q15::from_bits(q15_input(
                b * MONO_BLOCK + i,
                &MONO_Q15_TAPS,
            ))]
        });
        let n = MONO_Q15.process(&mut state, &x, &mut y);
        tally.check(&y[..n], expected);
    }
    loop {
        let n = MONO_Q15.flush(&mut state, &mut y);
        if n == 0 {
            break;
        }
        tally.check(&y[..n], expected);
    }
    // No output may saturate: the taps have the headroom.
    let ok = tally.at_max + tally.at_min == 0;
    if !ok {
        println!("  the headroom did not hold");
    }
    println!("mono Q15 taps: gain {} from taps_for", MONO_Q15_GAIN);
    tally.report(
        "mono Q15 x3, K=48, 8 blocks of 160 (the last two at full scale)",
        MONO_Q15_EXPECTED.len(),
    ) & ok
}

#[inline(never)]
fn saturating_q15() -> bool {
    let mut state = StreamState::<Q15, SAT_C, { Sat::STREAM_FRAMES }>::new();
    let mut y = [[Q15::ZERO; SAT_C]; SAT_BLOCK * SAT_S];
    let mut tally = BitTally::default();
    let expected = [&SAT_EXPECTED_0[..], &SAT_EXPECTED_1[..]];
    for b in 0..SAT_BLOCKS {
        let x: [[Q15; SAT_C]; SAT_BLOCK] = core::array::from_fn(|i| {
            core::array::from_fn(|ch| Q15::from_bits(sat_input(b * SAT_BLOCK + i, ch)))
        });
        let n = SAT.process(&mut state, &x, &mut y);
        tally.check(&y[..n], expected);
    }
    loop {
        let n = SAT.flush(&mut state, &mut y[..5]);
        if n == 0 {
            break;
        }
        tally.check(&y[..n], expected);
    }
    // Both ways, or the case checks nothing about saturation.
    let ok = tally.at_max > 0 && tally.at_min > 0;
    tally.report(
        "saturating Q15 2->2, K=8, S=2, P=2, OP=1, bias, 4 blocks of 16",
        SAT_EXPECTED_0.len(),
    ) & ok
}

/// The stack's paint: what `stack_used` looks for.
const PAINT: u32 = 0x5EED_CAFE;
/// How far below the top of RAM the paint reaches at most (less where RAM is smaller).
const PAINTED: usize = 64 * 1024;

extern "C" {
    /// The top of the stack (cortex-m-rt's link.x: the end of RAM).
    static _stack_start: u32;
    /// The lowest address the stack may reach (link.x: the end of .bss and .uninit).
    static _stack_end: u32;
}

/// The lowest painted word: `PAINTED` below the top, or the stack's end if that is higher.
fn paint_bottom() -> usize {
    let top = core::ptr::addr_of!(_stack_start) as usize;
    let end = core::ptr::addr_of!(_stack_end) as usize;
    (top.saturating_sub(PAINTED).max(end) + 3) & !3
}

/// Paints the stack below the caller's frame, for [`stack_used`].
#[inline(never)]
fn paint_stack() {
    let sp = cortex_m::register::msp::read() as usize;
    // Leave this function's own frame alone.
    let mut at = paint_bottom();
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
    let mut at = paint_bottom();
    // SAFETY: the painted RAM, read back.
    while at < top && unsafe { (at as *const u32).read_volatile() } == PAINT {
        at += 4;
    }
    top - at
}

/// FNV-1a over the bits of a run of output frames, in time order: what a stream writes
/// and what the whole-signal chain writes must hash the same.
#[cfg(firmware_hifigan)]
struct Fnv(u64);

#[cfg(firmware_hifigan)]
impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn add(&mut self, v: f32) {
        for b in v.to_bits().to_le_bytes() {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// The distance of output `v` (channel `c`, frame `n`) from PyTorch's, infinite for NaN.
#[cfg(firmware_hifigan)]
fn from_pytorch(c: usize, n: usize, v: f32) -> f32 {
    let w = conv_transpose_hifigan::golden::OUTPUT[c][n];
    // FIRMWARE_PERTURB=1: one expected value moved by ten times the tolerance.
    let w = if cfg!(firmware_perturb) && (c, n) == (3, 100) {
        w + 1e-5
    } else {
        w
    };
    let e = (v - w).abs();
    if e.is_nan() {
        f32::INFINITY
    } else {
        e
    }
}

/// The last three upsampling stages of HiFi-GAN v2, imported from the PyTorch checkpoint
/// by `conv-transpose-hifigan`'s build script, against PyTorch's own output for the same
/// input (the host test's tolerance, 1e-6). Returns whether it passed, and the hash of
/// its output in time order.
#[cfg(firmware_hifigan)]
#[inline(never)]
fn hifigan() -> (bool, u64) {
    use conv_transpose::Layer;
    use conv_transpose_hifigan::{golden, run, Net};

    let mut scratch = Net::SCRATCH;
    let mut y = [[f32::NAN; 512]; 8];
    run(&golden::INPUT, &mut scratch, &mut y);
    let (mut worst, mut hash) = (0.0f32, Fnv::new());
    for n in 0..512 {
        for (c, row) in y.iter().enumerate() {
            worst = worst.max(from_pytorch(c, n, row[n]));
            hash.add(row[n]);
        }
    }
    let ok = worst <= 1e-6;
    println!(
        "HiFi-GAN v2 tail from model.safetensors (64 x 16 -> 8 x 512; 3 layers, LeakyReLU(0.1), tanh): worst |y - PyTorch| = {:e}: {}",
        worst,
        if ok { "PASS" } else { "FAIL" }
    );
    (ok, hash.0)
}

/// The same tail streamed one input frame a block: its state on the stack, each output
/// frame checked against PyTorch's as it comes and hashed (nothing of the signal is
/// kept); the hash must be the whole-signal chain's (`whole`), bit for bit.
#[cfg(firmware_hifigan)]
#[inline(never)]
fn hifigan_stream(whole: u64) -> bool {
    use conv_transpose::Tanh;
    use conv_transpose_hifigan::{golden, NET_STREAM, NET_STREAM_STATE, STREAM_RAM};

    let mut state = NET_STREAM_STATE;
    let (mut worst, mut hash, mut frames) = (0.0f32, Fnv::new(), 0usize);
    let mut emit = |y: &[[f32; 8]]| {
        for f in y {
            for (c, &v) in f.iter().enumerate() {
                worst = worst.max(if frames < 512 {
                    from_pytorch(c, frames, v)
                } else {
                    f32::INFINITY
                });
                hash.add(v);
            }
            frames += 1;
        }
    };
    for i in 0..16 {
        let frame: [f32; 64] = core::array::from_fn(|c| golden::INPUT[c][i]);
        NET_STREAM.push_act(&mut state, &[frame], Tanh, &mut emit);
    }
    NET_STREAM.finish_act(&mut state, Tanh, &mut emit);
    let ok = frames == 512 && worst <= 1e-6 && hash.0 == whole;
    println!(
        "HiFi-GAN v2 tail streamed, one input frame a block (state {STREAM_RAM} bytes): {frames} frames, worst |y - PyTorch| = {:e}, {} the whole-signal chain: {}",
        worst,
        if hash.0 == whole { "bit for bit" } else { "NOT bit for bit" },
        if ok { "PASS" } else { "FAIL" }
    );
    ok
}

/// The causal decoder imported from its network description (weight norms folded by the
/// importer), streamed one input frame a block: each output checked against PyTorch's
/// as it comes (the host test's tolerance, 1e-6), nothing of the signal kept.
#[inline(never)]
fn decoder_stream() -> bool {
    use conv_transpose_decoder::{
        golden, DecoderStreamState, DECODER_OUTPUT_ACTIVATION, DECODER_STREAM, DECODER_STREAM_STATE,
    };

    let mut state = DECODER_STREAM_STATE;
    let (mut worst, mut frames) = (0.0f32, 0usize);
    let mut emit = |y: &[[f32; 1]]| {
        for f in y {
            let want = golden::OUTPUT[0].get(frames).copied().unwrap_or(f32::NAN);
            // FIRMWARE_PERTURB=1: one expected value moved by ten times the tolerance.
            let want = if cfg!(firmware_perturb) && frames == 200 {
                want + 1e-5
            } else {
                want
            };
            let e = (f[0] - want).abs();
            worst = if e.is_nan() {
                f32::INFINITY
            } else {
                worst.max(e)
            };
            frames += 1;
        }
    };
    for i in 0..golden::INPUT[0].len() {
        let frame: [f32; 32] = core::array::from_fn(|c| golden::INPUT[c][i]);
        DECODER_STREAM.push_act(&mut state, &[frame], DECODER_OUTPUT_ACTIVATION, &mut emit);
    }
    DECODER_STREAM.finish_act(&mut state, DECODER_OUTPUT_ACTIVATION, &mut emit);
    let ok = frames == golden::OUTPUT[0].len() && worst <= 1e-6;
    println!(
        "causal decoder from net.toml (32 x 16 -> 1 x 384; weight norms folded; last layer causal), streamed one frame a block (state {} bytes): {frames} frames, worst |y - PyTorch| = {:e}: {}",
        core::mem::size_of::<DecoderStreamState>(),
        worst,
        if ok { "PASS" } else { "FAIL" }
    );
    ok
}

#[cfg(not(firmware_hifigan))]
fn hifigan() -> (bool, u64) {
    (true, 0)
}

#[cfg(not(firmware_hifigan))]
fn hifigan_stream(_: u64) -> bool {
    true
}

#[entry]
fn main() -> ! {
    println!("conv-transpose firmware on {MACHINE}: streaming static layers from flash");
    paint_stack();
    let mut ok = mono() & stereo() & mono_q15() & saturating_q15();
    println!(
        "peak stack (all of the RAM the firmware uses: no .data, no .bss): {} bytes",
        stack_used()
    );
    paint_stack();
    let decoder = decoder_stream();
    println!(
        "peak stack of the decoder stream (its state on the stack; statics: none): {} bytes",
        stack_used()
    );
    ok &= decoder;
    if cfg!(firmware_hifigan) {
        paint_stack();
        let (net, whole) = hifigan();
        println!(
            "peak stack of the HiFi-GAN chain (its scratch and output on the stack): {} bytes",
            stack_used()
        );
        paint_stack();
        let streamed = hifigan_stream(whole);
        println!(
            "peak stack of the HiFi-GAN stream (its state on the stack; statics: none): {} bytes",
            stack_used()
        );
        ok &= net & streamed;
    }
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
