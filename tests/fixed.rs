//! Q15 and Q31 layers against an integer oracle, bit for bit, on every backend that runs
//! them, in every forward form and streaming.
//!
//! The oracle scatters `full[i*S + k*D][co] += x * w` in `i128` (exact for both types),
//! crops `P`, adds `bias << FRAC`, shifts right by `FRAC` (toward minus infinity) and
//! saturates: the definition in `conv_transpose::fixed`, written out independently of the
//! kernels. Inputs are random over the whole range with runs at `MIN` and `MAX`; two
//! weight sets per shape: full-range weights (most outputs saturate) and weights whose
//! per-output `|w|` sums stay below 2.0, the case the SIMD kernels take their 32-bit path
//! for (full-scale inputs still saturate some outputs there).

mod common;

use common::Rng;
use conv_transpose::{
    Backend, ChunkStream, Error, Geometry, GroupedConvTranspose1d, StreamState, Q15, Q31,
};

/// What the tests need of a fixed-point type.
trait Fixed: conv_transpose::Element {
    const FRAC: u32;
    const MIN: i64;
    const MAX: i64;
    fn from_raw(v: i64) -> Self;
    fn raw(self) -> i64;
}

impl Fixed for Q15 {
    const FRAC: u32 = 15;
    const MIN: i64 = i16::MIN as i64;
    const MAX: i64 = i16::MAX as i64;
    fn from_raw(v: i64) -> Self {
        Q15::from_bits(v as i16)
    }
    fn raw(self) -> i64 {
        self.to_bits().into()
    }
}

impl Fixed for Q31 {
    const FRAC: u32 = 31;
    const MIN: i64 = i32::MIN as i64;
    const MAX: i64 = i32::MAX as i64;
    fn from_raw(v: i64) -> Self {
        Q31::from_bits(v as i32)
    }
    fn raw(self) -> i64 {
        self.to_bits().into()
    }
}

