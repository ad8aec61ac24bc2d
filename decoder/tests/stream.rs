//! The stream network against the whole-signal network, bit for bit, on every backend:
//! PyTorch's input and random signals cut into random pieces (a third of them one frame,
//! the rest up to 12), two signals in a row on one state, and a signal longer than the
//! whole-signal network's input, against a whole-signal chain over that length built
//! from `with_len` views of the same statics.

mod common;

use common::{backends, input_frames, Rng};
use conv_transpose::{chain, chunk_stream, Backend, Chain, Layer, LeakyRelu};
use conv_transpose_decoder::*;

/// Piece lengths adding up to `total`: a third of them one frame, the rest 2 to 12.
fn pieces(rng: &mut Rng, total: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut left = total;
    while left > 0 {
        let n = if rng.below(3) == 0 {
            1
        } else {
            2 + rng.below(11)
        };
        let n = n.min(left);
        out.push(n);
        left -= n;
    }
    out
}

/// `x` streamed through `DECODER_STREAM` on `state` in random pieces, on `backend`.
fn stream(
    backend: Backend,
    state: &mut DecoderStreamState,
    x: &[[f32; 32]],
    rng: &mut Rng,
) -> Vec<[f32; 1]> {
    let mut out = Vec::new();
    let mut at = 0;
    for n in pieces(rng, x.len()) {
        DECODER_STREAM
            .push_act_with(
                backend,
                state,
                &x[at..at + n],
                DECODER_OUTPUT_ACTIVATION,
                |y| out.extend_from_slice(y),
            )
            .unwrap();
        at += n;
    }
    DECODER_STREAM
        .finish_act_with(backend, state, DECODER_OUTPUT_ACTIVATION, |y| {
            out.extend_from_slice(y)
        })
        .unwrap();
    out
}

fn whole(backend: Backend, x: &[[f32; 32]; 16]) -> [[f32; 1]; 384] {
    let mut y = [[f32::NAN; 1]; 384];
    let mut scratch = Decoder::SCRATCH;
    DECODER
        .forward_act_with(backend, x, &mut scratch, &mut y, DECODER_OUTPUT_ACTIVATION)
        .unwrap();
    y
}

fn random_signal<const L: usize>(rng: &mut Rng) -> [[f32; 32]; L] {
    core::array::from_fn(|_| core::array::from_fn(|_| rng.uniform() * 2.0))
}

#[test]
fn stream_layers_view_the_whole_signal_weights() {
    // No second copy of a weight: the stream chain's layers are the statics.
    let pairs: [(*const f32, *const f32); 3] = [
        (
            DECODER_STREAM.first().first().packed_weights().as_ptr(),
            DECODER_UPS_0.packed_weights().as_ptr(),
        ),
        (
            DECODER_STREAM.first().second().packed_weights().as_ptr(),
            DECODER_UPS_1.packed_weights().as_ptr(),
        ),
        (
            DECODER_STREAM.second().packed_weights().as_ptr(),
            DECODER_UPS_2.packed_weights().as_ptr(),
        ),
    ];
    for (i, (s, w)) in pairs.into_iter().enumerate() {
        assert!(core::ptr::eq(s, w), "layer {i}");
    }
    // Blocks: one frame into the first layer, then each block's output, L * S.
    assert_eq!(
        (
            <DecoderUps0Stream as Layer>::LEN_IN,
            <DecoderUps1Stream as Layer>::LEN_IN,
            <DecoderUps2Stream as Layer>::LEN_IN,
        ),
        (1, 4, 8)
    );
}

#[test]
fn pytorch_input_streamed_in_random_pieces_is_the_whole_signal() {
    let x = input_frames();
    for backend in backends() {
        let want = whole(backend, &x);
        let mut state = DECODER_STREAM_STATE;
        let mut rng = Rng::new(1);
        for round in 0..4 {
            let got = stream(backend, &mut state, &x, &mut rng);
            assert_eq!(got.len(), want.len(), "{backend} round {round}");
            assert!(
                got == want,
                "{backend} round {round}: the stream differs from the whole signal"
            );
        }
        // One frame at a time.
        let mut got = Vec::new();
        for frame in x.chunks(1) {
            DECODER_STREAM
                .push_act_with(backend, &mut state, frame, DECODER_OUTPUT_ACTIVATION, |y| {
                    got.extend_from_slice(y)
                })
                .unwrap();
        }
        DECODER_STREAM
            .finish_act_with(backend, &mut state, DECODER_OUTPUT_ACTIVATION, |y| {
                got.extend_from_slice(y)
            })
            .unwrap();
        assert!(got == want, "{backend}: frame by frame");
    }
}

