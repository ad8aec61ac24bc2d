//! The Q15 kernel on the device against a plain scatter written out here: shapes that
//! reach every branch of the Cortex-M4 `SMLALD` loop (even and odd tap counts, one tap,
//! a bias, stride 1, stereo, four and three channels in both layouts) and the portable
//! fallbacks (dilation, phases longer than the loop's buffer), with full-scale inputs
//! that saturate. Exits 0 only if
//! every output matches bit for bit, in both layouts, plain and with a fused ReLU.
//!
//!     cargo run --release --bin q15_kernels                              # Cortex-M4F
//!     cargo run --release --bin q15_kernels --target thumbv6m-none-eabi  # Cortex-M0
#![no_std]
#![no_main]

use conv_transpose::{GroupedConvTranspose1d, Relu, Q15};
use cortex_m_rt::entry;
use semihosting::{println, process};

/// A deterministic value in the whole Q15 range, with stretches at `MIN` and `MAX`.
fn value(seed: u32, i: usize) -> i16 {
    let mut h = (i as u32).wrapping_mul(0x9E37_79B9) ^ seed.wrapping_mul(0x85EB_CA6B);
    h ^= h >> 15;
    h = h.wrapping_mul(0x2C1B_3C6D);
    h ^= h >> 12;
    match (i / 16) % 8 {
        3 => i16::MAX,
        6 => i16::MIN,
        _ => (h >> 16) as u16 as i16,
    }
}

/// Checks one layer: `forward` against the scatter
/// `full[i*S + k*D][c*M + j] += x[c][i] * w[c][j][k]` (depthwise with multiplier `M`,
/// channels first), cropped by `P`, plus `bias << 15`, `sat16(>> 15)`.
// The scatter indexes by frame, tap and channel, as the definition is written.
// Not inlined: each shape's buffers live in its own frame (the M0 has 16 KiB of RAM).
#[inline(never)]
#[allow(clippy::type_complexity, clippy::needless_range_loop)]
fn check<
    const L: usize,
    const C: usize,
    const CO: usize,
    const M: usize,
    const K: usize,
    const S: usize,
    const P: usize,
    const D: usize,
    const OP: usize,
    const N: usize,
>(
    name: &str,
    seed: u32,
    scale: i32,
    bias: bool,
) -> bool {
    type Layer<
        const L: usize,
        const C: usize,
        const CO: usize,
        const M: usize,
        const K: usize,
        const S: usize,
        const P: usize,
        const D: usize,
        const OP: usize,
    > = GroupedConvTranspose1d<L, C, CO, M, K, S, P, D, OP, Q15>;
    let w: [[[Q15; K]; M]; C] = core::array::from_fn(|c| {
        core::array::from_fn(|j| {
            core::array::from_fn(|k| {
                Q15::from_bits((i32::from(value(seed, (c * M + j) * K + k)) / scale) as i16)
            })
        })
    });
    let b: [Q15; CO] = core::array::from_fn(|co| Q15::from_bits(value(seed + 1, co) / 4));
    let layer = Layer::<L, C, CO, M, K, S, P, D, OP>::from_torch(&w, bias.then_some(&b));
    let x: [[Q15; L]; C] = core::array::from_fn(|c| {
        core::array::from_fn(|i| Q15::from_bits(value(seed + 2, c * L + i)))
    });
    let mut y = [[Q15::ZERO; N]; CO];
    layer.forward_ncl(&x, &mut y);
    let xi: [[Q15; C]; L] = core::array::from_fn(|i| core::array::from_fn(|c| x[c][i]));
    let mut yi = [[Q15::ZERO; CO]; N];
    layer.forward(&xi, &mut yi);
    // ReLU, fused into the loops' saturation on Arm: max(y, 0).
    let mut yr = [[Q15::ZERO; N]; CO];
    layer.forward_ncl_act(&x, &mut yr, Relu);
    let mut yri = [[Q15::ZERO; CO]; N];
    layer.forward_act(&xi, &mut yri, Relu);
    let (mut bad, mut saturated) = (0, 0);
    for co in 0..CO {
        let (c, j) = (co / M, co % M);
        for n in 0..N {
            let mut acc = if bias {
                i64::from(b[co].to_bits()) << 15
            } else {
                0
            };
            for i in 0..L {
                for k in 0..K {
                    if i * S + k * D == n + P {
                        acc += i64::from(x[c][i].to_bits()) * i64::from(w[c][j][k].to_bits());
                    }
                }
            }
            let want = (acc >> 15).clamp(-32768, 32767) as i16;
            saturated += usize::from(want == i16::MAX || want == i16::MIN);
            let relu = want.max(0);
            for (layout, got, want) in [
                ("ncl", y[co][n], want),
                ("nlc", yi[n][co], want),
                ("ncl relu", yr[co][n], relu),
                ("nlc relu", yri[n][co], relu),
            ] {
                if got.to_bits() != want {
                    if bad < 3 {
                        println!(
                            "MISMATCH {name} {layout} ch {co} frame {n}: {} != {want}",
                            got.to_bits()
                        );
                    }
                    bad += 1;
                }
            }
        }
    }
    println!(
        "{}: {} outputs, {} saturated, {} wrong",
        name,
        CO * N,
        saturated,
        bad
    );
    bad == 0
}

