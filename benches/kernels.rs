//! Every backend on the seven benchmark shapes (listed in `docs/speed.md`), and this
//! machine's single-core f32 FMA peak, measured in the same run so that each kernel can be
//! quoted as a fraction of the peak of the machine it ran on.
//!
//!     cargo bench --bench kernels
//!     cargo bench --bench kernels -- mono_x2    # one shape
//!     tools/speed.sh                            # all, PyTorch and IPP, docs/speed.md's table
//!
//! Each shape is one criterion group, `<shape>/<bench>`: one bench per backend this CPU
//! has, forced with `forward_with`, and `default`, the plain `forward` (the backend the
//! library picks itself, and the call a user makes). The layers have no bias, as the
//! peers' calls in `tools/peers.py` have none.
//!
//! Throughput is in elements per second where an element is one floating-point
//! operation: a multiply-add counts 2, and a layer's count is `2 * L * CIN * COUT/G * K`
//! (its `FLOPS` constant), so criterion's "Gelem/s" reads as GFLOP/s.

use std::hint::black_box;
use std::time::Duration;

use conv_transpose::{Backend, GroupedConvTranspose1d};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// xorshift64*, uniform in [-1, 1).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let bits = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 40;
        bits as f32 / (1u32 << 23) as f32 - 1.0
    }
}

/// A boxed array of random values, built on the heap.
fn random<const A: usize, const B: usize>(rng: &mut Rng) -> Box<[[f32; B]; A]> {
    let v: Vec<[f32; B]> = (0..A)
        .map(|_| core::array::from_fn(|_| rng.next()))
        .collect();
    v.into_boxed_slice()
        .try_into()
        .unwrap_or_else(|_| unreachable!())
}

/// The benchmark layer: grouped, so that one generic function covers the dense shapes
/// (`CG = COUT`) and the depthwise one; `P = 0`, `D = 1`, `OP = 0`.
type Layer<
    const L: usize,
    const CIN: usize,
    const COUT: usize,
    const CG: usize,
    const K: usize,
    const S: usize,
> = GroupedConvTranspose1d<L, CIN, COUT, CG, K, S>;

/// One shape's group: random weights (scaled by `1 / K` to keep the outputs near the
/// inputs' range) and input, no bias; a bench per available backend, then `default`.
/// `CG` is `COUT / groups`, `N` the output length `(L - 1) * S + K`.
fn shape<
    const L: usize,
    const CIN: usize,
    const COUT: usize,
    const CG: usize,
    const K: usize,
    const S: usize,
    const N: usize,
>(
    c: &mut Criterion,
    name: &str,
) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let weight: Vec<[[f32; K]; CG]> = (0..CIN)
        .map(|_| core::array::from_fn(|_| core::array::from_fn(|_| rng.next() / K as f32)))
        .collect();
    let weight: &[[[f32; K]; CG]; CIN] = weight[..].try_into().unwrap();
    let layer = Layer::<L, CIN, COUT, CG, K, S>::boxed_from_torch(weight, None);
    let x = random::<L, CIN>(&mut rng);
    let mut y = random::<N, COUT>(&mut rng);

    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(
        Layer::<L, CIN, COUT, CG, K, S>::FLOPS as u64,
    ));
    for backend in Backend::ALL.into_iter().filter(|b| b.is_available()) {
        group.bench_function(backend.name(), |b| {
            b.iter(|| layer.forward_with(backend, black_box(&x), black_box(&mut y)))
        });
    }
    group.bench_function("default", |b| {
        b.iter(|| layer.forward(black_box(&x), black_box(&mut y)))
    });
    group.finish();
}

