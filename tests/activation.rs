//! Fused activations: on every backend, `forward_act(.., act)` must equal the activation
//! applied (by the test's own code) to that backend's plain `forward`, bit for bit for
//! ReLU and LeakyReLU and for fixed point, and within 8 ulp of `libm::tanhf` for `f32`
//! tanh (whose SIMD form is a rational approximation). Outputs start as NaN (or a poison
//! value) so an unwritten one fails.

mod common;

use common::{backends, Rng};
use conv_transpose::{
    Activation, Backend, Element, GroupedConvTranspose1d, Identity, LeakyRelu, Relu, Tanh, Q15, Q31,
};

/// Distance in units in the last place of `want` (an `f32`); 0 for equal values.
fn ulps(got: f32, want: f32) -> f64 {
    if got == want || (got.is_nan() && want.is_nan()) {
        return 0.0;
    }
    let spacing = if want == 0.0 {
        f32::from_bits(1)
    } else {
        let w = want.abs();
        f32::from_bits(w.to_bits() + 1) - w
    };
    (f64::from(got) - f64::from(want)).abs() / f64::from(spacing)
}

/// How the test applies each activation to an `f32` itself.
#[derive(Clone, Copy, Debug)]
enum Act {
    Relu,
    Leaky(f32),
    Tanh,
}

fn apply_f32(act: Act, v: f32) -> f32 {
    match act {
        Act::Relu => {
            if v < 0.0 {
                0.0
            } else {
                v
            }
        }
        Act::Leaky(s) => {
            if v < 0.0 {
                v * s
            } else {
                v
            }
        }
        Act::Tanh => libm::tanhf(v),
    }
}

/// `v * slope` rounded half away from zero, exactly, from `frexp` (independent of the
/// crate's own decomposition of the slope), saturated to `[lo, hi]`.
fn scale_fixed(v: i64, slope: f32, lo: i64, hi: i64) -> i64 {
    let (mant, exp) = libm::frexp(f64::from(slope)); // slope = mant * 2^exp, |mant| in [0.5, 1)
    let m = (mant * (1u64 << 53) as f64) as i128; // exact: an f32 mantissa has 24 bits
    let e = exp - 53;
    let prod = i128::from(v) * m;
    let mag = prod.unsigned_abs();
    let r = if e >= 0 {
        mag << e
    } else {
        let sh = (-e) as u32;
        if sh >= 127 {
            0
        } else {
            (mag + (1u128 << (sh - 1))) >> sh
        }
    };
    let r = i128::try_from(r).unwrap();
    let r = if prod < 0 { -r } else { r };
    r.clamp(lo.into(), hi.into()) as i64
}

type Layer<
    T,
    const L: usize,
    const CIN: usize,
    const COUT: usize,
    const CG: usize,
    const K: usize,
    const S: usize,
    const P: usize,
> = GroupedConvTranspose1d<L, CIN, COUT, CG, K, S, P, 1, 0, T>;

/// One `f32` layer, one activation: every backend, both layouts.
fn check_f32<
    const L: usize,
    const CIN: usize,
    const COUT: usize,
    const CG: usize,
    const K: usize,
    const S: usize,
    const P: usize,
    const N: usize,
    A: Activation,
