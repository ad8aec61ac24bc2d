//! Property: any sequence of `process`, `flush` (into buffers of any length, 0 included),
//! `reset` and backend changes on one state writes what the documented semantics say,
//! checked against the whole-signal `forward`:
//!
//! - the frames emitted since a stream started are the first frames of `forward` over the
//!   blocks it has taken (a signal zero-padded to a fixed length gives the same first
//!   frames, so one layer type serves every signal length);
//! - a stream ends at a `reset`, or at the first `flush` (whatever it writes): the next
//!   block starts a new one; once the flushes have written all of the tail, the frames
//!   emitted are all of `forward` and `flush` writes nothing more;
//! - `flush` on a state that no block has started writes nothing.
//!
//! Each frame is compared with `forward` on the backend that wrote it: `Q15` is exact, so
//! every backend gives the same bits; `f32` backends round differently, so each frame is
//! held to that backend's own `forward`, bit for bit.

mod common;

use common::{backends_for, Rng};
use conv_transpose::{Backend, Element, GroupedConvTranspose1d, StreamState, Q15};

/// Blocks a stream takes at most before the sequence resets it.
const MAX_BLOCKS: usize = 12;

trait Sample: Element {
    fn from_unit(v: f64) -> Self;
    fn backends() -> Vec<Backend>;
}

impl Sample for f32 {
    fn from_unit(v: f64) -> Self {
        v as f32
    }
    fn backends() -> Vec<Backend> {
        backends_for::<f32>()
    }
}

impl Sample for Q15 {
    fn from_unit(v: f64) -> Self {
        Q15::from_f64(v * 0.9)
    }
    fn backends() -> Vec<Backend> {
        Backend::ALL
            .into_iter()
            .filter(|&b| {
                let probe = GroupedConvTranspose1d::<1, 1, 1, 1, 1, 1, 0, 1, 0, Q15>::from_torch(
                    &[[[Q15::ZERO]]],
                    None,
                );
                probe
                    .forward_with(b, &[[Q15::ZERO]], &mut [[Q15::ZERO]])
                    .is_ok()
            })
            .collect()
    }
}

/// One stream under test: its frames so far, and which backend wrote each.
struct Segment<T, const CIN: usize, const COUT: usize> {
    input: Vec<[T; CIN]>,
    out: Vec<([T; COUT], Backend)>,
    flushing: bool,
}

impl<T: Copy, const CIN: usize, const COUT: usize> Segment<T, CIN, COUT> {
    fn new() -> Self {
        Segment {
            input: Vec::new(),
            out: Vec::new(),
            flushing: false,
        }
    }
}

/// Runs `ops` random operations on one state of the layer `small` (blocks of `L`), and
/// checks every stream against `whole`, the same weights over `LW = L * MAX_BLOCKS`
/// frames.
#[allow(clippy::too_many_arguments)]
fn run<
    T: Sample,
    const L: usize,
    const LW: usize,
    const CIN: usize,
    const COUT: usize,
    const CG: usize,
    const K: usize,
    const S: usize,
    const P: usize,
    const D: usize,
    const OP: usize,
    const N: usize,
    const NW: usize,
    const FRAMES: usize,
