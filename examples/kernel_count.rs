//! One benchmark shape (`benches/kernels.rs`, `docs/speed.md`) run `REPS` times on one
//! backend, for counting the instructions a kernel executes under an emulator:
//!
//!     cargo run --release --example kernel_count -- <shape> <backend> <reps>
//!     cargo run --release --example kernel_count -- hifigan_up1 avx2 12
//!
//! It builds the layer with the benches' deterministic pseudo-random weights and input,
//! calls `forward_with` `REPS` times, and prints `flops <FLOPS>` (the layer's `FLOPS`,
//! `2 * L * CIN * COUT/G * K`) and the backend. Two runs that differ only in `REPS`
//! differ only by whole forward passes, so the difference of their instruction counts
//! divided by the difference of `REPS` is one pass's count, the setup cancelled.
//! `tools/insn_count.sh` does that under qemu-aarch64 (NEON) and qemu-x86_64 (AVX2)
//! with the TCG plugin `tools/tcg/insn.c`, and prints instructions per multiply-add.

#[cfg(feature = "std")]
mod count {
    use std::hint::black_box;

    use conv_transpose::{Backend, GroupedConvTranspose1d};

    /// xorshift64*, uniform in [-1, 1): the benches' generator.
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

    /// A boxed `[[f32; B]; A]` of random values, built on the heap.
    fn random<const A: usize, const B: usize>(rng: &mut Rng) -> Box<[[f32; B]; A]> {
        let v: Vec<[f32; B]> = (0..A)
            .map(|_| core::array::from_fn(|_| rng.next()))
            .collect();
        v.into_boxed_slice()
            .try_into()
            .unwrap_or_else(|_| unreachable!())
    }

    /// Builds the shape's layer as the benches do (weights scaled by `1 / K`, no bias) and
    /// runs it `reps` times. `CG` is `COUT / groups`, `N` the output length.
    fn run<
        const L: usize,
        const CIN: usize,
        const COUT: usize,
        const CG: usize,
        const K: usize,
        const S: usize,
        const N: usize,
    >(
        backend: Backend,
        reps: usize,
    ) -> Result<usize, conv_transpose::Error> {
        type Layer<
            const L: usize,
            const CIN: usize,
            const COUT: usize,
            const CG: usize,
            const K: usize,
            const S: usize,
        > = GroupedConvTranspose1d<L, CIN, COUT, CG, K, S>;
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let weight: Vec<[[f32; K]; CG]> = (0..CIN)
            .map(|_| core::array::from_fn(|_| core::array::from_fn(|_| rng.next() / K as f32)))
            .collect();
        let weight: &[[[f32; K]; CG]; CIN] = weight[..].try_into().unwrap();
        let layer = Layer::<L, CIN, COUT, CG, K, S>::boxed_from_torch(weight, None);
        let x = random::<L, CIN>(&mut rng);
        let mut y = random::<N, COUT>(&mut rng);
        for _ in 0..reps {
            layer.forward_with(backend, black_box(&x), black_box(&mut y))?;
        }
        black_box(&y);
        Ok(Layer::<L, CIN, COUT, CG, K, S>::FLOPS)
    }

    pub fn main() -> Result<(), String> {
        const USAGE: &str = "usage: kernel_count <shape> <backend> <reps>";
        let args: Vec<String> = std::env::args().skip(1).collect();
        let [shape, backend, reps] = &args[..] else {
            return Err(USAGE.into());
        };
        let backend: Backend = backend.parse().map_err(|e| format!("{e}"))?;
        let reps: usize = reps.parse().map_err(|_| USAGE.to_string())?;
        if !backend.is_available() {
            return Err(format!("backend {backend} is not available on this CPU"));
        }
        // name, L, CIN, COUT, COUT/G, K, S, N = (L - 1) * S + K (as benches/kernels.rs).
        let flops = match shape.as_str() {
            "mono_x2" => run::<1024, 1, 1, 1, 32, 2, { 1023 * 2 + 32 }>(backend, reps),
            "mono_x4" => run::<1024, 1, 1, 1, 64, 4, { 1023 * 4 + 64 }>(backend, reps),
            "mono_x3_48k" => run::<480, 1, 1, 1, 48, 3, { 479 * 3 + 48 }>(backend, reps),
            "tiny_nn" => run::<32, 8, 8, 8, 4, 2, { 31 * 2 + 4 }>(backend, reps),
            "melgan_small" => run::<64, 64, 32, 32, 8, 4, { 63 * 4 + 8 }>(backend, reps),
            "hifigan_up1" => run::<32, 512, 256, 256, 16, 8, { 31 * 8 + 16 }>(backend, reps),
            "stereo_dw_x2" => run::<1024, 2, 2, 1, 32, 2, { 1023 * 2 + 32 }>(backend, reps),
            _ => return Err(format!("unknown shape {shape}")),
        }
        .map_err(|e| format!("{e}"))?;
        println!("flops {flops}");
        println!("backend {backend}");
        Ok(())
    }
}

#[cfg(feature = "std")]
fn main() {
    if let Err(e) = count::main() {
        eprintln!("kernel_count: {e}");
        std::process::exit(2);
    }
}

/// `boxed_from_torch` needs the `std` feature.
#[cfg(not(feature = "std"))]
fn main() {
    eprintln!("kernel_count needs the std feature");
    std::process::exit(1);
}