>(
    layer: &Layer<f32, L, CIN, COUT, CG, K, S, P>,
    x: &[[f32; CIN]; L],
    act: A,
    mine: Act,
) {
    let x_ncl: [[f32; L]; CIN] = core::array::from_fn(|c| core::array::from_fn(|i| x[i][c]));
    for backend in backends() {
        let what = format!(
            "{L}x{CIN}->{COUT} (groups {}) K{K} S{S} P{P} {mine:?} on {backend}",
            COUT / CG
        );
        let mut pre = [[f32::NAN; COUT]; N];
        layer.forward_with(backend, x, &mut pre).unwrap();
        let mut got = [[f32::NAN; COUT]; N];
        layer.forward_act_with(backend, x, &mut got, act).unwrap();
        let mut pre_ncl = [[f32::NAN; N]; COUT];
        layer
            .forward_ncl_with(backend, &x_ncl, &mut pre_ncl)
            .unwrap();
        let mut got_ncl = [[f32::NAN; N]; COUT];
        layer
            .forward_ncl_act_with(backend, &x_ncl, &mut got_ncl, act)
            .unwrap();
        let pairs = pre
            .iter()
            .flatten()
            .zip(got.iter().flatten())
            .chain(pre_ncl.iter().flatten().zip(got_ncl.iter().flatten()));
        for (i, (&p, &g)) in pairs.enumerate() {
            assert!(!p.is_nan(), "{what}: output {i} unwritten");
            let want = apply_f32(mine, p);
            match mine {
                Act::Tanh => assert!(
                    ulps(g, want) <= 8.0,
                    "{what}: output {i}: tanh({p}) = {g}, libm {want}"
                ),
                _ => assert_eq!(g.to_bits(), want.to_bits(), "{what}: output {i} of {p}"),
            }
        }
    }
}

fn random<const A: usize, const B: usize, const C: usize>(rng: &mut Rng) -> [[[f32; C]; B]; A] {
    core::array::from_fn(|_| {
        core::array::from_fn(|_| core::array::from_fn(|_| rng.uniform() as f32))
    })
}

macro_rules! f32_case {
    ($seed:expr, $l:literal, $cin:literal, $cout:literal, $cg:literal, $k:literal, $s:literal, $p:literal) => {{
        type Ly = Layer<f32, $l, $cin, $cout, $cg, $k, $s, $p>;
        const N: usize = Ly::OUT_LEN;
        let mut rng = Rng::new($seed);
        let w: [[[f32; $k]; $cg]; $cin] = random(&mut rng);
        let b: [f32; $cout] = core::array::from_fn(|_| rng.uniform() as f32 * 0.5);
        let layer = Ly::from_torch(&w, Some(&b));
        let x: [[f32; $cin]; $l] =
            core::array::from_fn(|_| core::array::from_fn(|_| rng.uniform() as f32 * 2.0));
        check_f32::<$l, $cin, $cout, $cg, $k, $s, $p, N, _>(&layer, &x, Relu, Act::Relu);
        check_f32::<$l, $cin, $cout, $cg, $k, $s, $p, N, _>(
            &layer,
            &x,
            LeakyRelu(0.1),
            Act::Leaky(0.1),
        );
        check_f32::<$l, $cin, $cout, $cg, $k, $s, $p, N, _>(
            &layer,
            &x,
            LeakyRelu(-1.5),
            Act::Leaky(-1.5),
        );
        check_f32::<$l, $cin, $cout, $cg, $k, $s, $p, N, _>(&layer, &x, Tanh, Act::Tanh);
        let mut plain = [[f32::NAN; $cout]; N];
        let mut ident = [[f32::NAN; $cout]; N];
        layer.forward(&x, &mut plain);
        layer.forward_act(&x, &mut ident, Identity);
        assert_eq!(plain, ident, "Identity is forward");
    }};
}

/// The epilogues on reduced shapes, for Miri: the time kernel (mono, stride 2 with zips
/// and stride 3 with permutes, stereo channels last) and the tiled one (a channel tail).
#[test]
fn f32_epilogues_small() {
    f32_case!(21, 9, 1, 1, 1, 4, 2, 1);
    f32_case!(22, 7, 1, 1, 1, 5, 3, 0);
    f32_case!(23, 6, 2, 2, 1, 4, 2, 0);
    f32_case!(24, 5, 3, 5, 5, 3, 2, 1);
}

