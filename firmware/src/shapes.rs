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
