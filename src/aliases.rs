//! Type macros that name a stream, an adapter or a chain from the layer types alone.
//!
//! Their types carry the sizes of their buffers as const parameters, and stable Rust
//! cannot compute those from another type's constants inside a generic type, so the
//! types themselves repeat the layer's parameters. A concrete layer type can: these
//! macros read every parameter from it.
//!
//! | instead of | write |
//! |---|---|
//! | `StreamState<f32, 1, { Up::STREAM_FRAMES }>` | `stream_state!(Up)` |
//! | `ChunkStream<f32, 1, 1, 160, 480, { Up::STREAM_FRAMES }>` | `chunk_stream!(Up)` |
//! | `Chain<&'static A, LeakyRelu, &'static B, { A::OUT_LEN }, 32>` | `chain!(&'static A, LeakyRelu, &'static B)` |

/// The [`StreamState`](crate::StreamState) of a layer type: its element type, input
/// channels and [`STREAM_FRAMES`](crate::GroupedConvTranspose1d::STREAM_FRAMES) read
/// from the layer.
///
/// ```
/// use conv_transpose::{stream_state, ConvTranspose1d, StreamState};
///
/// type Up3 = ConvTranspose1d<160, 1, 1, 48, 3>;
/// static UP: Up3 = Up3::from_torch(&[[[0.02; 48]]], None);
///
/// // The same type as `StreamState<f32, 1, { Up3::STREAM_FRAMES }>`.
/// let mut state = <stream_state!(Up3)>::new();
/// let _: &StreamState<f32, 1, { Up3::STREAM_FRAMES }> = &state;
/// let mut out = [[0.0f32; 1]; Up3::STREAM_OUT_LEN];
/// assert_eq!(UP.process(&mut state, &[[0.5f32]; 160], &mut out), 480);
/// ```
#[macro_export]
macro_rules! stream_state {
    ($layer:ty) => {
        $crate::StreamState<
            <$layer as $crate::Layer>::Elem,
            { <$layer as $crate::Layer>::CIN },
            { <$layer>::STREAM_FRAMES },
        >
    };
}

/// The [`ChunkStream`](crate::ChunkStream) of a layer type: its element type, channels,
/// block length, block output and stream frames read from the layer.
///
/// ```
/// use conv_transpose::{chunk_stream, ChunkStream, ConvTranspose1d};
///
/// type Up3 = ConvTranspose1d<16, 1, 1, 6, 3>;
/// let up = Up3::from_torch(&[[[0.25, 0.5, 0.75, 1.0, 0.75, 0.5]]], None);
///
/// // The same type as `ChunkStream<f32, 1, 1, 16, 48, { Up3::STREAM_FRAMES }>`.
/// let mut stream = <chunk_stream!(Up3)>::new();
/// let _: &ChunkStream<f32, 1, 1, 16, 48, { Up3::STREAM_FRAMES }> = &stream;
/// let mut out = Vec::new();
/// stream.push(&up, &[[1.0f32]; 20], |y| out.extend_from_slice(y));
/// stream.finish(&up, |y| out.extend_from_slice(y));
/// assert_eq!(out.len(), (20 - 1) * 3 + 6);
/// ```
#[macro_export]
macro_rules! chunk_stream {
    ($layer:ty) => {
        $crate::ChunkStream<
            <$layer as $crate::Layer>::Elem,
            { <$layer as $crate::Layer>::CIN },
            { <$layer as $crate::Layer>::COUT },
            { <$layer as $crate::Layer>::LEN_IN },
            { <$layer>::STREAM_OUT_LEN },
            { <$layer>::STREAM_FRAMES },
        >
    };
}

/// The [`Chain`](crate::Chain) of two layers (or chains, or references to either) with an
/// activation between them: the intermediate shape read from the first layer.
///
/// ```
/// use conv_transpose::{chain, Chain, ConvTranspose1d, Layer, LeakyRelu};
///
/// type Up1 = ConvTranspose1d<8, 4, 2, 4, 2, 1>; // 8 frames of 4 channels -> 16 of 2
/// type Up2 = ConvTranspose1d<16, 2, 1, 4, 2, 1>; // 16 of 2 -> 32 of 1
/// static UP1: Up1 = Up1::from_torch(&[[[0.25; 4]; 2]; 4], None);
/// static UP2: Up2 = Up2::from_torch(&[[[0.5; 4]; 1]; 2], None);
///
/// // The same type as `Chain<&'static Up1, LeakyRelu, &'static Up2, { Up1::OUT_LEN }, 2>`.
/// type Net = chain!(&'static Up1, LeakyRelu, &'static Up2);
/// static NET: Net = Chain::new(&UP1, LeakyRelu(0.1), &UP2);
///
/// let mut scratch = Net::SCRATCH;
/// let mut y = [[0.0f32; 1]; 32];
/// NET.forward(&[[1.0; 4]; 8], &mut scratch, &mut y);
/// ```
#[macro_export]
macro_rules! chain {
    ($first:ty, $act:ty, $second:ty $(,)?) => {
        $crate::Chain<
            $first,
            $act,
            $second,
            { <$first as $crate::Layer>::LEN_OUT },
            { <$first as $crate::Layer>::COUT },
        >
    };
}