#[test]
#[cfg_attr(miri, ignore = "reduced shapes in f32_epilogues_small")]
fn f32_every_backend_every_kernel() {
    // Mono (time kernel, strides with shuffles and without), stereo depthwise channels
    // last, dense (tiled kernel, channel tails), grouped, HiFi-GAN-like shapes.
    f32_case!(1, 100, 1, 1, 1, 16, 4, 0);
    f32_case!(2, 77, 1, 1, 1, 9, 3, 2);
    f32_case!(3, 64, 2, 2, 1, 8, 2, 1);
    f32_case!(4, 20, 16, 8, 8, 16, 8, 4);
    f32_case!(5, 33, 8, 19, 19, 4, 2, 1);
    f32_case!(6, 17, 6, 9, 3, 5, 3, 0);
    f32_case!(7, 40, 32, 16, 16, 4, 2, 1);
}

/// Every `f32` tanh on every backend against `libm::tanhf`: a dense sweep of [-10, 10],
/// the values near the clamp, and the special ones, through a mono layer (the
/// time-vectorised kernel) and a 16-channel one (the tiled kernel) that both pass their
/// input through unchanged.
#[test]
#[cfg_attr(miri, ignore = "a dense sweep: too slow under Miri")]
fn tanh_accuracy_sweep() {
    const L: usize = 4096;
    type Mono = Layer<f32, L, 1, 1, 1, 1, 1, 0>;
    type Dense = Layer<f32, 256, 16, 16, 16, 1, 1, 0>;
    let mono = Mono::from_torch(&[[[1.0]]], None);
    let eye: [[[f32; 1]; 16]; 16] =
        core::array::from_fn(|i| core::array::from_fn(|j| [if i == j { 1.0 } else { 0.0 }]));
    let dense = Dense::from_torch(&eye, None);
    let specials = [
        0.0,
        -0.0,
        f32::from_bits(1),
        -f32::from_bits(1),
        f32::MIN_POSITIVE,
        1e-30,
        -1e-10,
        1e-4,
        0.5,
        -0.5493,
        8.999,
        9.0,
        -9.0,
        9.001,
        20.0,
        -1e30,
        f32::MAX,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
    ];
    let mut worst = 0.0f64;
    for backend in backends() {
        for block in 0..64 {
            let x: [[f32; 1]; L] = core::array::from_fn(|i| {
                if block == 0 && i < specials.len() {
                    [specials[i]]
                } else {
                    [-10.0 + 20.0 * ((block * L + i) as f32 / (64 * L) as f32)]
                }
            });
            let mut y = [[f32::NAN; 1]; L];
            mono.forward_act_with(backend, &x, &mut y, Tanh).unwrap();
            let xd: [[f32; 16]; 256] =
                core::array::from_fn(|f| core::array::from_fn(|c| x[f * 16 + c][0]));
            let mut yd = [[f32::NAN; 16]; 256];
            dense.forward_act_with(backend, &xd, &mut yd, Tanh).unwrap();
            // Infinities meet zero weights in the dense layer (0 * inf = NaN): compare its
            // outputs with the tanh of what its plain forward gives.
            let mut pre = [[f32::NAN; 16]; 256];
            dense.forward_with(backend, &xd, &mut pre).unwrap();
            let pairs = x
                .iter()
                .zip(&y)
                .zip(yd.as_flattened().iter().zip(pre.as_flattened()));
            for (i, ((x, y), (yd, pre))) in pairs.enumerate() {
                for (got, want) in [(y[0], libm::tanhf(x[0])), (*yd, libm::tanhf(*pre))] {
                    if want.is_nan() {
                        assert!(got.is_nan(), "{backend}: tanh(NaN) = {got}");
                        continue;
                    }
                    let e = ulps(got, want);
                    worst = worst.max(e);
                    assert!(
                        e <= 8.0 && (-1.0..=1.0).contains(&got),
                        "{backend}: block {block} frame {i}: tanh({}) = {got}, libm {want} ({e} ulp)",
                        x[0]
                    );
                }
            }
        }
    }
    eprintln!("worst tanh error: {worst} ulp");
}