macro_rules! case {
    ($name:literal, seed=$seed:literal scale=$scale:literal bias=$bias:literal,
     L=$l:literal C=$c:literal M=$m:literal K=$k:literal S=$s:literal P=$p:literal D=$d:literal OP=$op:literal) => {{
        type Layer = GroupedConvTranspose1d<$l, $c, { $c * $m }, $m, $k, $s, $p, $d, $op, Q15>;
        check::<$l, $c, { $c * $m }, $m, $k, $s, $p, $d, $op, { Layer::OUT_LEN }>(
            $name, $seed, $scale, $bias,
        )
    }};
}

#[entry]
fn main() -> ! {
    let mut ok = true;
    // Even phases (16 taps), odd phases (5), one tap, stride 1, a bias, saturation.
    ok &= case!("x3_k48", seed=1 scale=8 bias=false, L=64 C=1 M=1 K=48 S=3 P=0 D=1 OP=0);
    ok &= case!("x5_k25_bias", seed=2 scale=4 bias=true, L=50 C=1 M=1 K=25 S=5 P=3 D=1 OP=1);
    ok &= case!("x4_k4_one_tap", seed=3 scale=1 bias=true, L=40 C=1 M=1 K=4 S=4 P=0 D=1 OP=0);
    ok &= case!("s1_k15", seed=4 scale=4 bias=false, L=60 C=1 M=1 K=15 S=1 P=7 D=1 OP=0);
    ok &= case!("x2_k31_uneven", seed=5 scale=2 bias=true, L=45 C=1 M=1 K=31 S=2 P=5 D=1 OP=1);
    // Stereo, four and three channels (interleaved in `forward`, channels first in
    // `forward_ncl`), and a channel multiplier (the general path).
    ok &= case!("stereo_x2", seed=6 scale=8 bias=true, L=48 C=2 M=1 K=32 S=2 P=8 D=1 OP=1);
    ok &= case!("stereo_sat", seed=10 scale=1 bias=true, L=40 C=2 M=1 K=9 S=3 P=1 D=1 OP=0);
    // Stereo split into two mono signals: runs of blocks longer than the buffers (two
    // taps, then 100: one and several runs, an odd block left to the SMLALBB loop).
    ok &= case!("stereo_s1_k2", seed=13 scale=2 bias=true, L=200 C=2 M=1 K=2 S=1 P=0 D=1 OP=0);
    ok &=
        case!("stereo_s1_k100", seed=14 scale=32 bias=false, L=200 C=2 M=1 K=100 S=1 P=4 D=1 OP=0);
    ok &= case!("quad_x2", seed=11 scale=4 bias=true, L=30 C=4 M=1 K=16 S=2 P=2 D=1 OP=1);
    ok &= case!("tri_x3", seed=12 scale=4 bias=false, L=30 C=3 M=1 K=12 S=3 P=0 D=1 OP=0);
    ok &= case!("multiplier", seed=7 scale=2 bias=true, L=24 C=2 M=2 K=6 S=2 P=1 D=1 OP=1);
    // Dilation (inputs not adjacent: the portable body) and a phase of 300 taps (longer
    // than the loop's pair buffer).
    ok &= case!("dilated", seed=8 scale=2 bias=false, L=40 C=1 M=1 K=7 S=3 P=4 D=2 OP=1);
    ok &= case!("long_phase", seed=9 scale=64 bias=false, L=24 C=1 M=1 K=300 S=1 P=0 D=1 OP=0);
    if ok {
        println!("q15 kernels: all outputs match");
        process::exit(0)
    } else {
        println!("q15 kernels: MISMATCH");
        process::exit(1)
    }
}
