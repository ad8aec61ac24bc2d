//! Streams driven by any sequence of calls: `ChunkStream` fed pieces of any length and
//! finished, `process` / `flush` (into buffers of any length, 0 included) / `reset` on a
//! `StreamState`, backends switched between calls, and the batch forms with mismatched
//! lengths. `Q15` is exact, so every backend gives the same bits, and each stream is
//! held to the whole-signal `forward` bit for bit (the reference is a layer over 64
//! frames, fed the stream's input zero-padded: its first frames are the stream's). A
//! stream longer than that is reset.
#![no_main]

use arbitrary::Arbitrary;
use conv_transpose::{Backend, Error, Geometry, GroupedConvTranspose1d, StreamState, Q15};
use libfuzzer_sys::fuzz_target;

const BLOCK: usize = 4;
const WHOLE: usize = 64;
/// Stereo depthwise, K = 7, S = 3, P = 4 (a latency longer than... one block of output
/// is 12 frames, so not), D = 2, OP = 1, with a bias.
type Small = GroupedConvTranspose1d<BLOCK, 2, 2, 1, 7, 3, 4, 2, 1, Q15>;
type Whole = GroupedConvTranspose1d<WHOLE, 2, 2, 1, 7, 3, 4, 2, 1, Q15>;
type Frame = [Q15; 2];

const W: [[[i16; 7]; 1]; 2] = [
    [[9000, -12000, 20000, 32767, -32768, 4000, 100]],
    [[-7000, 15000, 3000, -20000, 25000, 12000, -500]],
];
const BIAS: [i16; 2] = [1234, -32000];

#[derive(Arbitrary, Debug)]
enum Op {
    /// Frames for the chunk adapter.
    Push(Vec<[i16; 2]>),
    /// End the chunk adapter's signal.
    Finish,
    /// A block for the state.
    Process([[i16; 2]; BLOCK]),
    /// A flush of the state into this many frames.
    Flush(u8),
    Reset,
    /// Switch to `Backend::ALL[n % 5]` (refused and kept if this CPU lacks it).
    Backend(u8),
    /// The batch forms with these many inputs and outputs.
    Batch(u8, u8),
}

fn q(v: [i16; 2]) -> Frame {
    v.map(Q15::from_bits)
}

fn layer<const L: usize>() -> GroupedConvTranspose1d<L, 2, 2, 1, 7, 3, 4, 2, 1, Q15> {
    GroupedConvTranspose1d::from_torch(
        &W.map(|c| c.map(|k| k.map(Q15::from_bits))),
        Some(&BIAS.map(Q15::from_bits)),
    )
}

/// The first frames of `forward` over `input`: `None` where the input is too long for
/// the reference.
fn reference(whole: &Whole, input: &[Frame]) -> Vec<Frame> {
    let mut x = [[Q15::ZERO; 2]; WHOLE];
    x[..input.len()].copy_from_slice(input);
    let mut y = [[Q15::ZERO; 2]; Whole::OUT_LEN];
    whole.forward_with(Backend::Scalar, &x, &mut y).unwrap();
    let len = Geometry {
        len_in: input.len(),
        ..Small::GEOMETRY
    }
    .len_out()
    .unwrap_or(0);
    y[..len].to_vec()
}

fn check_prefix(whole: &Whole, input: &[Frame], out: &[Frame], complete: bool) {
    let want = reference(whole, input);
    assert!(
        out.len() <= want.len(),
        "{} frames for a signal of {}",
        out.len(),
        want.len()
    );
    assert_eq!(out, &want[..out.len()]);
    if complete {
        assert_eq!(out.len(), want.len(), "a finished stream wrote every frame");
    }
}