/// The definition, scattered: `x` NLC, `w` PyTorch's `(CIN, COUT/G, K)`, result NLC.
fn oracle(g: &Geometry, frac: u32, x: &[i64], w: &[i64], bias: Option<&[i64]>) -> Vec<i64> {
    let (cin, cout) = (g.in_channels, g.out_channels);
    let (cin_g, cout_g) = (cin / g.groups, cout / g.groups);
    let len_out = g.len_out().unwrap();
    let full_len = len_out + 2 * g.padding;
    let mut full = vec![0i128; full_len * cout];
    for i in 0..g.len_in {
        for ci in 0..cin {
            let grp = ci / cin_g;
            for j in 0..cout_g {
                let co = grp * cout_g + j;
                for k in 0..g.kernel {
                    let m = i * g.stride + k * g.dilation;
                    if m < full_len {
                        let wv = w[(ci * cout_g + j) * g.kernel + k];
                        full[m * cout + co] += i128::from(x[i * cin + ci]) * i128::from(wv);
                    }
                }
            }
        }
    }
    let (lo, hi) = (-(1i128 << frac), (1i128 << frac) - 1);
    (0..len_out * cout)
        .map(|at| {
            let co = at % cout;
            let b = bias.map_or(0, |b| i128::from(b[co]) << frac);
            ((full[g.padding * cout + at] + b) >> frac).clamp(lo, hi) as i64
        })
        .collect()
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// The most products an output sums, plus one for the bias.
fn terms(g: &Geometry) -> f64 {
    let step = g.stride / gcd(g.stride, g.dilation);
    (g.kernel.div_ceil(step) * g.in_channels / g.groups + 1) as f64
}

/// Raw values over the whole range of `T`, with runs of `MIN` and `MAX` (two of them a
/// fifth of the signal long).
fn signal<T: Fixed>(rng: &mut Rng, n: usize) -> Vec<i64> {
    let mut v: Vec<i64> = (0..n)
        .map(|_| {
            let u = (rng.uniform() + 1.0) / 2.0;
            T::MIN + (u * (T::MAX - T::MIN + 1) as f64) as i64
        })
        .collect();
    let mut at = 0;
    while at < n {
        let run = (((rng.uniform() + 1.0) * 20.0) as usize).min(n - at);
        let u = rng.uniform();
        if u < -0.5 {
            v[at..at + run].fill(T::MIN);
        } else if u > 0.5 {
            v[at..at + run].fill(T::MAX);
        }
        at += run + 5 + ((rng.uniform() + 1.0) * 8.0) as usize;
    }
    // And one long run of each, longer than any phase's taps.
    let run = n / 5;
    v[n / 5..n / 5 + run].fill(T::MAX);
    v[3 * n / 5..3 * n / 5 + run].fill(T::MIN);
    v
}

/// Weights `(CIN, COUT/G, K)` either over the whole range, or, like a low-pass filter's,
/// mostly positive and scaled so that every output's `|bias| + sum |w|` stays below
/// `2.0` (an output sums at most `K * CIN/G` weights).
fn weights<T: Fixed>(rng: &mut Rng, g: &Geometry, bounded: bool) -> Vec<i64> {
    let n = g.in_channels * (g.out_channels / g.groups) * g.kernel;
    let per_output = terms(g);
    let full = T::MAX as f64 + 1.0;
    (0..n)
        .map(|_| {
            let u = rng.uniform();
            let v = if bounded {
                let sign = if rng.uniform() < -0.8 { -1.0 } else { 1.0 };
                sign * (0.8 + 0.2 * u) * 1.9 / per_output * full
            } else if u > 0.9 {
                T::MIN as f64 // MIN * MIN = +1.0 saturates even alone
            } else {
                u * full
            };
            (v as i64).clamp(T::MIN, T::MAX)
        })
        .collect()
}

#[allow(clippy::type_complexity)]
fn check<
    T: Fixed,
    const L: usize,
    const CIN: usize,
    const COUT: usize,
    const CG: usize,
    const K: usize,
    const S: usize,
    const P: usize,
    const D: usize,
    const OP: usize,
    const N: usize,
    const B: usize,
    const NB: usize,
    const FR: usize,
>(
    name: &str,
    seed: u64,
) {
    type Layer<
        T,
        const L: usize,
        const CIN: usize,
        const COUT: usize,
        const CG: usize,
        const K: usize,
        const S: usize,
        const P: usize,
        const D: usize,
        const OP: usize,
    > = GroupedConvTranspose1d<L, CIN, COUT, CG, K, S, P, D, OP, T>;
    let g = Layer::<T, L, CIN, COUT, CG, K, S, P, D, OP>::GEOMETRY;
    let gb = Layer::<T, B, CIN, COUT, CG, K, S, P, D, OP>::GEOMETRY;
    assert_eq!(g.len_out(), Some(N));
    assert_eq!(NB, B * S);
    let _ = gb;
    let mut rng = Rng::new(seed);
    for bounded in [false, true] {
        let mut saturated = 0;
        for with_bias in [false, true] {
            let what = format!("{name} bounded={bounded} bias={with_bias}");
            let w = weights::<T>(&mut rng, &g, bounded);
            let bias = with_bias.then(|| {
                let b = signal::<T>(&mut rng, COUT);
                if bounded {
                    // As large as one weight, so `|bias| + sum |w| < 2` still holds.
                    b.iter()
                        .map(|&v| (v as f64 * 0.95 * 1.9 / terms(&g)) as i64)
                        .collect()
                } else {
                    b
                }
            });
            let x0 = signal::<T>(&mut rng, L * CIN);
            let x1 = signal::<T>(&mut rng, L * CIN);
            let want0 = oracle(&g, T::FRAC, &x0, &w, bias.as_deref());
            let want1 = oracle(&g, T::FRAC, &x1, &w, bias.as_deref());
            saturated += want0
                .iter()
                .filter(|&&v| v == T::MIN || v == T::MAX)
                .count();

            let wt: [[[T; K]; CG]; CIN] = core::array::from_fn(|ci| {
                core::array::from_fn(|j| {
                    core::array::from_fn(|k| T::from_raw(w[(ci * CG + j) * K + k]))
                })
            });
            let bt: Option<[T; COUT]> = bias
                .as_ref()
                .map(|b| core::array::from_fn(|c| T::from_raw(b[c])));
            let layer = Layer::<T, L, CIN, COUT, CG, K, S, P, D, OP>::from_torch(&wt, bt.as_ref());
            let block = Layer::<T, B, CIN, COUT, CG, K, S, P, D, OP>::from_torch(&wt, bt.as_ref());
            let nlc = |x: &[i64]| -> Vec<[T; CIN]> {
                x.chunks_exact(CIN)
                    .map(|f| core::array::from_fn(|c| T::from_raw(f[c])))
                    .collect()
            };
            let raw =
                |y: &[[T; COUT]]| -> Vec<i64> { y.iter().flatten().map(|v| v.raw()).collect() };
            let (xa, xb) = (nlc(&x0), nlc(&x1));
            let xa: [[T; CIN]; L] = xa.try_into().unwrap();
            let xb: [[T; CIN]; L] = xb.try_into().unwrap();
            // A value no output takes in these tests, so an unwritten frame shows.
            let poison = T::from_raw(T::MIN + 1);

            let mut ran = 0;
            for backend in Backend::ALL {
                let what = format!("{what} {backend}");
                let mut y = [[poison; COUT]; N];
                match layer.forward_with(backend, &xa, &mut y) {
                    Err(Error::BackendUnavailable { .. }) => {
                        assert!(!backend.is_available() || backend != Backend::Scalar);
                        assert!(
                            y.iter().flatten().all(|v| *v == poison),
                            "{what}: wrote on error"
                        );
                        continue;
                    }
                    Err(e) => panic!("{what}: {e}"),
                    Ok(()) => ran += 1,
                }
                assert_eq!(raw(&y), want0, "{what}: forward");

                // Channels first.
                let x_ncl: [[T; L]; CIN] =
                    core::array::from_fn(|c| core::array::from_fn(|i| xa[i][c]));
                let mut y_ncl = [[poison; N]; COUT];
                layer.forward_ncl_with(backend, &x_ncl, &mut y_ncl).unwrap();
                let back: Vec<i64> = (0..N)
                    .flat_map(|n| (0..COUT).map(move |c| (n, c)))
                    .map(|(n, c)| y_ncl[c][n].raw())
                    .collect();
                assert_eq!(back, want0, "{what}: forward_ncl");

                // Batch of two.
                let mut ys = [[[poison; COUT]; N]; 2];
                layer
                    .forward_batch_with(backend, &[xa, xb], &mut ys)
                    .unwrap();
                assert_eq!(raw(&ys[0]), want0, "{what}: batch 0");
                assert_eq!(raw(&ys[1]), want1, "{what}: batch 1");

                // Streaming in blocks of B, then flushed: the same frames.
                let mut state = StreamState::<T, CIN, FR>::new();
                let mut got: Vec<[T; COUT]> = Vec::new();
                for chunk in xa.chunks_exact(B) {
                    let mut y = [[poison; COUT]; NB];
                    let n = block
                        .process_with(backend, &mut state, chunk.try_into().unwrap(), &mut y)
                        .unwrap();
                    got.extend_from_slice(&y[..n]);
                }
                let mut tail = vec![[poison; COUT]; N];
                let n = block.flush_with(backend, &mut state, &mut tail).unwrap();
                got.extend_from_slice(&tail[..n]);
                assert_eq!(raw(&got), want0, "{what}: process + flush");

                // And in odd pieces through the adapter.
                let mut adapter = ChunkStream::<T, CIN, COUT, B, NB, FR>::new();
                let mut got: Vec<[T; COUT]> = Vec::new();
                for piece in xa.chunks(B + 1) {
                    adapter
                        .push_with(backend, &block, piece, |y| got.extend_from_slice(y))
                        .unwrap();
                }
                adapter
                    .finish_with(backend, &block, |y| got.extend_from_slice(y))
                    .unwrap();
                assert_eq!(raw(&got), want0, "{what}: ChunkStream");
            }
            assert!(ran >= 1, "{what}: no backend ran");
        }
        assert!(saturated > 0, "{name} bounded={bounded}: nothing saturates");
    }
}

macro_rules! cases {
    ($t:ty; $($name:ident: CIN=$cin:literal COUT=$cout:literal COUT_G=$cg:literal K=$k:literal
        S=$s:literal P=$p:literal D=$d:literal OP=$op:literal L=$l:literal B=$b:literal;)*) => {$(
        #[test]
        fn $name() {
            type Whole = GroupedConvTranspose1d<$l, $cin, $cout, $cg, $k, $s, $p, $d, $op, $t>;
            type Block = GroupedConvTranspose1d<$b, $cin, $cout, $cg, $k, $s, $p, $d, $op, $t>;
            check::<$t, $l, $cin, $cout, $cg, $k, $s, $p, $d, $op,
                { Whole::OUT_LEN }, $b, { $b * $s }, { Block::STREAM_FRAMES }>(stringify!($name), 7);
        }
    )*};
}

mod q15 {
    use super::*;
    cases! { Q15;
        // The CMSIS interpolators' shapes (mono, P = 0) and centred ones.
        mono_x2: CIN=1 COUT=1 COUT_G=1 K=32 S=2 P=0 D=1 OP=0 L=120 B=40;
        mono_x3_centred: CIN=1 COUT=1 COUT_G=1 K=49 S=3 P=24 D=1 OP=2 L=90 B=30;
        mono_x4: CIN=1 COUT=1 COUT_G=1 K=64 S=4 P=0 D=1 OP=0 L=100 B=25;
        mono_x5_odd_phase: CIN=1 COUT=1 COUT_G=1 K=25 S=5 P=3 D=1 OP=1 L=77 B=11;
        mono_k_lt_s: CIN=1 COUT=1 COUT_G=1 K=3 S=4 P=2 D=1 OP=3 L=40 B=8;
        mono_dilated: CIN=1 COUT=1 COUT_G=1 K=7 S=3 P=4 D=2 OP=1 L=64 B=16;
        mono_s1: CIN=1 COUT=1 COUT_G=1 K=15 S=1 P=7 D=1 OP=0 L=80 B=20;
        // Depthwise, with and without a channel multiplier.
        stereo_x2: CIN=2 COUT=2 COUT_G=1 K=32 S=2 P=8 D=1 OP=1 L=96 B=32;
        quad_x3: CIN=4 COUT=4 COUT_G=1 K=24 S=3 P=12 D=1 OP=1 L=60 B=20;
        dw_multiplier: CIN=3 COUT=6 COUT_G=2 K=6 S=2 P=1 D=1 OP=1 L=30 B=10;
        // Dense and grouped.
        dense: CIN=8 COUT=4 COUT_G=4 K=6 S=3 P=2 D=1 OP=1 L=20 B=5;
        grouped: CIN=8 COUT=12 COUT_G=3 K=5 S=2 P=1 D=2 OP=1 L=24 B=6;
        dense_odd: CIN=5 COUT=17 COUT_G=17 K=4 S=3 P=1 D=1 OP=2 L=21 B=7;
    }
}

mod q31 {
    use super::*;
    cases! { Q31;
        mono_x2: CIN=1 COUT=1 COUT_G=1 K=32 S=2 P=0 D=1 OP=0 L=120 B=40;
        mono_x3_centred: CIN=1 COUT=1 COUT_G=1 K=49 S=3 P=24 D=1 OP=2 L=90 B=30;
        mono_dilated: CIN=1 COUT=1 COUT_G=1 K=7 S=3 P=4 D=2 OP=1 L=64 B=16;
        stereo_x2: CIN=2 COUT=2 COUT_G=1 K=32 S=2 P=8 D=1 OP=1 L=96 B=32;
        dw_multiplier: CIN=3 COUT=6 COUT_G=2 K=6 S=2 P=1 D=1 OP=1 L=30 B=10;
        dense: CIN=8 COUT=4 COUT_G=4 K=6 S=3 P=2 D=1 OP=1 L=20 B=5;
        grouped: CIN=8 COUT=12 COUT_G=3 K=5 S=2 P=1 D=2 OP=1 L=24 B=6;
    }
}

#[test]
fn conversions_round_and_saturate() {
    // Halves round away from zero; beyond the range saturates; NaN is zero.
    assert_eq!(Q15::from_f32(0.5 / 32768.0).to_bits(), 1);
    assert_eq!(Q15::from_f32(-0.5 / 32768.0).to_bits(), -1);
    assert_eq!(Q15::from_f32(0.49 / 32768.0).to_bits(), 0);
    assert_eq!(Q15::from_f32(1.0), Q15::MAX);
    assert_eq!(Q15::from_f32(-1.0), Q15::MIN);
    assert_eq!(Q15::from_f32(-7.0), Q15::MIN);
    assert_eq!(Q15::from_f32(f32::INFINITY), Q15::MAX);
    assert_eq!(Q15::from_f32(f32::NAN), Q15::ZERO);
    assert_eq!(Q31::from_f64(1.0), Q31::MAX);
    assert_eq!(Q31::from_f64(-1.0), Q31::MIN);
    assert_eq!(Q31::from_f64(1.5 / 2147483648.0).to_bits(), 2);
    assert_eq!(Q31::from_f64(-2.5 / 2147483648.0).to_bits(), -3);
    // Every Q15 value survives the round trip through f32, and Q31 through f64.
    for bits in i16::MIN..=i16::MAX {
        let q = Q15::from_bits(bits);
        assert_eq!(Q15::from_f32(q.to_f32()), q);
    }
    let mut rng = Rng::new(3);
    for _ in 0..10_000 {
        let bits = (rng.uniform() * 2147483648.0) as i32;
        assert_eq!(Q31::from_f64(Q31::from_bits(bits).to_f64()).to_bits(), bits);
    }
    const STATIC: [Q15; 3] = Q15::from_f32_array(&[0.25, -0.25, 2.0]);
    assert_eq!(STATIC.map(Q15::to_bits), [8192, -8192, 32767]);
}

#[test]
fn designed_taps_with_headroom_never_saturate() {
    use conv_transpose::design::Interpolator;
    type Up = GroupedConvTranspose1d<64, 1, 1, 1, 48, 3, 0, 1, 0, Q15>;
    let taps = Interpolator::for_attenuation(3, 48, 60.0)
        .unwrap()
        .taps::<48>();
    let q = Q15::taps_for(&taps, 3).unwrap();
    let up = Up::from_torch(&[[q.taps]], None);
    // The worst input for each phase: the signs of its taps, at full scale.
    for r in 0..3 {
        let mut x = [[Q15::ZERO]; 64];
        for (j, k) in (r..48).step_by(3).enumerate() {
            x[40 - j][0] = if q.taps[k].to_bits() < 0 {
                Q15::MIN
            } else {
                Q15::MAX
            };
        }
        let mut y = [[Q15::ZERO]; Up::OUT_LEN];
        up.forward(&x, &mut y);
        let peak = y.iter().map(|v| v[0].to_bits()).max().unwrap();
        let l1: i64 = q.taps[r..]
            .iter()
            .step_by(3)
            .map(|w| i64::from(w.to_bits()).abs())
            .sum();
        assert!(l1 <= 32767, "phase {r}: {l1}");
        // Output 40*3 + r collects exactly that phase against those inputs, and stays
        // strictly inside the range (the peak it reaches is about sum |w|).
        assert!(
            peak < i16::MAX && i64::from(peak) >= l1 - 2,
            "phase {r}: peak {peak}, l1 {l1}"
        );
    }
    // For the float filter, Q31 headroom too.
    let q31 = Q31::taps_for(&taps, 3).unwrap();
    assert!((q31.gain - q.gain).abs() < 1e-3);
}

/// `taps_for` refuses what it cannot quantise (a stride of 0, a NaN or infinite tap, taps
/// that all round to zero) with the error that names it, in debug and release alike; a
/// stride beyond the taps gives each tap its own phase, however huge (2^26, `usize::MAX`);
/// every other extreme tap value and stride gives taps with the promised headroom.
mod quantiser_refusals {
    use conv_transpose::design::Interpolator;
    use conv_transpose::fixed::{QuantiseError, Quantised};
    use conv_transpose::{Q15, Q31};

    const BIG: usize = 1 << 26;

    macro_rules! quantiser {
        ($m:ident, $t:ty, $bits:ty) => {
            mod $m {
                use super::*;

                const LIMIT: i64 = <$bits>::MAX as i64;

                fn designed() -> [f32; 48] {
                    Interpolator::for_attenuation(3, 48, 60.0).unwrap().taps()
                }

                /// The promise: every phase's raw `sum |w|` is within the limit, the gain is
                /// in `(0, 1]`, and the taps are not all zero.
                fn check_headroom<const K: usize>(q: &Quantised<$t, K>, stride: usize) {
                    assert!(q.gain > 0.0 && q.gain <= 1.0, "gain {}", q.gain);
                    for r in 0..stride.min(K) {
                        let l1: i64 = q.taps[r..]
                            .iter()
                            .step_by(stride)
                            .map(|w| i64::from(w.to_bits()).abs())
                            .sum();
                        assert!(l1 <= LIMIT, "phase {r}: {l1}");
                    }
                    assert!(q.taps.iter().any(|w| w.to_bits() != 0), "all zero");
                }

                #[test]
                fn non_finite_taps_are_refused() {
                    // An infinite tap gave gain 0 and every tap 0; a NaN tap became 0.
                    for v in [f32::INFINITY, f32::NEG_INFINITY, f32::NAN] {
                        let mut taps = designed();
                        taps[5] = v;
                        let got = <$t>::taps_for(&taps, 3);
                        assert_eq!(got, Err(QuantiseError::NonFiniteTap { index: 5 }), "{v}");
                        assert_eq!(
                            got.unwrap_err().to_string(),
                            "tap 5 is NaN or infinite; every tap must be finite"
                        );
                    }
                    // The first one is named.
                    let mut taps = designed();
                    taps[47] = f32::NAN;
                    taps[9] = f32::INFINITY;
                    assert_eq!(
                        <$t>::taps_for(&taps, 3),
                        Err(QuantiseError::NonFiniteTap { index: 9 })
                    );
                }

                #[test]
                fn every_extreme_tap_value() {
                    let values = [
                        0.0,
                        f32::MIN_POSITIVE / 2.0,
                        -1.0,
                        f32::MAX,
                        -f32::MAX,
                        BIG as f32,
                        usize::MAX as f32,
                    ];
                    for v in values {
                        let mut taps = designed();
                        taps[5] = v;
                        let q = <$t>::taps_for(&taps, 3).unwrap_or_else(|e| panic!("{v}: {e}"));
                        check_headroom(&q, 3);
                        if v.abs() >= BIG as f32 {
                            // Its phase (5 % 3) uses the whole budget, nearly all of it on
                            // the huge tap (Q31 keeps some units for the other taps).
                            assert!(q.gain < 1e-6, "{v}: {}", q.gain);
                            let l1: i64 = q.taps[2..]
                                .iter()
                                .step_by(3)
                                .map(|w| i64::from(w.to_bits()).abs())
                                .sum();
                            assert!(l1 >= LIMIT - 16, "{v}: {l1}");
                            let raw = i64::from(q.taps[5].to_bits());
                            assert!(raw.abs() as f64 >= 0.999_99 * LIMIT as f64, "{v}: {raw}");
                            assert_eq!(raw > 0, v > 0.0);
                        }
                    }
                }

                #[test]
                fn vanishing_and_zero_filters() {
                    // Subnormal taps all round to zero: refused, not an all-zero filter.
                    let tiny = [f32::MIN_POSITIVE / 2.0; 16];
                    let got = <$t>::taps_for(&tiny, 2);
                    assert_eq!(got, Err(QuantiseError::Vanishes));
                    let msg = got.unwrap_err().to_string();
                    assert!(msg.contains("every tap rounds to zero"), "{msg}");
                    // A filter of zeros is what it is.
                    let q = <$t>::taps_for(&[0.0f32; 16], 2).unwrap();
                    assert_eq!(q.gain, 1.0);
                    assert!(q.taps.iter().all(|w| w.to_bits() == 0));
                    // And no taps at all.
                    let q = <$t>::taps_for(&[0.0f32; 0], 2).unwrap();
                    assert_eq!((q.taps.len(), q.gain), (0, 1.0));
                }

                #[test]
                fn every_extreme_stride() {
                    let taps = designed();
                    let got = <$t>::taps_for(&taps, 0);
                    assert_eq!(got, Err(QuantiseError::StrideZero));
                    let msg = got.unwrap_err().to_string();
                    assert_eq!(msg, "the stride must be at least 1, not 0");
                    // Stride 1: one phase of all 48 taps, summing to 3 (well beyond 1).
                    let q = <$t>::taps_for(&taps, 1).unwrap();
                    check_headroom(&q, 1);
                    assert!(q.gain < 0.4, "{}", q.gain);
                    // Strides beyond K: every tap its own phase, so the same quantisation for
                    // any of them. usize::MAX finishes at all only because phases past K are
                    // not visited (it took time in the stride before).
                    let wide = <$t>::taps_for(&taps, 48).unwrap();
                    check_headroom(&wide, 48);
                    for stride in [BIG, usize::MAX] {
                        assert_eq!(<$t>::taps_for(&taps, stride), Ok(wide), "{stride}");
                    }
                    // A design for that stride sums to 2^26: scaled down, not refused.
                    let big: [f32; 48] =
                        Interpolator::for_attenuation(BIG, 48, 0.0).unwrap().taps();
                    let q = <$t>::taps_for(&big, BIG).unwrap();
                    check_headroom(&q, BIG);
                    assert!(q.gain < 1e-6, "{}", q.gain);
                }

                #[test]
                fn huge_strides_give_each_tap_its_own_phase() {
                    // From stride K up every phase holds one tap, so the headroom asks only
                    // that each tap fit: the taps are scaled by limit / max |tap| if the
                    // largest does not fit (else by 1) and rounded, computed here on its
                    // own. Visiting every phase up to S (as the quantiser once did) took
                    // seconds at 2^26 and would never end at usize::MAX; speed itself is
                    // measured in the benchmarks, not here.
                    let taps = designed();
                    let full = (1u64 << <$t>::FRAC_BITS) as f64;
                    let peak = taps.iter().map(|t| f64::from(t.abs())).fold(0.0, f64::max) * full;
                    let gain = if peak > LIMIT as f64 {
                        LIMIT as f64 / peak
                    } else {
                        1.0
                    };
                    let want: [$t; 48] = taps.map(|t| <$t>::from_f64(f64::from(t) * gain));
                    assert!(want.iter().all(|w| i64::from(w.to_bits()).abs() <= LIMIT));
                    for stride in [48, 49, 1000, BIG, usize::MAX] {
                        let q = <$t>::taps_for(&taps, stride).unwrap();
                        assert_eq!(q.gain, gain, "{stride}");
                        assert_eq!(q.taps, want, "{stride}");
                        check_headroom(&q, stride);
                    }
                }
            }
        };
    }

    quantiser!(q15, Q15, i16);
    quantiser!(q31, Q31, i32);

    #[test]
    fn many_small_taps_in_one_phase_vanish_in_q15() {
        // 98304 taps of 1/98304 sum to 1: the gain needed for the headroom leaves each at a
        // third of a Q15 unit, so all of them round to zero. Q31 has the resolution.
        const K: usize = 98_304;
        std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn(|| {
                let taps: Box<[f32; K]> = vec![1.0 / K as f32; K].try_into().unwrap();
                assert_eq!(Q15::taps_for(&taps, 1), Err(QuantiseError::Vanishes));
                let q = Q31::taps_for(&taps, 1).unwrap();
                assert!(q.taps.iter().all(|w| w.to_bits() > 0));
            })
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn errors_name_their_rule() {
        for (e, want) in [
            (
                QuantiseError::StrideZero,
                "the stride must be at least 1, not 0",
            ),
            (
                QuantiseError::NonFiniteTap { index: 3 },
                "tap 3 is NaN or infinite; every tap must be finite",
            ),
            (
                QuantiseError::Vanishes,
                "every tap rounds to zero in this format, though not every tap is zero",
            ),
        ] {
            assert_eq!(e.to_string(), want);
            let _: &dyn std::error::Error = &e;
        }
    }
}
