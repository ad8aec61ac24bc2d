//! The f32 kernel on the device against a sum written out here in the portable kernel's
//! order (each output's taps in increasing `k`, each product rounded, then added): the
//! FPU's `vmla` loop, Helium's `vmul`/`vadd` loop on the M55 and the portable body must
//! all match it bit for bit, plain and with a fused ReLU and LeakyReLU. Shapes reach the loops' branches: pairs of twelve-output
//! blocks and a last odd block, one tap, stride 1, a bias, stereo and four, eight and
//! three channels in both layouts, a channel multiplier and dilation (the general and
//! portable paths).
//!
//!     firmware/run.sh m55 run --release --bin f32_kernels     # or m0, m4f, m7, m33
#![no_std]
#![no_main]

use conv_transpose::{Activation, GroupedConvTranspose1d, Identity, LeakyRelu, Relu};
use cortex_m_rt::entry;
use semihosting::{println, process};

/// A deterministic value in [-1, 1).
fn value(seed: u32, i: usize) -> f32 {
    let mut h = (i as u32).wrapping_mul(0x9E37_79B9) ^ seed.wrapping_mul(0x85EB_CA6B);
    h ^= h >> 15;
    h = h.wrapping_mul(0x2C1B_3C6D);
    h ^= h >> 12;
    (h >> 8) as f32 / (1u32 << 23) as f32 - 1.0
}

/// Checks one layer, channels first (`forward_ncl`) and interleaved (`forward`), plain and
/// with ReLU and LeakyReLU(0.1) fused, against
/// `y[c*M + j][n] = bias + sum_k x[c][i] * w[c][j][k]` over `i*S + k*D = n + P`, `k`
/// increasing, in f32.
// Not inlined: each shape's buffers live in its own frame, not all at once in main's
// (the M0 has 16 KiB of RAM).
#[inline(never)]
#[allow(clippy::needless_range_loop)]
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
    bias: bool,
) -> bool {
    let w: [[[f32; K]; M]; C] = core::array::from_fn(|c| {
        core::array::from_fn(|j| core::array::from_fn(|k| value(seed, (c * M + j) * K + k)))
    });
    let b: [f32; CO] = core::array::from_fn(|co| value(seed + 1, co));
    let layer =
        GroupedConvTranspose1d::<L, C, CO, M, K, S, P, D, OP>::from_torch(&w, bias.then_some(&b));
    let x: [[f32; L]; C] =
        core::array::from_fn(|c| core::array::from_fn(|i| value(seed + 2, c * L + i)));
    let xi: [[f32; C]; L] = core::array::from_fn(|i| core::array::from_fn(|c| x[c][i]));
    let mut want = [[0.0f32; N]; CO];
    for co in 0..CO {
        let (c, j) = (co / M, co % M);
        for n in 0..N {
            let mut acc = if bias { b[co] } else { 0.0 };
            for k in 0..K {
                let m = n + P;
                if m >= k * D && (m - k * D).is_multiple_of(S) && (m - k * D) / S < L {
                    acc += x[c][(m - k * D) / S] * w[c][j][k];
                }
            }
            want[co][n] = acc;
        }
    }
    let mut bad = 0;
    bad += compare(name, "", &layer, &x, &xi, &want, Identity, |v| v);
    let relu = |v: f32| if v < 0.0 { 0.0 } else { v };
    bad += compare(name, " relu", &layer, &x, &xi, &want, Relu, relu);
    let leaky = |v: f32| if v < 0.0 { v * 0.1 } else { v };
    bad += compare(
        name,
        " leaky",
        &layer,
        &x,
        &xi,
        &want,
        LeakyRelu(0.1),
        leaky,
    );
    println!(
        "{name}: {} outputs, each in 2 layouts x 3 activations; {bad} not bit for bit",
        CO * N
    );
    bad == 0
}

/// Runs `layer` in both layouts with `act` fused and counts the outputs that differ from
/// `f(want)`.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn compare<
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
    A: Activation,