>(
    small: &GroupedConvTranspose1d<L, CIN, COUT, CG, K, S, P, D, OP, T>,
    whole: &GroupedConvTranspose1d<LW, CIN, COUT, CG, K, S, P, D, OP, T>,
    seed: u64,
    ops: usize,
) {
    assert_eq!(LW, L * MAX_BLOCKS);
    let backends = T::backends();
    let mut rng = Rng::new(seed);
    let mut pick = |n: usize| ((rng.uniform() + 1.0) / 2.0 * n as f64) as usize % n;
    let mut values = Rng::new(seed ^ 0x5eed);
    let mut state = StreamState::<T, CIN, FRAMES>::new();
    let mut seg = Segment::<T, CIN, COUT>::new();
    let mut backend = backends[0];
    // The whole-signal forward of each backend, for the stream's input zero-padded.
    let check = |seg: &Segment<T, CIN, COUT>, complete: bool| {
        let mut x = [[T::ZERO; CIN]; LW];
        x[..seg.input.len()].copy_from_slice(&seg.input);
        // No frames: no signal (`len_out` is `None`), no output.
        let len = conv_transpose::Geometry {
            len_in: seg.input.len(),
            ..GroupedConvTranspose1d::<L, CIN, COUT, CG, K, S, P, D, OP, T>::GEOMETRY
        }
        .len_out()
        .unwrap_or(0);
        assert!(seg.out.len() <= len, "more frames than the signal has");
        if complete {
            assert_eq!(seg.out.len(), len, "a finished stream wrote every frame");
        }
        for &b in &backends {
            if !seg.out.iter().any(|&(_, by)| by == b) {
                continue;
            }
            let mut y = [[T::ZERO; COUT]; NW];
            whole.forward_with(b, &x, &mut y).unwrap();
            for (n, (frame, by)) in seg.out.iter().enumerate() {
                if *by == b {
                    assert_eq!(frame, &y[n], "frame {n} on {b} (seed {seed})");
                }
            }
        }
    };
    for _ in 0..ops {
        match pick(10) {
            // Blocks are most of a sequence.
            0..=5 => {
                let full = seg.input.len() == LW;
                if seg.flushing || full {
                    check(&seg, false);
                    seg = Segment::new();
                    if full {
                        // Longer than the reference layer: start over.
                        state.reset();
                    }
                }
                let block: [[T; CIN]; L] = core::array::from_fn(|_| {
                    core::array::from_fn(|_| T::from_unit(values.uniform()))
                });
                let mut y = [[T::ZERO; COUT]; N];
                let n = small
                    .process_with(backend, &mut state, &block, &mut y)
                    .unwrap();
                seg.input.extend_from_slice(&block);
                seg.out.extend(y[..n].iter().map(|&f| (f, backend)));
            }
            6 | 7 => {
                let len = pick(4);
                let mut y = vec![[T::ZERO; COUT]; len];
                let n = small.flush_with(backend, &mut state, &mut y).unwrap();
                assert!(n <= len);
                if seg.input.is_empty() {
                    assert_eq!(n, 0, "a flush of no stream writes nothing");
                    continue;
                }
                seg.flushing = true;
                seg.out.extend(y[..n].iter().map(|&f| (f, backend)));
                if !state.is_started() {
                    // The whole tail is written: the stream is over.
                    check(&seg, true);
                    seg = Segment::new();
                }
            }
            8 => {
                check(&seg, false);
                state.reset();
                seg = Segment::new();
            }
            _ => backend = backends[pick(backends.len())],
        }
    }
    check(&seg, false);
}

macro_rules! shape {
    ($name:ident, $t:ty, $l:literal, $cin:literal, $cout:literal, $cg:literal, $k:literal,
     $s:literal, $p:literal, $d:literal, $op:literal) => {
        #[test]
        fn $name() {
            type Small = GroupedConvTranspose1d<$l, $cin, $cout, $cg, $k, $s, $p, $d, $op, $t>;
            type Whole = GroupedConvTranspose1d<
                { $l * MAX_BLOCKS },
                $cin,
                $cout,
                $cg,
                $k,
                $s,
                $p,
                $d,
                $op,
                $t,
            >;
            let mut rng = Rng::new($k * 131 + $s * 17 + $p);
            let w: [[[$t; $k]; $cg]; $cin] = core::array::from_fn(|_| {
                core::array::from_fn(|_| {
                    core::array::from_fn(|_| <$t>::from_unit(rng.uniform() * 0.4))
                })
            });
            let bias: [$t; $cout] = core::array::from_fn(|_| <$t>::from_unit(rng.uniform() * 0.1));
            let small = Small::from_torch(&w, Some(&bias));
            let whole = Box::new(Whole::from_torch(&w, Some(&bias)));
            for seed in 0..40 {
                run::<
                    $t,
                    $l,
                    { $l * MAX_BLOCKS },
                    $cin,
                    $cout,
                    $cg,
                    $k,
                    $s,
                    $p,
                    $d,
                    $op,
                    { $l * $s },
                    { Whole::OUT_LEN },
                    { Small::STREAM_FRAMES },
                >(&small, &whole, seed, 120);
            }
        }
    };
}

// Padding longer than a block (latency), output padding, dilation, depthwise stereo,
// a dense layer, and blocks of one frame.
shape!(f32_mono_padded, f32, 3, 1, 1, 1, 9, 2, 5, 1, 1);
shape!(f32_stereo_dilated, f32, 4, 2, 2, 1, 5, 3, 2, 2, 1);
shape!(f32_dense_one_frame, f32, 1, 2, 3, 3, 4, 2, 1, 1, 0);
shape!(q15_mono_padded, Q15, 3, 1, 1, 1, 9, 2, 5, 1, 1);
shape!(q15_dense_one_frame, Q15, 1, 2, 3, 3, 4, 2, 1, 1, 0);
