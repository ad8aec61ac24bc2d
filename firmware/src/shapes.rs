// Shared by the firmware and its build script (`include!`d by both), so that the device
// and the host agree on the layers' shapes and the test signal to the bit.

/// Mono x3 (16 kHz -> 48 kHz) in 10 ms blocks: K = 48 taps, stride 3.
pub const MONO_BLOCK: usize = 160;
pub const MONO_K: usize = 48;
pub const MONO_S: usize = 3;
pub const MONO_BLOCKS: usize = 6;

/// Stereo x2, channels independent (depthwise), centred: P = 8, OP = 1, with a bias.
pub const STEREO_BLOCK: usize = 64;
pub const STEREO_K: usize = 32;
pub const STEREO_S: usize = 2;
pub const STEREO_P: usize = 8;
pub const STEREO_OP: usize = 1;
pub const STEREO_BLOCKS: usize = 5;
pub const STEREO_BIAS: [f32; 2] = [0.0625, -0.03125];

/// Frame `n` of channel `ch`: two tones and a little deterministic noise, computed with
/// `libm` (pure Rust, the same bits on the host and the device).
pub fn signal(n: usize, ch: usize) -> f32 {
    let t = n as f32;
    let tone = 0.5 * libm::sinf(0.19 * t + ch as f32) + 0.25 * libm::sinf(0.73 * t);
    let mut h = (n as u32).wrapping_mul(0x9E37_79B9) ^ (ch as u32).wrapping_mul(0x85EB_CA6B);
    h ^= h >> 15;
    h = h.wrapping_mul(0x2C1B_3C6D);
    h ^= h >> 12;
    let noise = (h >> 8) as f32 / (1u32 << 24) as f32 - 0.5;
    tone + 0.125 * noise
}

/// The mono x3 layer again in Q15 (taps: the same design, quantised by `Q15::taps_for`
/// with the headroom that rules saturation out), over more blocks: `signal()` for the
/// first `Q15_SIGNAL_BLOCKS`, then full scale (see [`q15_input`]).
pub const Q15_BLOCKS: usize = 8;
pub const Q15_SIGNAL_BLOCKS: usize = 6;

/// Input frame `n` of the mono Q15 stream (raw bits). `taps` are the layer's Q15 taps:
/// the last block builds the worst case of each phase from their signs.
///
/// - blocks `0..Q15_SIGNAL_BLOCKS`: `Q15::from_f32(signal(n, 0))`;
/// - the next: 40 frames of `Q15::MAX`, 40 of `Q15::MIN`, 40 alternating, 40 of a
///   square wave of period 6;
/// - the last: groups of `K / S` frames, group `g` holding `±sign(w[r + j*S])` at full
///   scale for phase `r = g % S` (`j` counting back from the group's last frame), the
///   sign flipping every `S` groups, so the output of phase `r` at the group's end is
///   `±sum |w_r|` at full scale, the largest the layer can produce.
pub fn q15_input(n: usize, taps: &[i16; MONO_K]) -> i16 {
    let (b, i) = (n / MONO_BLOCK, n % MONO_BLOCK);
    let full = |positive: bool| if positive { i16::MAX } else { i16::MIN };
    if b < Q15_SIGNAL_BLOCKS {
        conv_transpose::Q15::from_f32(signal(n, 0)).to_bits()
    } else if b == Q15_SIGNAL_BLOCKS {
        match i {
            0..40 => i16::MAX,
            40..80 => i16::MIN,
            80..120 => full(i % 2 == 0),
            _ => full(i % 6 < 3),
        }
    } else {
        const G: usize = MONO_K / MONO_S;
        let (g, j) = (i / G, G - 1 - i % G);
        let (r, flip) = (g % MONO_S, (g / MONO_S) % 2 == 1);
        full((taps[r + j * MONO_S] >= 0) != flip)
    }
}

/// A small dense Q15 layer whose taps are far beyond the headroom (no `taps_for`), with a
/// bias, padding and output padding: many of its outputs saturate, both ways.
pub const SAT_BLOCK: usize = 16;
pub const SAT_C: usize = 2;
pub const SAT_K: usize = 8;
pub const SAT_S: usize = 2;
pub const SAT_P: usize = 2;
pub const SAT_OP: usize = 1;
pub const SAT_BLOCKS: usize = 4;
/// PyTorch's layout `[in][out][k]`, raw Q15 bits.
pub const SAT_TAPS: [[[i16; SAT_K]; SAT_C]; SAT_C] = [
    [
        [29491, -16384, 32767, 24576, -8192, 30000, 12000, -20000],
        [-32768, 20000, -25000, 32767, 16000, -12000, 8000, 4000],
    ],
    [
        [26000, 31000, -9000, 18000, 32767, -32768, 15000, 22000],
        [-30000, -28000, 14000, -32768, -21000, 25000, -6000, 32000],
    ],
];
pub const SAT_BIAS: [i16; SAT_C] = [8192, -12000];

/// Input frame `n`, channel `ch` of the saturating case (raw bits): `signal()` scaled by
/// 1.5 (so `Q15::from_f32` clips its peaks), with a full-scale stretch of opposite signs.
pub fn sat_input(n: usize, ch: usize) -> i16 {
    match n {
        24..40 => [i16::MAX, i16::MIN][ch],
        _ => conv_transpose::Q15::from_f32(1.5 * signal(n, ch)).to_bits(),
    }
}