fuzz_target!(|ops: Vec<Op>| {
    let small = layer::<BLOCK>();
    let whole = Box::new(layer::<WHOLE>());
    let mut backend = Backend::Scalar;

    let mut chunk = <conv_transpose::chunk_stream!(Small)>::new();
    let (mut chunk_in, mut chunk_out) = (Vec::<Frame>::new(), Vec::<Frame>::new());

    let mut state = StreamState::<Q15, 2, { Small::STREAM_FRAMES }>::new();
    let (mut state_in, mut state_out) = (Vec::<Frame>::new(), Vec::<Frame>::new());
    let mut flushing = false;

    for op in ops.into_iter().take(256) {
        match op {
            Op::Push(frames) => {
                let frames: Vec<Frame> = frames.into_iter().take(WHOLE).map(q).collect();
                if chunk_in.len() + frames.len() > WHOLE {
                    check_prefix(&whole, &chunk_in, &chunk_out, false);
                    chunk.reset();
                    chunk_in.clear();
                    chunk_out.clear();
                }
                chunk
                    .push_with(backend, &small, &frames, |y| chunk_out.extend_from_slice(y))
                    .unwrap();
                chunk_in.extend_from_slice(&frames);
                check_prefix(&whole, &chunk_in, &chunk_out, false);
            }
            Op::Finish => {
                chunk
                    .finish_with(backend, &small, |y| chunk_out.extend_from_slice(y))
                    .unwrap();
                check_prefix(&whole, &chunk_in, &chunk_out, true);
                assert_eq!(chunk.buffered(), 0);
                chunk_in.clear();
                chunk_out.clear();
            }
            Op::Process(block) => {
                if flushing || state_in.len() + BLOCK > WHOLE {
                    check_prefix(&whole, &state_in, &state_out, false);
                    if !flushing {
                        state.reset();
                    }
                    state_in.clear();
                    state_out.clear();
                    flushing = false;
                }
                let block = block.map(q);
                let mut y = [[Q15::ZERO; 2]; Small::STREAM_OUT_LEN];
                let n = small
                    .process_with(backend, &mut state, &block, &mut y)
                    .unwrap();
                state_in.extend_from_slice(&block);
                state_out.extend_from_slice(&y[..n]);
                check_prefix(&whole, &state_in, &state_out, false);
            }
            Op::Flush(len) => {
                let mut y = vec![[Q15::ZERO; 2]; usize::from(len % 16)];
                let n = small.flush_with(backend, &mut state, &mut y).unwrap();
                assert!(n <= y.len());
                if state_in.is_empty() {
                    assert_eq!(n, 0, "a flush of no stream writes nothing");
                    continue;
                }
                flushing = true;
                state_out.extend_from_slice(&y[..n]);
                if !state.is_started() {
                    check_prefix(&whole, &state_in, &state_out, true);
                    state_in.clear();
                    state_out.clear();
                    flushing = false;
                }
            }
            Op::Reset => {
                check_prefix(&whole, &state_in, &state_out, false);
                state.reset();
                state_in.clear();
                state_out.clear();
                flushing = false;
            }
            Op::Backend(n) => {
                let b = Backend::ALL[usize::from(n) % Backend::ALL.len()];
                let probe = small.forward_with(
                    b,
                    &[[Q15::ZERO; 2]; BLOCK],
                    &mut [[Q15::ZERO; 2]; Small::OUT_LEN],
                );
                match probe {
                    Ok(()) => backend = b,
                    Err(e) => assert_eq!(e, Error::BackendUnavailable { backend: b }),
                }
            }
            Op::Batch(inputs, outputs) => {
                let (inputs, outputs) = (usize::from(inputs % 4), usize::from(outputs % 4));
                let x = vec![[[Q15::from_bits(77); 2]; BLOCK]; inputs];
                let sentinel = [[Q15::from_bits(-1); 2]; Small::OUT_LEN];
                let mut y = vec![sentinel; outputs];
                let got = small.forward_batch_with(backend, &x, &mut y);
                if inputs == outputs {
                    assert_eq!(got, Ok(()));
                    let mut one = sentinel;
                    small
                        .forward_with(
                            Backend::Scalar,
                            &x.first().copied().unwrap_or_default(),
                            &mut one,
                        )
                        .unwrap();
                    assert!(inputs == 0 || y.iter().all(|y| *y == one));
                } else {
                    assert_eq!(got, Err(Error::BatchMismatch { inputs, outputs }));
                    assert!(y.iter().all(|y| *y == sentinel), "nothing written");
                }
            }
        }
    }
});
