//! Streaming: a layer run block by block over an unbounded signal.
//!
//! A stream is an immutable layer (it can be a `static` in flash) and a [`StreamState`]
//! (RAM). Feeding blocks of `L` frames to [`GroupedConvTranspose1d::process`] and then
//! calling [`GroupedConvTranspose1d::flush`] writes exactly what `forward` would write for
//! the whole signal, padding and output padding included.
//!
//! # How it works
//! The state keeps the last input frames that later outputs still need (the history,
//! [`GroupedConvTranspose1d::STREAM_HISTORY`] frames) followed by room for one block. Each
//! block is copied behind the history and one kernel call computes the window of the
//! whole signal's result that the block finishes, reading the history and the block as one
//! input. So each output is one sum over exactly the taps that reach it, in the order the
//! kernel always uses: the stream's output is bit for bit the whole-signal `forward` on the
//! same backend (up to the sign of a zero sum), not an overlap-add of rounded partial sums.
//! This is also what fixed-point layers need, which round once per output.
//!
//! Output frame `n` of the whole signal is frame `n + P` of its full result. A block ends
//! the frames up to its last input frame's first output, but `P` frames at the right end
//! are cropped only when the stream ends, and before that a stream cannot tell them from
//! the others. So a stream holds back [`GroupedConvTranspose1d::STREAM_LATENCY`] frames:
//! block `b` (from 0) writes output frames `b*L*S - LATENCY .. (b+1)*L*S - LATENCY`, the
//! first blocks writing fewer while the start is cropped, and `flush` writes the rest.

use crate::kernels::{Args, Strides};
use crate::{Backend, Element, Error, Geometry, GroupedConvTranspose1d};

/// The mutable half of a stream: input history and position, apart from the layer.
///
/// `CIN` is the layer's input channel count and `FRAMES` must be the layer's
/// [`GroupedConvTranspose1d::STREAM_FRAMES`] (the history plus one block); anything else
/// is a build error where the state is used with the layer. `FRAMES * CIN` samples of
/// `T` plus three words is all the RAM a stream takes.
///
/// ```
/// use conv_transpose::{ConvTranspose1d, StreamState};
///
/// type Up2 = ConvTranspose1d<4, 1, 1, 4, 2, 1>; // 4 frames per block, K = 4, S = 2, P = 1
/// static UP: Up2 = Up2::from_torch(&[[[0.5, 1.0, 1.0, 0.5]]], None);
/// let mut state = StreamState::<f32, 1, { Up2::STREAM_FRAMES }>::new();
///
/// let signal: [[f32; 1]; 8] = core::array::from_fn(|i| [i as f32]);
/// let mut out = Vec::new();
/// let mut y = [[0.0f32; 1]; 8]; // L * S frames per block
/// for block in signal.chunks_exact(4) {
///     let n = UP.process(&mut state, block.try_into().unwrap(), &mut y);
///     out.extend_from_slice(&y[..n]);
/// }
/// let mut tail = [[0.0f32; 1]; Up2::STREAM_TAIL];
/// let n = UP.flush(&mut state, &mut tail);
/// out.extend_from_slice(&tail[..n]);
///
/// // The same as one forward pass over the whole signal.
/// type Whole = ConvTranspose1d<8, 1, 1, 4, 2, 1>;
/// let mut whole = [[0.0f32; 1]; Whole::OUT_LEN];
/// Whole::from_torch(&[[[0.5, 1.0, 1.0, 0.5]]], None).forward(&signal, &mut whole);
/// assert_eq!(out, whole);
/// ```
#[derive(Clone, Debug)]
pub struct StreamState<T, const CIN: usize, const FRAMES: usize> {
    /// History (its last `history` frames are real), then room for a block.
    frames: [[T; CIN]; FRAMES],
    /// Input frames seen so far, capped at the history length.
    history: usize,
    /// Frames still to drop from the start of the stream's window (the crop and hold).
    crop: usize,
    /// Frames `flush` has written so far.
    flushed: usize,
    /// Whether a block has been processed since the last reset.
    fed: bool,
}

impl<T: Element, const CIN: usize, const FRAMES: usize> StreamState<T, CIN, FRAMES> {
    /// A state at the start of a stream (`const`: it can live in a `static`).
    pub const fn new() -> Self {
        StreamState {
            frames: [[T::ZERO; CIN]; FRAMES],
            history: 0,
            crop: usize::MAX, // set from the layer when the first block comes
            flushed: 0,
            fed: false,
        }
    }