/// Fixed point: the activation of the finished sample, the same on every backend.
trait Fixed: Element {
    fn raw(self) -> i64;
    fn from_raw(v: i64) -> Self;
    const MIN: i64;
    const MAX: i64;
    fn tanh_ref(v: i64) -> i64;
}

impl Fixed for Q15 {
    fn raw(self) -> i64 {
        self.to_bits().into()
    }
    fn from_raw(v: i64) -> Self {
        Q15::from_bits(v as i16)
    }
    const MIN: i64 = i16::MIN as i64;
    const MAX: i64 = i16::MAX as i64;
    fn tanh_ref(v: i64) -> i64 {
        // tanh in f64 of the exact value, rounded half away from zero (from_f32 of the
        // f32 tanh can differ from this only where tanhf's rounding crosses a half).
        Q15::from_f32(libm::tanhf(v as f32 / 32768.0)).raw()
    }
}

impl Fixed for Q31 {
    fn raw(self) -> i64 {
        self.to_bits().into()
    }
    fn from_raw(v: i64) -> Self {
        Q31::from_bits(v as i32)
    }
    const MIN: i64 = i32::MIN as i64;
    const MAX: i64 = i32::MAX as i64;
    fn tanh_ref(v: i64) -> i64 {
        Q31::from_f64(libm::tanh(v as f64 / 2147483648.0)).raw()
    }
}

fn fixed_ref<T: Fixed>(act: Act, v: i64) -> i64 {
    match act {
        Act::Relu => v.max(0),
        Act::Leaky(s) => {
            if v < 0 {
                scale_fixed(v, s, T::MIN, T::MAX)
            } else {
                v
            }
        }
        Act::Tanh => T::tanh_ref(v),
    }
}

fn check_fixed<
    T: Fixed,
    const L: usize,
    const K: usize,
    const S: usize,
    const N: usize,
    A: Activation,
>(
    layer: &Layer<T, L, 1, 1, 1, K, S, 0>,
    x: &[[T; 1]; L],
    act: A,
    mine: Act,
) {
    let poison = T::from_raw(T::MIN + 1);
    let mut first: Option<Vec<i64>> = None;
    for backend in Backend::ALL {
        let mut pre = [[poison; 1]; N];
        if layer.forward_with(backend, x, &mut pre).is_err() {
            continue;
        }
        let mut got = [[poison; 1]; N];
        layer.forward_act_with(backend, x, &mut got, act).unwrap();
        let got: Vec<i64> = got.iter().map(|v| v[0].raw()).collect();
        for (i, (p, &g)) in pre.iter().zip(&got).enumerate() {
            let want = fixed_ref::<T>(mine, p[0].raw());
            assert_eq!(
                g,
                want,
                "{} {mine:?} on {backend}: output {i} of {}",
                core::any::type_name::<T>(),
                p[0].raw()
            );
        }
        match &first {
            None => first = Some(got),
            Some(f) => assert_eq!(
                f, &got,
                "{mine:?}: {backend} differs from the scalar backend"
            ),
        }
    }
    assert!(first.is_some());
}

fn fixed_case<T: Fixed>(seed: u64) {
    const L: usize = 300;
    const K: usize = 12;
    const S: usize = 3;
    type Ly<T> = Layer<T, L, 1, 1, 1, K, S, 0>;
    const N: usize = (L - 1) * S + K;
    let mut rng = Rng::new(seed);
    let scale = |v: f64| T::from_raw((v * T::MAX as f64 * 0.6) as i64);
    let w: [[[T; K]; 1]; 1] = [[core::array::from_fn(|_| scale(rng.uniform() * 0.5))]];
    let b = [scale(rng.uniform() * 0.1)];
    let layer = Ly::<T>::from_torch(&w, Some(&b));
    // Loud enough that some outputs saturate.
    let x: [[T; 1]; L] = core::array::from_fn(|_| [scale(rng.uniform() * 1.6)]);
    check_fixed::<T, L, K, S, N, _>(&layer, &x, Relu, Act::Relu);
    for slope in [0.1, 0.01, 0.3333, 1.0, 2.5, -0.75, 1e-6] {
        check_fixed::<T, L, K, S, N, _>(&layer, &x, LeakyRelu(slope), Act::Leaky(slope));
    }
    check_fixed::<T, L, K, S, N, _>(&layer, &x, Tanh, Act::Tanh);
}

