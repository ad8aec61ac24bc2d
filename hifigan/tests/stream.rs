//! The tail streamed one input frame a block (and in random pieces) against the
//! whole-signal chain, bit for bit on every backend, and so against PyTorch within the
//! whole chain's tolerance.

use conv_transpose::{Backend, Layer, Tanh};
use conv_transpose_hifigan::{golden, Net, NET, NET_STREAM, NET_STREAM_STATE, STREAM_RAM};

/// xorshift piece lengths of 1 to 5 frames adding up to 16.
fn pieces(seed: u64) -> Vec<usize> {
    let (mut s, mut left, mut out) = (seed | 1, 16, Vec::new());
    while left > 0 {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        let n = (1 + (s % 5) as usize).min(left);
        out.push(n);
        left -= n;
    }
    out
}

#[test]
fn stream_is_the_whole_chain_bit_for_bit() {
    // PyTorch's (C, L) input as frames.
    let x: [[f32; 64]; 16] =
        core::array::from_fn(|i| core::array::from_fn(|c| golden::INPUT[c][i]));
    for backend in Backend::ALL.into_iter().filter(|b| b.is_available()) {
        let mut scratch = Net::SCRATCH;
        let mut whole = [[f32::NAN; 8]; 512];
        NET.forward_act_with(backend, &x, &mut scratch, &mut whole, Tanh)
            .unwrap();
        for seed in [1, 7, 42] {
            let mut state = NET_STREAM_STATE;
            let mut got: Vec<[f32; 8]> = Vec::new();
            let mut at = 0;
            for n in pieces(seed) {
                NET_STREAM
                    .push_act_with(backend, &mut state, &x[at..at + n], Tanh, |y| {
                        got.extend_from_slice(y)
                    })
                    .unwrap();
                at += n;
            }
            NET_STREAM
                .finish_act_with(backend, &mut state, Tanh, |y| got.extend_from_slice(y))
                .unwrap();
            assert_eq!(got.len(), 512, "{backend}");
            assert!(
                got == whole,
                "{backend}, pieces of seed {seed}: differs from NET"
            );
        }
        // And within the whole chain's tolerance of PyTorch, frame (n, c) = output[c][n].
        let worst = whole
            .iter()
            .enumerate()
            .flat_map(|(n, f)| f.iter().enumerate().map(move |(c, &v)| (n, c, v)))
            .map(|(n, c, v)| (v - golden::OUTPUT[c][n]).abs())
            .fold(0.0f32, f32::max);
        assert!(worst <= 1e-6, "{backend}: {worst:e}");
    }
}

#[test]
fn stream_ram_is_the_states_and_one_block_each() {
    use conv_transpose_hifigan::{NetUps0Stream, NetUps1Stream, NetUps2Stream};
    // Each layer's ChunkStream: its history plus one block of input (STREAM_FRAMES frames
    // of CIN), one block of output (STREAM_OUT_LEN frames of COUT), and nine words of
    // bookkeeping; nothing of the whole signal.
    let samples = NetUps0Stream::STREAM_FRAMES * 64
        + NetUps0Stream::STREAM_OUT_LEN * 32
        + NetUps1Stream::STREAM_FRAMES * 32
        + NetUps1Stream::STREAM_OUT_LEN * 16
        + NetUps2Stream::STREAM_FRAMES * 16
        + NetUps2Stream::STREAM_OUT_LEN * 8;
    let words = 3 * 9 * core::mem::size_of::<usize>();
    eprintln!(
        "stream state: {STREAM_RAM} bytes; whole-chain scratch {} bytes",
        core::mem::size_of::<<Net as Layer>::Scratch>()
    );
    assert_eq!(STREAM_RAM, samples * 4 + words);
}