    /// Back to the start of a stream: the next block is the first of a new signal.
    pub fn reset(&mut self) {
        self.history = 0;
        self.crop = usize::MAX;
        self.flushed = 0;
        self.fed = false;
    }

    /// Whether a block has been processed since the start (or the last reset or flush).
    pub const fn is_started(&self) -> bool {
        self.fed
    }
}

impl<T: Element, const CIN: usize, const FRAMES: usize> Default for StreamState<T, CIN, FRAMES> {
    fn default() -> Self {
        Self::new()
    }
}

impl<
        const L: usize,
        const CIN: usize,
        const COUT: usize,
        const COUT_G: usize,
        const K: usize,
        const S: usize,
        const P: usize,
        const D: usize,
        const OP: usize,
        T: Element,
    > GroupedConvTranspose1d<L, CIN, COUT, COUT_G, K, S, P, D, OP, T>
{
    /// `D*(K-1) + OP + 1`: how far past its own position an input frame's last output
    /// lies, plus one.
    const REACH: usize = D * (K - 1) + OP + 1;

    /// Frames of the stream's window held back beyond the crop: the full result ends
    /// `REACH - S` frames after the last block's window, and `P` of those are cropped, so
    /// where `P` is larger, the difference must be held back.
    const HOLD: usize = (P + S).saturating_sub(Self::REACH);

    /// Input frames a stream keeps between blocks: every frame that an output not yet
    /// written reads, `ceil((HOLD + D*(K-1)) / S)`.
    pub const STREAM_HISTORY: usize = {
        let () = Self::VALID;
        (Self::HOLD + D * (K - 1)).div_ceil(S)
    };

    /// The `FRAMES` of a [`StreamState`] for this layer: history plus one block of `L`.
    pub const STREAM_FRAMES: usize = Self::STREAM_HISTORY + L;

    /// Output frames a stream holds back behind its input: block `b` ends at output frame
    /// `(b+1)*L*S - STREAM_LATENCY`. It is `P + max(0, P + S - D*(K-1) - OP - 1)`: the
    /// padding, and more only where the right-end crop exceeds the tail.
    pub const STREAM_LATENCY: usize = P + Self::HOLD;

    /// Output frames [`Self::flush`] writes after one or more whole blocks:
    /// `max(0, D*(K-1) + OP + 1 - S - P)`, the tail past the last block less the crop.
    pub const STREAM_TAIL: usize = {
        let () = Self::VALID;
        Self::REACH.saturating_sub(S + P)
    };

    /// Processes one block of `L` input frames (channels last) on the layer's backend and
    /// writes the output frames it finishes to the front of `y`; returns how many.
    ///
    /// That is `L * S` frames, except while the start of the stream is cropped: the first
    /// blocks write `L * S - STREAM_LATENCY` frames in all (fewer, or none, per block where
    /// the latency is longer than a block). `y` must hold `N = L * S` frames, and `FRAMES`
    /// must be [`Self::STREAM_FRAMES`]; either mistake is a build error.
    ///
    /// Calling `process` while a [`Self::flush`] is only partly done abandons the rest of
    /// that flush: the block starts a new stream.
    pub fn process<const N: usize, const FRAMES: usize>(
        &self,
        state: &mut StreamState<T, CIN, FRAMES>,
        x: &[[T; CIN]; L],
        y: &mut [[T; COUT]; N],
    ) -> usize {
        self.process_with(self.backend(), state, x, y)
            .expect("the layer's own backend is available")
    }

    /// [`Self::process`] on a chosen backend.
    ///
    /// # Errors
    /// [`Error::BackendUnavailable`] if this CPU cannot run `backend` for `T`; then neither
    /// the state nor `y` is touched.
    pub fn process_with<const N: usize, const FRAMES: usize>(
        &self,
        backend: Backend,
        state: &mut StreamState<T, CIN, FRAMES>,
        x: &[[T; CIN]; L],
        y: &mut [[T; COUT]; N],
    ) -> Result<usize, Error> {
        const {
            assert!(
                N == L * S,
                "ConvTranspose1d::process: the output block must hold L * S frames"
            );
            assert!(
                FRAMES == Self::STREAM_FRAMES,
                "StreamState: FRAMES must be the layer's STREAM_FRAMES (history plus one block)"
            );
        }
        if !T::supports(backend) {
            return Err(Error::BackendUnavailable { backend });
        }
        if state.flushed > 0 {
            state.reset();
        }
        if !state.fed {
            state.crop = Self::STREAM_LATENCY;
        }
        let m = Self::STREAM_HISTORY;
        let have = state.history;
        state.frames[m..].copy_from_slice(x);
        // The input is frames[m - have ..]; the window starts HOLD frames before the
        // block's first output, at `have * S - HOLD` in that input's result. Where that is
        // negative (the first blocks), the frames before the signal are dropped below.
        let start = have * S;
        let (front, first) = match start.checked_sub(Self::HOLD) {
            Some(first) => (0, first),
            None => (Self::HOLD - start, 0),
        };
        if front < N {
            self.window(backend, &state.frames[m - have..], first, &mut y[front..])?;
        }
        // `front` frames lie before the signal, so the crop covers them.
        let drop = state.crop.min(N);
        debug_assert!(drop >= front.min(N));
        state.crop -= drop;
        if drop > 0 {
            y.copy_within(drop.., 0);
        }
        state.frames.copy_within(L.., 0);
        state.history = (have + L).min(m);
        state.fed = true;
        Ok(N - drop)
    }

    /// Ends the stream: writes the frames after the last block's (at most
    /// [`Self::STREAM_TAIL`]) to the front of `y` and returns how many. With a `y` too short
    /// for all of them it writes what fits; call it again for the rest. Once the last frame
    /// is written the state is reset, ready for a new signal, and `flush` returns 0 until a
    /// block is processed.
    pub fn flush<const FRAMES: usize>(
        &self,
        state: &mut StreamState<T, CIN, FRAMES>,
        y: &mut [[T; COUT]],
    ) -> usize {
        self.flush_with(self.backend(), state, y)
            .expect("the layer's own backend is available")
    }

    /// [`Self::flush`] on a chosen backend.
    ///
    /// # Errors
    /// [`Error::BackendUnavailable`] if this CPU cannot run `backend` for `T`; then neither
    /// the state nor `y` is touched.
    pub fn flush_with<const FRAMES: usize>(
        &self,
        backend: Backend,
        state: &mut StreamState<T, CIN, FRAMES>,
        y: &mut [[T; COUT]],
    ) -> Result<usize, Error> {
        const {
            assert!(
                FRAMES == Self::STREAM_FRAMES,
                "StreamState: FRAMES must be the layer's STREAM_FRAMES (history plus one block)"
            );
        }
        if !T::supports(backend) {
            return Err(Error::BackendUnavailable { backend });
        }
        if !state.fed {
            return Ok(0);
        }
        // The window goes on from the last block's: `TAIL` frames, the first `crop` of
        // them still cropped (a stream shorter than its latency).
        let done = state.crop + state.flushed;
        let n = (Self::STREAM_TAIL - done).min(y.len());
        let y = &mut y[..n];
        let m = Self::STREAM_HISTORY;
        let have = state.history;
        if have == 0 {
            // No history: K = 1, and what is left is output padding, the bias alone.
            for frame in y.iter_mut() {
                for (co, v) in frame.iter_mut().enumerate() {
                    *v = T::finish(
                        self.bias()
                            .map_or(T::Acc::default(), |b| T::bias_acc(b[co])),
                    );
                }
            }
        } else if n > 0 {
            // `crop` covers any part of the window before the signal.
            let first = have * S + done - Self::HOLD;
            self.window(backend, &state.frames[m - have..m], first, y)?;
        }
        state.flushed += n;
        if done + n == Self::STREAM_TAIL {
            state.reset();
        }
        Ok(n)
    }

    /// Frames `first .. first + y.len()` of the full result of `x`, bias included.
    fn window(
        &self,
        backend: Backend,
        x: &[[T; CIN]],
        first: usize,
        y: &mut [[T; COUT]],
    ) -> Result<(), Error> {
        let g = Geometry {
            len_in: x.len(),
            padding: first,
            ..Self::GEOMETRY
        };
        let (weight, bias) = self.packed();
        let mut acc = [T::Acc::default(); COUT_G];
        T::kernel(
            backend,
            &mut Args::window(
                &g,
                y.len(),
                weight,
                bias,
                x.as_flattened(),
                Strides::nlc(CIN),
                y.as_flattened_mut(),
                Strides::nlc(COUT),
            ),
            &mut acc,
        )
    }
}

