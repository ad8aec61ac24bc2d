//! What a fused activation costs: each layer's plain `forward`, `forward_act` with ReLU,
//! LeakyReLU and tanh, and (for comparison) `forward` followed by a separate pass of
//! `libm::tanhf` over the output, on the default backend and the portable one.
//!
//!     cargo bench --bench epilogue
//!
//! Shapes: the mono x3 interpolator of the kernel benchmarks (`benches/kernels.rs`) (the time-vectorised kernel; the
//! epilogue runs once per output, after 16 multiply-adds) and HiFi-GAN v2's 64 -> 32, K16,
//! S8 upsampler (the tiled kernel; 128 multiply-adds per output).

use std::hint::black_box;
use std::time::Duration;

use conv_transpose::{Backend, GroupedConvTranspose1d, LeakyRelu, Relu, Tanh};
use criterion::{criterion_group, criterion_main, Criterion};

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

fn shape<
    const L: usize,
    const CIN: usize,
    const COUT: usize,
    const K: usize,
    const S: usize,
    const P: usize,
    const N: usize,
>(
    c: &mut Criterion,
    name: &str,
) {
    type Layer<
        const L: usize,
        const CIN: usize,
        const COUT: usize,
        const K: usize,
        const S: usize,
        const P: usize,
    > = GroupedConvTranspose1d<L, CIN, COUT, COUT, K, S, P>;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let w: Box<[[[f32; K]; COUT]; CIN]> = Box::new(core::array::from_fn(|_| {
        core::array::from_fn(|_| core::array::from_fn(|_| rng.next() * 0.2))
    }));
    let bias: [f32; COUT] = core::array::from_fn(|_| rng.next() * 0.1);
    let layer = Layer::<L, CIN, COUT, K, S, P>::boxed_from_torch(&w, Some(&bias));
    let x: Box<[[f32; CIN]; L]> = Box::new(core::array::from_fn(|_| {
        core::array::from_fn(|_| rng.next())
    }));
    let mut y: Box<[[f32; COUT]; N]> = Box::new([[0.0; COUT]; N]);
    let mut group = c.benchmark_group(name);
    group
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500));
    for backend in [layer.backend(), Backend::Scalar] {
        group.bench_function(format!("{backend}/none"), |b| {
            b.iter(|| layer.forward_with(backend, black_box(&x), &mut y).unwrap())
        });
        group.bench_function(format!("{backend}/relu"), |b| {
            b.iter(|| {
                layer
                    .forward_act_with(backend, black_box(&x), &mut y, Relu)
                    .unwrap()
            })
        });
        group.bench_function(format!("{backend}/leaky_relu"), |b| {
            b.iter(|| {
                layer
                    .forward_act_with(backend, black_box(&x), &mut y, LeakyRelu(0.1))
                    .unwrap()
            })
        });
        group.bench_function(format!("{backend}/tanh"), |b| {
            b.iter(|| {
                layer
                    .forward_act_with(backend, black_box(&x), &mut y, Tanh)
                    .unwrap()
            })
        });
        group.bench_function(format!("{backend}/tanh_separate_pass"), |b| {
            b.iter(|| {
                layer.forward_with(backend, black_box(&x), &mut y).unwrap();
                for v in y.as_flattened_mut() {
                    *v = libm::tanhf(*v);
                }
            })
        });
    }
    group.finish();
}

fn benches(c: &mut Criterion) {
    shape::<480, 1, 1, 48, 3, 0, 1485>(c, "mono_x3_48k");
    shape::<16, 64, 32, 16, 8, 4, 128>(c, "hifigan_v2_up1");
}

criterion_group!(epilogue, benches);
criterion_main!(epilogue);
