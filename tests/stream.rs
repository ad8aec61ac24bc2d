//! Streaming against one forward pass over the whole signal, on every backend.
//!
//! For each shape: random weights, bias and signal; the whole signal's `forward` (checked
//! here against the f64 oracle too) is the reference. The stream must reproduce it bit
//! for bit on the same backend:
//! - block by block with `process` and a flush into pieces of 1 to 3 frames;
//! - through `ChunkStream` with random pieces (many of one frame), over the whole signal
//!   and over a shorter one that ends inside a block;
//! - twice in a row on one state, which the flush must leave ready for a new signal.
//!
//! Output buffers start as NaN, so a frame a stream counts but never writes fails.

mod common;

use common::{assert_close, backends_for, torch_cropped, Case, Rng};
use conv_transpose::{
    Backend, ChunkStream, CroppedConvTranspose1d, GroupedConvTranspose1d, StreamState,
};

type Layer<
    const L: usize,
    const CIN: usize,
    const COUT: usize,
    const CG: usize,
    const K: usize,
    const S: usize,
    const PL: usize,
    const PR: usize,
    const D: usize,
    const OP: usize,
> = CroppedConvTranspose1d<L, CIN, COUT, CG, K, S, PL, PR, D, OP, f32>;

fn nlc<const C: usize>(flat: &[f64]) -> Vec<[f32; C]> {
    flat.chunks_exact(C)
        .map(|f| core::array::from_fn(|c| f[c] as f32))
        .collect()
}