/// A stream for callers whose blocks are not `L` frames: an audio callback's buffer, a
/// file read in pieces. It gathers input in a `heapless` buffer of one block, runs
/// [`GroupedConvTranspose1d::process`] whenever a block is complete, and hands each
/// block's output to a closure. No allocation: the adapter is `L * CIN + N * COUT` samples
/// plus its [`StreamState`].
///
/// `L`, `CIN`, `COUT` and `N = L * S` are the layer's; `FRAMES` is its
/// [`GroupedConvTranspose1d::STREAM_FRAMES`]. [`Self::finish`] ends the signal, however
/// many frames the last piece had: everything emitted is then exactly `forward` over the
/// whole signal (when that has at least one output frame).
///
/// ```
/// use conv_transpose::{ChunkStream, ConvTranspose1d};
///
/// type Up3 = ConvTranspose1d<16, 1, 1, 6, 3>; // blocks of 16 frames, K = 6, S = 3
/// let up = Up3::from_torch(&[[[0.25, 0.5, 0.75, 1.0, 0.75, 0.5]]], None);
/// let mut stream = ChunkStream::<f32, 1, 1, 16, 48, { Up3::STREAM_FRAMES }>::new();
///
/// let signal: Vec<[f32; 1]> = (0..40).map(|i| [(i as f32).sin()]).collect();
/// let mut out = Vec::new();
/// for piece in signal.chunks(7) {
///     stream.push(&up, piece, |y| out.extend_from_slice(y));
/// }
/// stream.finish(&up, |y| out.extend_from_slice(y));
/// assert_eq!(out.len(), (40 - 1) * 3 + 6); // (L-1)*S + K for the 40-frame signal
/// ```
#[derive(Clone, Debug)]
pub struct ChunkStream<
    T,
    const CIN: usize,
    const COUT: usize,
    const L: usize,
    const N: usize,
    const FRAMES: usize,