fn shapes(c: &mut Criterion) {
    // name, L, CIN, COUT, COUT/G, K, S (P = 0, D = 1, OP = 0).
    shape::<1024, 1, 1, 1, 32, 2, { 1023 * 2 + 31 + 1 }>(c, "mono_x2");
    shape::<1024, 1, 1, 1, 64, 4, { 1023 * 4 + 63 + 1 }>(c, "mono_x4");
    shape::<480, 1, 1, 1, 48, 3, { 479 * 3 + 47 + 1 }>(c, "mono_x3_48k");
    shape::<32, 8, 8, 8, 4, 2, { 31 * 2 + 3 + 1 }>(c, "tiny_nn");
    shape::<64, 64, 32, 32, 8, 4, { 63 * 4 + 7 + 1 }>(c, "melgan_small");
    shape::<32, 512, 256, 256, 16, 8, { 31 * 8 + 15 + 1 }>(c, "hifigan_up1");
    shape::<1024, 2, 2, 1, 32, 2, { 1023 * 2 + 31 + 1 }>(c, "stereo_dw_x2");
}

/// Multiply-adds per accumulator per call of a peak loop.
const ROUNDS: usize = 1024;

/// `ACC` independent chains of fused multiply-adds, each `ROUNDS` long: with at least
/// latency x units chains in flight (4 x 2 on this class of core) the FMA units never
/// wait. The multiplier and addend keep the values bounded and normal.
macro_rules! peak_loop {
    ($name:ident, $feature:literal, $acc:literal, $ty:ty, $splat:expr, $fma:expr, $sum:expr) => {
        #[target_feature(enable = $feature)]
        pub(crate) fn $name(seed: f32) -> f32 {
            let m: $ty = $splat(0.999_999);
            let a: $ty = $splat(1.0e-7);
            let mut acc: [$ty; $acc] = core::array::from_fn(|i| $splat(seed + i as f32));
            for _ in 0..ROUNDS {
                for v in acc.iter_mut() {
                    *v = $fma(*v, m, a);
                }
            }
            acc.iter().map(|&v| $sum(v)).sum()
        }
    };
}

#[cfg(target_arch = "x86_64")]
peak_loop!(
    peak_scalar,
    "fma",
    16,
    f32,
    |v| v,
    |x: f32, m, a| x.mul_add(m, a),
    |v| v
);

#[cfg(target_arch = "x86_64")]
mod x86 {
    use core::arch::x86_64::*;

    use super::ROUNDS;

    fn sum256(v: __m256) -> f32 {
        let mut t = [0.0f32; 8];
        // SAFETY: `t` holds eight floats.
        unsafe { _mm256_storeu_ps(t.as_mut_ptr(), v) };
        t.iter().sum()
    }

    fn sum512(v: __m512) -> f32 {
        let mut t = [0.0f32; 16];
        // SAFETY: `t` holds sixteen floats.
        unsafe { _mm512_storeu_ps(t.as_mut_ptr(), v) };
        t.iter().sum()
    }

    peak_loop!(
        avx2,
        "avx2,fma",
        12,
        __m256,
        _mm256_set1_ps,
        |x, m, a| _mm256_fmadd_ps(x, m, a),
        sum256
    );
    peak_loop!(
        avx512,
        "avx512f",
        16,
        __m512,
        _mm512_set1_ps,
        |x, m, a| _mm512_fmadd_ps(x, m, a),
        sum512
    );
}

/// The single-core f32 FMA peak: one group, one bench per width.
fn peak(c: &mut Criterion) {
    let mut group = c.benchmark_group("peak");
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("fma") {
            group.throughput(Throughput::Elements((2 * ROUNDS * 16) as u64));
            // SAFETY: FMA was detected.
            group.bench_function("scalar", |b| {
                b.iter(|| unsafe { peak_scalar(black_box(1.0)) })
            });
        }
        if Backend::Avx2.is_available() {
            // Twelve chains rather than sixteen: AVX2 has sixteen registers.
            group.throughput(Throughput::Elements((2 * ROUNDS * 12 * 8) as u64));
            // SAFETY: AVX2 and FMA were detected.
            group.bench_function("avx2", |b| b.iter(|| unsafe { x86::avx2(black_box(1.0)) }));
        }
        if Backend::Avx512.is_available() {
            group.throughput(Throughput::Elements((2 * ROUNDS * 16 * 16) as u64));
            // SAFETY: AVX-512F was detected.
            group.bench_function("avx512", |b| {
                b.iter(|| unsafe { x86::avx512(black_box(1.0)) })
            });
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = peak, shapes
}
criterion_main!(benches);