#[test]
fn random_signals_streamed_are_the_whole_signal() {
    for backend in backends() {
        let mut rng = Rng::new(2);
        let mut state = DECODER_STREAM_STATE;
        for round in 0..8 {
            let x: [[f32; 32]; 16] = random_signal(&mut rng);
            let want = whole(backend, &x);
            let got = stream(backend, &mut state, &x, &mut rng);
            assert!(got == want, "{backend} round {round}");
        }
    }
}

// The whole-signal network over 40 input frames: the same statics, other lengths.
type Long0 = chain!(
    &'static DecoderUps0Len40,
    LeakyRelu,
    &'static DecoderUps1Len160
);
type DecoderUps0Len40 = conv_transpose::GroupedConvTranspose1d<40, 32, 16, 16, 8, 4, 2, 1, 0, f32>;
type DecoderUps1Len160 = conv_transpose::GroupedConvTranspose1d<160, 16, 8, 4, 4, 2, 1, 1, 0, f32>;
type DecoderUps2Len320 =
    conv_transpose::CroppedConvTranspose1d<320, 8, 1, 1, 6, 3, 0, 3, 1, 0, f32>;
type Long = chain!(Long0, LeakyRelu, &'static DecoderUps2Len320);
static LONG: Long = Chain::new(
    Chain::new(
        DECODER_UPS_0.with_len::<40>(),
        LeakyRelu(0.1),
        DECODER_UPS_1.with_len::<160>(),
    ),
    LeakyRelu(0.1),
    DECODER_UPS_2.with_len::<320>(),
);

#[test]
fn a_longer_signal_streamed_is_its_whole_signal() {
    assert_eq!(<Long as Layer>::LEN_OUT, 40 * 4 * 2 * 3);
    for backend in backends() {
        let mut rng = Rng::new(3);
        let x: [[f32; 32]; 40] = random_signal(&mut rng);
        let mut want = [[f32::NAN; 1]; 960];
        let mut scratch = Long::SCRATCH;
        LONG.forward_act_with(
            backend,
            &x,
            &mut scratch,
            &mut want,
            DECODER_OUTPUT_ACTIVATION,
        )
        .unwrap();
        let mut state = DECODER_STREAM_STATE;
        let got = stream(backend, &mut state, &x, &mut rng);
        assert!(got == want, "{backend}");
        // The state is the nested tuple of the layers' ChunkStreams.
        let _: &chunk_stream!(DecoderUps2Stream) = &state.1;
    }
}

#[test]
fn the_variant_network_streams_its_whole_signal() {
    use conv_transpose_decoder::variant::*;
    assert_eq!(
        (<Variant as Layer>::LEN_IN, <Variant as Layer>::LEN_OUT),
        (7, 180)
    );
    assert_eq!(
        (
            <VariantUps0Stream as Layer>::LEN_IN,
            <VariantUps1Stream as Layer>::LEN_IN,
            <VariantLastStream as Layer>::LEN_IN,
        ),
        (3, 12, 24)
    );
    assert!(VARIANT_UPS_0.bias().is_none() && VARIANT_UPS_1.bias().is_some());
    for backend in backends() {
        let mut rng = Rng::new(4);
        let mut state = VARIANT_STREAM_STATE;
        for round in 0..4 {
            let x: [[f32; 32]; 7] = random_signal(&mut rng);
            let mut want = [[f32::NAN; 1]; 180];
            let mut scratch = Variant::SCRATCH;
            VARIANT
                .forward_act_with(
                    backend,
                    &x,
                    &mut scratch,
                    &mut want,
                    VARIANT_OUTPUT_ACTIVATION,
                )
                .unwrap();
            let mut got = Vec::new();
            let mut at = 0;
            for n in pieces(&mut rng, x.len()) {
                VARIANT_STREAM
                    .push_act_with(
                        backend,
                        &mut state,
                        &x[at..at + n],
                        VARIANT_OUTPUT_ACTIVATION,
                        |y| got.extend_from_slice(y),
                    )
                    .unwrap();
                at += n;
            }
            VARIANT_STREAM
                .finish_act_with(backend, &mut state, VARIANT_OUTPUT_ACTIVATION, |y| {
                    got.extend_from_slice(y)
                })
                .unwrap();
            assert!(got == want, "{backend} round {round}");
        }
    }
}