> {
    state: StreamState<T, CIN, FRAMES>,
    input: heapless::Vec<[T; CIN], L>,
    output: [[T; COUT]; N],
}

impl<
        T: Element,
        const CIN: usize,
        const COUT: usize,
        const L: usize,
        const N: usize,
        const FRAMES: usize,
    > ChunkStream<T, CIN, COUT, L, N, FRAMES>
{
    /// An adapter at the start of a stream (`const`: it can live in a `static`).
    pub const fn new() -> Self {
        ChunkStream {
            state: StreamState::new(),
            input: heapless::Vec::new(),
            output: [[T::ZERO; COUT]; N],
        }
    }

    /// Drops buffered input and starts a new stream.
    pub fn reset(&mut self) {
        self.state.reset();
        self.input.clear();
    }

    /// Input frames waiting for their block to complete (fewer than `L`).
    pub fn buffered(&self) -> usize {
        self.input.len()
    }

    /// Takes any number of input frames; for each block they complete, runs the layer and
    /// calls `emit` with the output frames it finished (see
    /// [`GroupedConvTranspose1d::process`]; none while a long latency is being filled).
    #[allow(clippy::too_many_arguments)]
    pub fn push<
        const COUT_G: usize,
        const K: usize,
        const S: usize,
        const P: usize,
        const D: usize,
        const OP: usize,
    >(
        &mut self,
        layer: &GroupedConvTranspose1d<L, CIN, COUT, COUT_G, K, S, P, D, OP, T>,
        x: &[[T; CIN]],
        emit: impl FnMut(&[[T; COUT]]),
    ) {
        self.push_with(layer.backend(), layer, x, emit)
            .expect("the layer's own backend is available");
    }

    /// [`Self::push`] on a chosen backend.
    ///
    /// # Errors
    /// [`Error::BackendUnavailable`] if this CPU cannot run `backend` for `T`; nothing is
    /// buffered or emitted then.
    pub fn push_with<
        const COUT_G: usize,
        const K: usize,
        const S: usize,
        const P: usize,
        const D: usize,
        const OP: usize,
    >(
        &mut self,
        backend: Backend,
        layer: &GroupedConvTranspose1d<L, CIN, COUT, COUT_G, K, S, P, D, OP, T>,
        mut x: &[[T; CIN]],
        mut emit: impl FnMut(&[[T; COUT]]),
    ) -> Result<(), Error> {
        if !T::supports(backend) {
            return Err(Error::BackendUnavailable { backend });
        }
        while !x.is_empty() {
            let block: &[[T; CIN]; L] = if self.input.is_empty() && x.len() >= L {
                // A whole block in the caller's buffer: no copy here.
                let (block, rest) = x.split_at(L);
                x = rest;
                block.try_into().expect("L frames")
            } else {
                let take = (L - self.input.len()).min(x.len());
                let (part, rest) = x.split_at(take);
                x = rest;
                self.input
                    .extend_from_slice(part)
                    .expect("at most L frames are buffered");
                if !self.input.is_full() {
                    break;
                }
                self.input.as_slice().try_into().expect("L frames")
            };
            let n = layer.process_with(backend, &mut self.state, block, &mut self.output)?;
            self.input.clear();
            if n > 0 {
                emit(&self.output[..n]);
            }
        }
        Ok(())
    }

    /// Ends the signal: runs the buffered frames (a partial block) and the flush, emits
    /// the frames that complete `forward` over the whole signal, and resets the adapter
    /// for a new signal. A signal too short for one output frame (PyTorch raises an error
    /// for it) emits nothing.
    pub fn finish<
        const COUT_G: usize,
        const K: usize,
        const S: usize,
        const P: usize,
        const D: usize,
        const OP: usize,
    >(
        &mut self,
        layer: &GroupedConvTranspose1d<L, CIN, COUT, COUT_G, K, S, P, D, OP, T>,
        emit: impl FnMut(&[[T; COUT]]),
    ) {
        self.finish_with(layer.backend(), layer, emit)
            .expect("the layer's own backend is available");
    }

    /// [`Self::finish`] on a chosen backend.
    ///
    /// # Errors
    /// [`Error::BackendUnavailable`] if this CPU cannot run `backend` for `T`; nothing is
    /// emitted or reset then.
    pub fn finish_with<
        const COUT_G: usize,
        const K: usize,
        const S: usize,
        const P: usize,
        const D: usize,
        const OP: usize,
    >(
        &mut self,
        backend: Backend,
        layer: &GroupedConvTranspose1d<L, CIN, COUT, COUT_G, K, S, P, D, OP, T>,
        mut emit: impl FnMut(&[[T; COUT]]),
    ) -> Result<(), Error> {
        type Layer<
            T,
            const L: usize,
            const CIN: usize,
            const COUT: usize,
            const COUT_G: usize,
            const K: usize,
            const S: usize,
            const P: usize,
            const D: usize,
            const OP: usize,
        > = GroupedConvTranspose1d<L, CIN, COUT, COUT_G, K, S, P, D, OP, T>;
        if !T::supports(backend) {
            return Err(Error::BackendUnavailable { backend });
        }
        let partial = self.input.len();
        if partial == 0 && !self.state.is_started() {
            return Ok(());
        }
        // The frames still owed: those of the whole signal's output not yet emitted. The
        // partial block is padded with zero frames, whose products are zeros: the padded
        // stream agrees with the true one on every frame the true one has.
        let crop = if self.state.is_started() {
            self.state.crop
        } else {
            Layer::<T, L, CIN, COUT, COUT_G, K, S, P, D, OP>::STREAM_LATENCY
        };
        let mut owed = (partial * S
            + Layer::<T, L, CIN, COUT, COUT_G, K, S, P, D, OP>::STREAM_TAIL)
            .saturating_sub(crop);
        if partial > 0 {
            self.input.resize(L, [T::ZERO; CIN]).expect("L frames fit");
            let block: &[[T; CIN]; L] = self.input.as_slice().try_into().expect("L frames");
            let n = layer.process_with(backend, &mut self.state, block, &mut self.output)?;
            self.input.clear();
            let n = n.min(owed);
            if n > 0 {
                emit(&self.output[..n]);
            }
            owed -= n;
        }
        while owed > 0 {
            let n = layer.flush_with(backend, &mut self.state, &mut self.output)?;
            let n = n.min(owed);
            if n == 0 {
                break;
            }
            emit(&self.output[..n]);
            owed -= n;
        }
        self.reset();
        Ok(())
    }
}

impl<
        T: Element,
        const CIN: usize,
        const COUT: usize,
        const L: usize,
        const N: usize,
        const FRAMES: usize,
    > Default for ChunkStream<T, CIN, COUT, L, N, FRAMES>
{
    fn default() -> Self {
        Self::new()
    }
}