/// Piece lengths that add up to `total`: a third of them one frame, the rest up to `2L+1`.
fn pieces(rng: &mut Rng, total: usize, l: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut left = total;
    while left > 0 {
        let u = (rng.uniform() + 1.0) / 2.0;
        let n = if u < 0.33 {
            1
        } else {
            1 + ((u - 0.33) / 0.67 * (2 * l + 1) as f64) as usize
        };
        let n = n.clamp(1, left);
        out.push(n);
        left -= n;
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn check<
    const L: usize,
    const CIN: usize,
    const COUT: usize,
    const CG: usize,
    const K: usize,
    const S: usize,
    const PL: usize,
    const PR: usize,
    const D: usize,
    const OP: usize,
    const N: usize,
    const FR: usize,
    const WL: usize,
    const WN: usize,
    const SL: usize,
    const SN: usize,
>(
    name: &str,
    seed: u64,
    with_bias: bool,
) {
    let whole_g = Layer::<WL, CIN, COUT, CG, K, S, PL, PR, D, OP>::GEOMETRY;
    let case = Case::random::<f32>(&whole_g, 1, with_bias, seed);
    let block = torch_cropped::<L, CIN, COUT, CG, K, S, PL, PR, D, OP, f32>(&case);
    let whole = torch_cropped::<WL, CIN, COUT, CG, K, S, PL, PR, D, OP, f32>(&case);
    let short = torch_cropped::<SL, CIN, COUT, CG, K, S, PL, PR, D, OP, f32>(&case);
    let x = nlc::<CIN>(&case.x[0]);
    let mut rng = Rng::new(seed ^ 0x5eed);
    let what = format!("{name} bias={with_bias}");

    for backend in backends_for::<f32>() {
        let what = format!("{what} {backend}");
        let mut expected = vec![[f32::NAN; COUT]; WN];
        whole
            .forward_with::<WN>(
                backend,
                x.as_slice().try_into().unwrap(),
                expected.as_mut_slice().try_into().unwrap(),
            )
            .unwrap();
        assert_close(&what, expected.as_flattened(), &case.reference[0]);
        let mut expected_short = vec![[f32::NAN; COUT]; SN];
        short
            .forward_with::<SN>(
                backend,
                x[..SL].try_into().unwrap(),
                expected_short.as_mut_slice().try_into().unwrap(),
            )
            .unwrap();

        // Block by block, twice on one state.
        let mut state = StreamState::<f32, CIN, FR>::new();
        for round in 0..2 {
            let mut got: Vec<[f32; COUT]> = Vec::new();
            for (b, chunk) in x.chunks_exact(L).enumerate() {
                let mut y = [[f32::NAN; COUT]; N];
                let n = block
                    .process_with(backend, &mut state, chunk.try_into().unwrap(), &mut y)
                    .unwrap();
                let expect_n = N.min(((b + 1) * N).saturating_sub(
                    Layer::<L, CIN, COUT, CG, K, S, PL, PR, D, OP>::STREAM_LATENCY,
                ));
                assert!(n <= expect_n, "{what}: block {b} wrote {n} frames");
                got.extend_from_slice(&y[..n]);
            }
            loop {
                let mut y = vec![[f32::NAN; COUT]; 1 + got.len() % 3];
                let n = block.flush_with(backend, &mut state, &mut y).unwrap();
                if n == 0 {
                    break;
                }
                got.extend_from_slice(&y[..n]);
            }
            assert!(!state.is_started(), "{what}: flush did not reset the state");
            assert_eq!(got.len(), WN, "{what} round {round}: frames");
            assert_eq!(got, expected, "{what} round {round}: process + flush");
        }

        // Random pieces through the adapter, over the whole signal and a shorter one.
        let mut adapter = ChunkStream::<f32, CIN, COUT, L, N, FR>::new();
        for (len, reference) in [(WL, &expected), (SL, &expected_short)] {
            let mut got: Vec<[f32; COUT]> = Vec::new();
            let mut at = 0;
            for n in pieces(&mut rng, len, L) {
                adapter
                    .push_with(backend, &block, &x[at..at + n], |y| {
                        got.extend_from_slice(y)
                    })
                    .unwrap();
                at += n;
                assert!(adapter.buffered() < L);
            }
            adapter
                .finish_with(backend, &block, |y| got.extend_from_slice(y))
                .unwrap();
            assert_eq!(adapter.buffered(), 0);
            assert_eq!(&got, reference, "{what}: ChunkStream over {len} frames");
        }
    }
}

macro_rules! streams {
    ($($name:ident: CIN=$cin:literal COUT=$cout:literal COUT_G=$cg:literal K=$k:literal
        S=$s:literal P=$p:literal D=$d:literal OP=$op:literal L=$l:literal BLOCKS=$nb:literal
        SHORT=$short:literal;)*) => {$(
        cropped_streams! {
            $name: CIN=$cin COUT=$cout COUT_G=$cg K=$k S=$s PL=$p PR=$p D=$d OP=$op L=$l
            BLOCKS=$nb SHORT=$short;
        }
    )*};
}

macro_rules! cropped_streams {
    ($($name:ident: CIN=$cin:literal COUT=$cout:literal COUT_G=$cg:literal K=$k:literal
        S=$s:literal PL=$pl:literal PR=$pr:literal D=$d:literal OP=$op:literal L=$l:literal
        BLOCKS=$nb:literal SHORT=$short:literal;)*) => {$(
        #[test]
        fn $name() {
            type Block = Layer<$l, $cin, $cout, $cg, $k, $s, $pl, $pr, $d, $op>;
            type Whole = Layer<{ $l * $nb }, $cin, $cout, $cg, $k, $s, $pl, $pr, $d, $op>;
            type Short = Layer<{ $short }, $cin, $cout, $cg, $k, $s, $pl, $pr, $d, $op>;
            for (seed, bias) in [(1u64, true), (2, false)] {
                check::<
                    $l, $cin, $cout, $cg, $k, $s, $pl, $pr, $d, $op,
                    { $l * $s }, { Block::STREAM_FRAMES },
                    { $l * $nb }, { Whole::OUT_LEN }, { $short }, { Short::OUT_LEN },
                >(stringify!($name), seed, bias);
            }
        }
    )*};
}

streams! {
    // Mono FIR interpolators, as the demo and the firmware run them.
    mono_x2: CIN=1 COUT=1 COUT_G=1 K=32 S=2 P=0 D=1 OP=0 L=16 BLOCKS=5 SHORT=71;
    mono_x3_centred: CIN=1 COUT=1 COUT_G=1 K=49 S=3 P=24 D=1 OP=2 L=20 BLOCKS=4 SHORT=53;
    mono_x4_blocks_of_one: CIN=1 COUT=1 COUT_G=1 K=64 S=4 P=0 D=1 OP=0 L=1 BLOCKS=40 SHORT=23;
    mono_x3_blocks_of_one_padded: CIN=1 COUT=1 COUT_G=1 K=12 S=3 P=5 D=1 OP=1 L=1 BLOCKS=30 SHORT=9;
    // Kernels shorter than the stride, with and without padding (output held back).
    mono_k_lt_s: CIN=1 COUT=1 COUT_G=1 K=2 S=5 P=0 D=1 OP=0 L=7 BLOCKS=4 SHORT=10;
    mono_k_lt_s_padded: CIN=1 COUT=1 COUT_G=1 K=3 S=4 P=2 D=1 OP=3 L=3 BLOCKS=6 SHORT=11;
    k1_dilated_op: CIN=1 COUT=1 COUT_G=1 K=1 S=1 P=0 D=3 OP=2 L=4 BLOCKS=3 SHORT=5;
    // Padding larger than a block: the first blocks write nothing.
    long_padding: CIN=1 COUT=1 COUT_G=1 K=40 S=2 P=19 D=1 OP=1 L=3 BLOCKS=12 SHORT=17;
    dilated: CIN=1 COUT=1 COUT_G=1 K=5 S=2 P=3 D=3 OP=2 L=6 BLOCKS=5 SHORT=13;
    dilated_s3_d2: CIN=1 COUT=1 COUT_G=1 K=7 S=3 P=4 D=2 OP=1 L=8 BLOCKS=4 SHORT=27;
    // Stereo, channels independent; and 4 and 3 channels.
    stereo_x2: CIN=2 COUT=2 COUT_G=1 K=32 S=2 P=0 D=1 OP=0 L=24 BLOCKS=4 SHORT=50;
    stereo_x3_centred: CIN=2 COUT=2 COUT_G=1 K=24 S=3 P=12 D=1 OP=1 L=10 BLOCKS=5 SHORT=33;
    quad_dw: CIN=4 COUT=4 COUT_G=1 K=8 S=4 P=2 D=1 OP=0 L=9 BLOCKS=4 SHORT=20;
    three_dw_multiplier: CIN=3 COUT=6 COUT_G=2 K=6 S=2 P=1 D=1 OP=1 L=5 BLOCKS=4 SHORT=12;
    // Dense and grouped layers of a vocoder.
    hifigan_like: CIN=16 COUT=8 COUT_G=8 K=16 S=8 P=4 D=1 OP=0 L=4 BLOCKS=4 SHORT=9;
    melgan_like: CIN=8 COUT=4 COUT_G=4 K=6 S=3 P=2 D=1 OP=1 L=5 BLOCKS=3 SHORT=11;
    grouped: CIN=8 COUT=12 COUT_G=3 K=5 S=2 P=1 D=2 OP=1 L=6 BLOCKS=4 SHORT=19;
    dense_odd: CIN=5 COUT=17 COUT_G=17 K=4 S=3 P=1 D=1 OP=2 L=7 BLOCKS=3 SHORT=8;
    dense_blocks_of_one: CIN=3 COUT=9 COUT_G=9 K=7 S=2 P=3 D=1 OP=1 L=1 BLOCKS=12 SHORT=8;
}

#[test]
fn unavailable_backend_is_an_error_and_touches_nothing() {
    type Up = Layer<4, 1, 1, 1, 4, 2, 1, 1, 1, 0>;
    let up = Up::from_torch(&[[[0.5, 1.0, 1.0, 0.5]]], None);
    let missing = Backend::ALL.into_iter().find(|b| !b.is_available());
    let Some(missing) = missing else {
        return; // every backend is available here (none is on x86_64 and aarch64)
    };
    let mut state = StreamState::<f32, 1, { Up::STREAM_FRAMES }>::new();
    let mut y = [[f32::NAN; 1]; 8];
    assert!(up
        .process_with(missing, &mut state, &[[1.0]; 4], &mut y)
        .is_err());
    assert!(!state.is_started());
    assert!(y.iter().all(|v| v[0].is_nan()));
}

#[test]
fn f64_streams_on_the_scalar_backend_only() {
    type Up = GroupedConvTranspose1d<3, 1, 1, 1, 4, 2, 1, 1, 0, f64>;
    let up = Up::from_torch(&[[[0.5, 1.0, 1.0, 0.5]]], Some(&[0.25]));
    let mut state = StreamState::<f64, 1, { Up::STREAM_FRAMES }>::new();
    let mut y = [[0.0f64; 1]; 6];
    assert_eq!(up.process(&mut state, &[[1.0], [2.0], [3.0]], &mut y), 5);
    assert!(up
        .process_with(Backend::Avx2, &mut state, &[[1.0]; 3], &mut y)
        .is_err());
    assert!(up.flush_with(Backend::Neon, &mut state, &mut y).is_err());
    assert_eq!(up.flush(&mut state, &mut y), 1);
    // The whole 3-frame signal: (3-1)*2 - 2 + 3 + 1 = 6 frames.
    let mut whole = [[0.0f64; 1]; 6];
    up.forward(&[[1.0], [2.0], [3.0]], &mut whole);
    let mut got = [[0.0f64; 1]; 6];
    let mut state = StreamState::<f64, 1, { Up::STREAM_FRAMES }>::new();
    let n = up.process(&mut state, &[[1.0], [2.0], [3.0]], &mut got);
    let m = up.flush(&mut state, &mut got[n..]);
    assert_eq!(n + m, 6);
    assert_eq!(got, whole);
}

/// Misuse the compiler accepts: a state driven by a layer of another stream shape, and
/// flushes into buffers of any length, end in documented behaviour.
mod misuse {
    use super::*;

    /// The probe's pair: equal `CIN` and `STREAM_FRAMES` (7), other strides and latencies.
    type A<const L: usize> = Layer<L, 1, 1, 1, 5, 2, 6, 6, 3, 0>;
    type B<const L: usize> = Layer<L, 1, 1, 1, 7, 1, 3, 3, 1, 0>;
    const WA: [[[f32; 5]; 1]; 1] = [[[0.5, -0.25, 1.0, 0.75, -0.5]]];
    const WB: [[[f32; 7]; 1]; 1] = [[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]]];
    type State = StreamState<f32, 1, 7>;

    fn signal<const N: usize>(seed: f32) -> [[f32; 1]; N] {
        core::array::from_fn(|i| [(i as f32 * 0.7 + seed).sin()])
    }

    /// Every frame of `x` through `a.process`, one frame a block.
    fn feed_a(state: &mut State, x: &[[f32; 1]], out: &mut Vec<[f32; 1]>) {
        let a = A::<1>::from_torch(&WA, Some(&[0.125]));
        for frame in x {
            let mut y = [[f32::NAN; 1]; 2];
            let n = a.process(state, &[*frame], &mut y);
            out.extend_from_slice(&y[..n]);
        }
    }

    /// `flush` until it returns 0, into buffers of `piece` frames.
    fn drain<const K: usize, const S: usize, const P: usize, const D: usize>(
        layer: &Layer<1, 1, 1, 1, K, S, P, P, D, 0>,
        state: &mut State,
        piece: usize,
        out: &mut Vec<[f32; 1]>,
    ) {
        let mut y = vec![[f32::NAN; 1]; piece];
        loop {
            let n = layer.flush(state, &mut y);
            if n == 0 {
                return;
            }
            out.extend_from_slice(&y[..n]);
        }
    }

    #[test]
    fn another_layers_flush_writes_nothing_and_the_owner_finishes() {
        assert_eq!(A::<1>::STREAM_FRAMES, B::<1>::STREAM_FRAMES);
        let b = B::<1>::from_torch(&WB, Some(&[-1.0]));
        let x = signal::<9>(0.0);
        let mut state = State::new();
        let mut out = Vec::new();
        feed_a(&mut state, &x, &mut out);
        // B did not start this stream: its flush writes nothing, however often it is
        // called, and leaves the stream to its owner.
        let mut tail = [[f32::NAN; 1]; 4];
        for _ in 0..3 {
            assert_eq!(b.flush(&mut state, &mut tail), 0);
        }
        assert!(state.is_started());
        drain(
            &A::<1>::from_torch(&WA, Some(&[0.125])),
            &mut state,
            2,
            &mut out,
        );
        let mut want = [[f32::NAN; 1]; A::<9>::OUT_LEN];
        A::<9>::from_torch(&WA, Some(&[0.125])).forward(&x, &mut want);
        assert_eq!(out, want);
    }

    #[test]
    fn another_layers_block_starts_a_new_stream() {
        let b = B::<1>::from_torch(&WB, Some(&[-1.0]));
        let (xa, xb) = (signal::<5>(0.0), signal::<6>(1.0));
        let mut state = State::new();
        feed_a(&mut state, &xa, &mut Vec::new());
        let mut out = Vec::new();
        for frame in &xb {
            let mut y = [[f32::NAN; 1]; 1];
            let n = b.process(&mut state, &[*frame], &mut y);
            out.extend_from_slice(&y[..n]);
        }
        drain(&b, &mut state, 3, &mut out);
        let mut want = [[f32::NAN; 1]; B::<6>::OUT_LEN];
        B::<6>::from_torch(&WB, Some(&[-1.0])).forward(&xb, &mut want);
        assert_eq!(out, want);
        assert!(!state.is_started());
    }

    #[test]
    fn a_flush_into_an_empty_buffer_ends_the_stream() {
        let a = A::<1>::from_torch(&WA, Some(&[0.125]));
        let (x1, x2) = (signal::<4>(0.0), signal::<7>(2.0));
        for piece in [0, 1] {
            let mut state = State::new();
            feed_a(&mut state, &x1, &mut Vec::new());
            let mut y = vec![[f32::NAN; 1]; piece];
            assert_eq!(a.flush(&mut state, &mut y), piece);
            // The next block starts a new signal, whatever the flush wrote.
            let mut out = Vec::new();
            feed_a(&mut state, &x2, &mut out);
            drain(&a, &mut state, 2, &mut out);
            let mut want = [[f32::NAN; 1]; A::<7>::OUT_LEN];
            A::<7>::from_torch(&WA, Some(&[0.125])).forward(&x2, &mut want);
            assert_eq!(out, want, "after a flush of {piece} frames");
        }
    }

    #[test]
    fn an_empty_flush_then_the_rest_of_the_tail() {
        let a = A::<1>::from_torch(&WA, Some(&[0.125]));
        let x = signal::<8>(0.5);
        let mut state = State::new();
        let mut out = Vec::new();
        feed_a(&mut state, &x, &mut out);
        assert_eq!(a.flush(&mut state, &mut []), 0);
        assert!(state.is_started());
        drain(&a, &mut state, 1, &mut out);
        let mut want = [[f32::NAN; 1]; A::<8>::OUT_LEN];
        A::<8>::from_torch(&WA, Some(&[0.125])).forward(&x, &mut want);
        assert_eq!(out, want);
    }
}

cropped_streams! {
    // Causal layers (the whole crop on the right, K - S for D = 1): no latency, no tail.
    causal_encodec: CIN=4 COUT=2 COUT_G=2 K=8 S=4 PL=0 PR=4 D=1 OP=0 L=5 BLOCKS=4 SHORT=7;
    causal_blocks_of_one: CIN=1 COUT=1 COUT_G=1 K=10 S=5 PL=0 PR=5 D=1 OP=0 L=1 BLOCKS=20 SHORT=3;
    causal_dilated: CIN=2 COUT=2 COUT_G=1 K=4 S=2 PL=0 PR=5 D=2 OP=0 L=6 BLOCKS=3 SHORT=5;
    // Uneven crops: more on the left, more on the right (beyond the tail), output padding.
    more_left: CIN=1 COUT=1 COUT_G=1 K=9 S=2 PL=6 PR=1 D=1 OP=1 L=3 BLOCKS=6 SHORT=8;
    more_right: CIN=2 COUT=3 COUT_G=3 K=5 S=3 PL=1 PR=9 D=1 OP=2 L=4 BLOCKS=5 SHORT=11;
    right_beyond_tail: CIN=1 COUT=1 COUT_G=1 K=3 S=4 PL=0 PR=6 D=1 OP=0 L=2 BLOCKS=6 SHORT=5;
    grouped_uneven: CIN=6 COUT=4 COUT_G=2 K=6 S=3 PL=2 PR=4 D=2 OP=1 L=5 BLOCKS=4 SHORT=9;
}

#[test]
fn causal_layers_hold_nothing_back() {
    type Causal = Layer<16, 128, 64, 64, 8, 4, 0, 4, 1, 0>;
    assert_eq!(Causal::OUT_LEN, 16 * 4);
    assert_eq!((Causal::STREAM_LATENCY, Causal::STREAM_TAIL), (0, 0));
    // Dilation and output padding: PR = D*(K-1) + OP + 1 - S.
    type Dilated = Layer<10, 2, 2, 1, 4, 2, 0, 6, 2, 1>;
    assert_eq!(Dilated::OUT_LEN, 10 * 2);
    assert_eq!((Dilated::STREAM_LATENCY, Dilated::STREAM_TAIL), (0, 0));
    // More on the right than the tail: that much is held back.
    type Over = Layer<10, 1, 1, 1, 4, 2, 0, 5, 1, 0>;
    assert_eq!((Over::STREAM_LATENCY, Over::STREAM_TAIL), (3, 0));
}