#[test]
fn q15_every_backend() {
    fixed_case::<Q15>(11);
}

#[test]
fn q31_portable() {
    fixed_case::<Q31>(12);
}

#[test]
fn f64_portable() {
    type Ly = Layer<f64, 50, 4, 6, 3, 5, 2, 1>;
    let mut rng = Rng::new(13);
    let w: [[[f64; 5]; 3]; 4] =
        core::array::from_fn(|_| core::array::from_fn(|_| core::array::from_fn(|_| rng.uniform())));
    let layer = Ly::from_torch(&w, None);
    let x: [[f64; 4]; 50] = core::array::from_fn(|_| core::array::from_fn(|_| rng.uniform()));
    let mut pre = [[f64::NAN; 6]; Ly::OUT_LEN];
    layer.forward(&x, &mut pre);
    let mut got = [[f64::NAN; 6]; Ly::OUT_LEN];
    layer.forward_act(&x, &mut got, LeakyRelu(0.2));
    for (p, g) in pre.iter().flatten().zip(got.iter().flatten()) {
        assert_eq!(*g, if *p < 0.0 { p * 0.2f32 as f64 } else { *p });
    }
    layer.forward_act(&x, &mut got, Tanh);
    for (p, g) in pre.iter().flatten().zip(got.iter().flatten()) {
        assert_eq!(*g, libm::tanh(*p));
    }
}

#[test]
fn nan_stays_nan() {
    type Ly = Layer<f32, 8, 1, 1, 1, 2, 2, 0>;
    let layer = Ly::from_torch(&[[[1.0, 1.0]]], None);
    let mut x = [[0.5f32]; 8];
    x[3] = [f32::NAN];
    for backend in backends() {
        let mut y = [[0.0f32; 1]; 16];
        layer.forward_act_with(backend, &x, &mut y, Relu).unwrap();
        assert!(y[6][0].is_nan() && y[7][0].is_nan(), "{backend}: ReLU(NaN)");
        assert!(y
            .iter()
            .enumerate()
            .all(|(i, v)| (i == 6 || i == 7) || v[0] == 0.5));
        layer.forward_act_with(backend, &x, &mut y, Tanh).unwrap();
        assert!(y[6][0].is_nan() && y[7][0].is_nan(), "{backend}: tanh(NaN)");
    }
}

/// LeakyReLU of an output of exactly -1.0 (`Q31::MIN`, whose magnitude is 2^31): the
/// product is exact, `-2^31 * 0.1f32 = -16 * 13421773`, in debug and release alike.
#[test]
fn q31_leaky_relu_of_minus_one() {
    type Sat = GroupedConvTranspose1d<4, 2, 1, 1, 1, 1, 0, 1, 0, Q31>;
    let layer = Sat::from_torch(&[[[Q31::MAX]], [[Q31::MAX]]], None);
    let x = [[Q31::MIN; 2]; 4];
    let mut plain = [[Q31::ZERO; 1]; 4];
    layer.forward(&x, &mut plain);
    assert!(plain.iter().all(|y| y[0] == Q31::MIN), "{plain:?}");
    let mut y = [[Q31::ZERO; 1]; 4];
    layer.forward_act(&x, &mut y, LeakyRelu(0.1));
    assert_eq!(13_421_773.0 / f64::from(1u32 << 27), f64::from(0.1f32));
    assert!(
        y.iter().all(|y| y[0].to_bits() == -16 * 13_421_773),
        "{y:?}"
    );
}