>(
    name: &str,
    act_name: &str,
    layer: &GroupedConvTranspose1d<L, C, CO, M, K, S, P, D, OP>,
    x: &[[f32; L]; C],
    xi: &[[f32; C]; L],
    want: &[[f32; N]; CO],
    act: A,
    f: impl Fn(f32) -> f32,
) -> usize {
    let mut y = [[0.0f32; N]; CO];
    layer.forward_ncl_act(x, &mut y, act);
    let mut yi = [[0.0f32; CO]; N];
    layer.forward_act(xi, &mut yi, act);
    let mut bad = 0;
    for co in 0..CO {
        for n in 0..N {
            let want = f(want[co][n]);
            for (layout, got) in [("ncl", y[co][n]), ("nlc", yi[n][co])] {
                if got.to_bits() != want.to_bits() {
                    if bad < 3 {
                        println!(
                            "MISMATCH {name} {layout}{act_name} ch {co} frame {n}: {got} != {want}"
                        );
                    }
                    bad += 1;
                }
            }
        }
    }
    bad
}

macro_rules! case {
    ($name:literal, seed=$seed:literal bias=$bias:literal,
     L=$l:literal C=$c:literal M=$m:literal K=$k:literal S=$s:literal P=$p:literal D=$d:literal OP=$op:literal) => {{
        type Layer = GroupedConvTranspose1d<$l, $c, { $c * $m }, $m, $k, $s, $p, $d, $op>;
        check::<$l, $c, { $c * $m }, $m, $k, $s, $p, $d, $op, { Layer::OUT_LEN }>(
            $name, $seed, $bias,
        )
    }};
}

#[entry]
fn main() -> ! {
    let mut ok = true;
    // 60 interior rows per phase: two pairs of blocks and an odd one; 16 taps a phase.
    ok &= case!("x3_k48", seed=1 bias=false, L=76 C=1 M=1 K=48 S=3 P=0 D=1 OP=0);
    // 24 rows: one pair; odd phases (5 taps), a bias, output padding.
    ok &= case!("x5_k25_bias", seed=2 bias=true, L=29 C=1 M=1 K=25 S=5 P=3 D=1 OP=1);
    ok &= case!("x4_k4_one_tap", seed=3 bias=true, L=40 C=1 M=1 K=4 S=4 P=0 D=1 OP=0);
    ok &= case!("s1_k15", seed=4 bias=false, L=90 C=1 M=1 K=15 S=1 P=7 D=1 OP=0);
    ok &= case!("x2_k31_uneven", seed=5 bias=true, L=45 C=1 M=1 K=31 S=2 P=5 D=1 OP=1);
    // Stereo, four, eight and three channels (interleaved: the lanes loops, and their
    // portable body for groups whose inputs are not contiguous); a channel multiplier
    // (the general path); dilation.
    ok &= case!("stereo_x2", seed=6 bias=true, L=64 C=2 M=1 K=32 S=2 P=8 D=1 OP=1);
    ok &= case!("quad_x3", seed=9 bias=true, L=40 C=4 M=1 K=24 S=3 P=2 D=1 OP=0);
    ok &= case!("octo_x2", seed=10 bias=true, L=20 C=8 M=1 K=16 S=2 P=1 D=1 OP=1);
    ok &= case!("tri_x2", seed=11 bias=false, L=30 C=3 M=1 K=12 S=2 P=0 D=1 OP=0);
    // The sliding-window loop's branches: a period and more (21 taps: one before the
    // groups, five groups), stereo with an odd tap count (7), and phases longer than its
    // weight buffer (70 mono taps, 40 stereo), which take the loop that reloads its window.
    ok &= case!("x2_k42", seed=12 bias=true, L=60 C=1 M=1 K=42 S=2 P=3 D=1 OP=0);
    ok &= case!("stereo_x3_k21", seed=13 bias=false, L=40 C=2 M=1 K=21 S=3 P=0 D=1 OP=2);
    ok &= case!("s1_k70", seed=14 bias=false, L=90 C=1 M=1 K=70 S=1 P=0 D=1 OP=0);
    ok &= case!("stereo_s1_k40", seed=15 bias=true, L=64 C=2 M=1 K=40 S=1 P=2 D=1 OP=0);
    ok &= case!("multiplier", seed=7 bias=true, L=24 C=2 M=2 K=6 S=2 P=1 D=1 OP=1);
    ok &= case!("dilated", seed=8 bias=false, L=40 C=1 M=1 K=7 S=3 P=4 D=2 OP=1);
    if ok {
        println!("f32 kernels: all outputs match");
        process::exit(0)
    } else {
        println!("f32 kernels: MISMATCH");
        process::exit(1)
    }
}
