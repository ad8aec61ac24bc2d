//! Streaming: a layer run block by block over an unbounded signal.
//!
//! A stream is an immutable layer (it can be a `static` in flash) and a [`StreamState`]
//! (RAM). Feeding blocks of `L` frames to [`CroppedConvTranspose1d::process`] and then
//! calling [`CroppedConvTranspose1d::flush`] writes exactly what `forward` would write for
//! the whole signal, crops and output padding included.
//!
//! # How it works
//! The state keeps the last input frames that later outputs still need (the history,
//! [`CroppedConvTranspose1d::STREAM_HISTORY`] frames) followed by room for one block. Each
//! block is copied behind the history and one kernel call computes the window of the
//! whole signal's result that the block finishes, reading the history and the block as one
//! input. So each output is one sum over exactly the taps that reach it, in the order the
//! kernel always uses: the stream's output is bit for bit the whole-signal `forward` on the
//! same backend (up to the sign of a zero sum), not an overlap-add of rounded partial sums.
//! This is also what fixed-point layers need, which round once per output.
//!
//! Output frame `n` of the whole signal is frame `n + PL` of its full result. A block ends
//! the frames up to its last input frame's first output, but `PR` frames at the right end
//! are cropped only when the stream ends, and before that a stream cannot tell them from
//! the others. So a stream holds back [`CroppedConvTranspose1d::STREAM_LATENCY`] frames:
//! block `b` (from 0) writes output frames `b*L*S - LATENCY .. (b+1)*L*S - LATENCY`, the
//! first blocks writing fewer while the start is cropped, and `flush` writes the rest.

use core::num::NonZeroUsize;

use crate::activation::{Activation, Identity};
use crate::backend::Backend;
use crate::error::Error;
use crate::geometry::Geometry;
use crate::kernels::dispatch::Kernel;
use crate::kernels::element::Element;
use crate::kernels::epilogue::Epilogue;
use crate::kernels::plan::{Args, Strides};
use crate::layer::CroppedConvTranspose1d;

/// The mutable half of a stream: input history and position, apart from the layer.
///
/// `CIN` is the layer's input channel count and `FRAMES` must be the layer's
/// [`CroppedConvTranspose1d::STREAM_FRAMES`] (the history plus one block); anything else
/// is a build error where the state is used with the layer. `FRAMES * CIN` samples of
/// `T` plus eight words is all the RAM a stream takes. A state remembers the stream
/// shape of the layer that started it, and another layer's blocks start a new stream
/// rather than misread it ([`CroppedConvTranspose1d::process`]).
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
    /// The layer that started the stream, or `None` before its first block.
    owner: Option<Owner>,
    /// Whether `flush` has been called: the next block starts a new stream.
    ending: bool,
}

/// What a stream's bookkeeping depends on: two layers that agree on it can continue each
/// other's streams (the history is input, whoever reads it), and a layer that does not
/// starts a new one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Owner {
    /// `L`: never zero, so that `Option<Owner>` needs no word of its own.
    block: NonZeroUsize,
    stride: usize,
    latency: usize,
    tail: usize,
}

impl<T: Element, const CIN: usize, const FRAMES: usize> StreamState<T, CIN, FRAMES> {
    /// A state at the start of a stream (`const`: it can live in a `static`, and it is
    /// all zero bits, so there it takes no flash).
    pub const fn new() -> Self {
        StreamState {
            frames: [[T::ZERO; CIN]; FRAMES],
            history: 0,
            crop: 0, // set from the layer when the first block comes
            flushed: 0,
            owner: None,
            ending: false,
        }
    }

    /// Back to the start of a stream: the next block is the first of a new signal.
    pub fn reset(&mut self) {
        self.history = 0;
        self.crop = 0;
        self.flushed = 0;
        self.owner = None;
        self.ending = false;
    }

    /// Whether a block has been processed since the start (or the last reset, or the end
    /// of a flush).
    pub const fn is_started(&self) -> bool {
        self.owner.is_some()
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
        const PL: usize,
        const PR: usize,
        const D: usize,
        const OP: usize,
        T: Element,
    > CroppedConvTranspose1d<L, CIN, COUT, COUT_G, K, S, PL, PR, D, OP, T>
{
    /// `D*(K-1) + OP + 1`: how far past its own position an input frame's last output
    /// lies, plus one.
    const REACH: usize = D * (K - 1) + OP + 1;

    /// Frames of the stream's window held back beyond the left crop: the full result ends
    /// `REACH - S` frames after the last block's window, and `PR` of those are cropped, so
    /// where `PR` is larger, the difference must be held back.
    const HOLD: usize = (PR + S).saturating_sub(Self::REACH);

    /// Input frames a stream keeps between blocks: every frame that an output not yet
    /// written reads, `ceil((HOLD + D*(K-1)) / S)`.
    pub const STREAM_HISTORY: usize = {
        let () = Self::VALID;
        (Self::HOLD + D * (K - 1)).div_ceil(S)
    };

    /// The `FRAMES` of a [`StreamState`] for this layer: history plus one block of `L`.
    pub const STREAM_FRAMES: usize = Self::STREAM_HISTORY + L;

    /// Output frames of the buffer each [`Self::process`] call writes into: `L * S`.
    pub const STREAM_OUT_LEN: usize = L * S;

    /// This layer as the owner of a stream.
    const OWNER: Owner = Owner {
        block: match NonZeroUsize::new(L) {
            Some(l) => l,
            None => panic!("ConvTranspose1d: the input length L must be at least 1"),
        },
        stride: S,
        latency: Self::STREAM_LATENCY,
        tail: Self::STREAM_TAIL,
    };

    /// Frames of this layer's stream on `state` still to be cropped from its start: the
    /// whole latency where the state is not (yet) this layer's stream.
    pub(crate) fn pending_crop<const FRAMES: usize>(
        &self,
        state: &StreamState<T, CIN, FRAMES>,
    ) -> usize {
        if state.owner == Some(Self::OWNER) {
            state.crop
        } else {
            Self::STREAM_LATENCY
        }
    }

    /// Output frames a stream holds back behind its input: block `b` ends at output frame
    /// `(b+1)*L*S - STREAM_LATENCY`. It is `PL + max(0, PR + S - D*(K-1) - OP - 1)`: the
    /// left crop, and more only where the right-end crop exceeds the tail. A causal layer
    /// (`PL = 0`, `PR = D*(K-1) + OP + 1 - S`) holds nothing back.
    pub const STREAM_LATENCY: usize = PL + Self::HOLD;

    /// Output frames [`Self::flush`] writes after one or more whole blocks:
    /// `max(0, D*(K-1) + OP + 1 - S - PR)`, the tail past the last block less the right
    /// crop.
    pub const STREAM_TAIL: usize = {
        let () = Self::VALID;
        Self::REACH.saturating_sub(S + PR)
    };

    /// Processes one block of `L` input frames (channels last) on the layer's backend and
    /// writes the output frames it finishes to the front of `y`; returns how many.
    ///
    /// That is `L * S` frames, except while the start of the stream is cropped: the first
    /// blocks write `L * S - STREAM_LATENCY` frames in all (fewer, or none, per block where
    /// the latency is longer than a block). `y` must hold `N = L * S` frames, and `FRAMES`
    /// must be [`Self::STREAM_FRAMES`]; either mistake is a build error.
    ///
    /// A block after a [`Self::flush`] starts a new stream, whether the flush wrote all of
    /// the tail, part of it, or nothing (into an empty `y`). So does a block on a state
    /// that a layer of another stream shape started (another `L`, `S`,
    /// [`Self::STREAM_LATENCY`] or [`Self::STREAM_TAIL`]): a state belongs to the stream
    /// it is part of.
    pub fn process<const N: usize, const FRAMES: usize>(
        &self,
        state: &mut StreamState<T, CIN, FRAMES>,
        x: &[[T; CIN]; L],
        y: &mut [[T; COUT]; N],
    ) -> usize {
        self.process_in(Kernel::best(), state, x, y, Identity)
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
        Ok(self.process_in(Kernel::new(backend)?, state, x, y, Identity))
    }

    /// [`Self::process`] on `kernel`, with `act` fused into every output.
    pub(crate) fn process_in<const N: usize, const FRAMES: usize, A: Activation>(
        &self,
        kernel: Kernel<T>,
        state: &mut StreamState<T, CIN, FRAMES>,
        x: &[[T; CIN]; L],
        y: &mut [[T; COUT]; N],
        act: A,
    ) -> usize {
        crate::kernels::copy(Self::block_room(state), x);
        self.process_room(kernel, state, y, act)
    }

    /// Where the next block goes in `state`: its last `L` frames, after the history. A
    /// caller may gather a block there frame by frame and then call [`Self::process_room`].
    #[inline]
    pub(crate) fn block_room<const FRAMES: usize>(
        state: &mut StreamState<T, CIN, FRAMES>,
    ) -> &mut [[T; CIN]; L] {
        const {
            assert!(
                FRAMES == Self::STREAM_FRAMES,
                "StreamState: FRAMES must be the layer's STREAM_FRAMES (history plus one block)"
            );
        }
        match state.frames.last_chunk_mut::<L>() {
            Some(room) => room,
            // FRAMES = STREAM_HISTORY + L, checked above.
            None => unreachable!(),
        }
    }

    /// Processes the block that [`Self::block_room`] holds: [`Self::process`] without the
    /// copy, `act` fused into every output.
    #[inline]
    pub(crate) fn process_room<const N: usize, const FRAMES: usize, A: Activation>(
        &self,
        kernel: Kernel<T>,
        state: &mut StreamState<T, CIN, FRAMES>,
        y: &mut [[T; COUT]; N],
        act: A,
    ) -> usize {
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
        // A new stream unless this one goes on (the frames of the block, in the room,
        // are kept either way).
        if state.ending || state.owner != Some(Self::OWNER) {
            state.reset();
            state.crop = Self::STREAM_LATENCY;
            state.owner = Some(Self::OWNER);
        }
        let m = Self::STREAM_HISTORY;
        // `history <= m` always; the `min` shows the optimiser so.
        let have = state.history.min(m);
        // The input is frames[m - have ..]; the block's window starts HOLD frames before
        // its first output, at `have * S - HOLD` in that input's result, and its first
        // `drop` frames are cropped (the crop covers any that lie before the signal, where
        // `have * S < HOLD`). So the kernel writes the other `N - drop` straight to the
        // front of `y`. The crop never exceeds the latency (it starts there), so a layer
        // without latency drops nothing, which the `min` makes plain to the optimiser.
        let drop = state.crop.min(Self::STREAM_LATENCY).min(N);
        state.crop -= drop;
        let kept = N - drop;
        if kept > 0 {
            let first = have * S + drop;
            debug_assert!(first >= Self::HOLD);
            // SAFETY: the input is the last `have + L` of the `STREAM_FRAMES` frames, and
            // `first + kept <= m * S + N + N <= WINDOW_END` (`have <= m`, `drop <= N`).
            unsafe {
                self.window(
                    kernel,
                    &state.frames[m - have..],
                    first.saturating_sub(Self::HOLD),
                    &mut y[..kept],
                    act,
                );
            }
        }
        Self::keep_history(&mut state.frames);
        state.history = (have + L).min(m);
        N - drop
    }

    /// Moves the history the next block needs, the last [`Self::STREAM_HISTORY`] frames,
    /// to the front of `frames`.
    #[inline]
    fn keep_history<const FRAMES: usize>(frames: &mut [[T; CIN]; FRAMES]) {
        let m = Self::STREAM_HISTORY;
        if m <= L {
            // Source and destination do not overlap: a copy, not a move (no `memmove`).
            let (front, back) = frames.split_at_mut(L);
            front[..m].copy_from_slice(&back[..m]);
        } else {
            frames.copy_within(L.., 0);
        }
    }

    /// Ends the stream: writes the frames after the last block's (at most
    /// [`Self::STREAM_TAIL`]) to the front of `y` and returns how many. With a `y` too short
    /// for all of them it writes what fits; call it again for the rest. Once the last frame
    /// is written the state is reset, ready for a new signal, and `flush` returns 0 until a
    /// block is processed. Any call ends the stream, even one into an empty `y`: the next
    /// block starts a new one. On a state that a layer of another stream shape started
    /// (see [`Self::process`]), or one not started, it writes nothing and returns 0.
    pub fn flush<const FRAMES: usize>(
        &self,
        state: &mut StreamState<T, CIN, FRAMES>,
        y: &mut [[T; COUT]],
    ) -> usize {
        self.flush_in(Kernel::best(), state, y, Identity)
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
        Ok(self.flush_in(Kernel::new(backend)?, state, y, Identity))
    }

    /// [`Self::flush`] on `kernel`, with `act` fused into every output.
    pub(crate) fn flush_in<const FRAMES: usize, A: Activation>(
        &self,
        kernel: Kernel<T>,
        state: &mut StreamState<T, CIN, FRAMES>,
        y: &mut [[T; COUT]],
        act: A,
    ) -> usize {
        const {
            assert!(
                FRAMES == Self::STREAM_FRAMES,
                "StreamState: FRAMES must be the layer's STREAM_FRAMES (history plus one block)"
            );
        }
        if state.owner != Some(Self::OWNER) {
            return 0;
        }
        state.ending = true;
        // The window goes on from the last block's: `TAIL` frames, the first `crop` of
        // them still cropped (a stream shorter than its latency).
        let done = state.crop + state.flushed;
        let n = Self::STREAM_TAIL.saturating_sub(done).min(y.len());
        let y = &mut y[..n];
        let m = Self::STREAM_HISTORY;
        let have = state.history.min(m);
        if have == 0 {
            // No history: K = 1, and what is left is output padding, the bias alone.
            for frame in y.iter_mut() {
                for (co, v) in frame.iter_mut().enumerate() {
                    let bias = self
                        .bias()
                        .map_or(T::Acc::default(), |b| T::bias_acc(b[co]));
                    *v = act.apply(T::finish(bias));
                }
            }
        } else if n > 0 {
            // `crop` covers any part of the window before the signal.
            debug_assert!(have * S + done >= Self::HOLD);
            let first = (have * S + done).saturating_sub(Self::HOLD);
            // SAFETY: `1 <= have <= m` frames of input, and `first + n <= m * S + TAIL <=
            // WINDOW_END` (`n > 0`, so `done + n <= TAIL`).
            unsafe { self.window(kernel, &state.frames[m - have..m], first, y, act) };
        }
        state.flushed += n;
        if done + n == Self::STREAM_TAIL {
            state.reset();
        }
        n
    }

    /// An end beyond every window a stream asks for: `STREAM_HISTORY * S` frames of history,
    /// a block's `2 * L * S` and the reach. Its evaluation checks, as a build error wherever
    /// the layer streams, that this end and the layer's shape over `STREAM_FRAMES` input
    /// frames (the most a window reads) fit in `usize`: so every window's [`Args`] is valid
    /// by the types, and [`Self::window`] checks nothing at run time.
    const WINDOW_END: usize = {
        let () = Self::VALID;
        let g = Geometry {
            len_in: Self::STREAM_FRAMES,
            padding: 0,
            padding_right: 0,
            ..Self::GEOMETRY
        };
        let end = match Self::STREAM_HISTORY.checked_mul(S) {
            Some(h) => match L.checked_mul(2 * S) {
                Some(b) => h.checked_add(b),
                None => None,
            },
            None => None,
        };
        match (g.len_out(), end) {
            (Some(_), Some(end)) => match end.checked_add(Self::REACH) {
                Some(end) => end,
                None => panic!("ConvTranspose1d: the stream's window does not fit in usize"),
            },
            _ => panic!("ConvTranspose1d: the stream's window does not fit in usize"),
        }
    };

    /// Frames `first .. first + y.len()` of the full result of `x`, bias and `act`
    /// included.
    ///
    /// # Safety
    /// `1 <= x.len() <= STREAM_FRAMES` and `first + y.len() <= WINDOW_END`.
    unsafe fn window<A: Activation>(
        &self,
        kernel: Kernel<T>,
        x: &[[T; CIN]],
        first: usize,
        y: &mut [[T; COUT]],
        act: A,
    ) {
        // Naming the constant checks it (a build error where it does not hold).
        let end = Self::WINDOW_END;
        debug_assert!(!x.is_empty() && x.len() <= Self::STREAM_FRAMES);
        debug_assert!(first.checked_add(y.len()).is_some_and(|e| e <= end));
        let g = Geometry {
            len_in: x.len(),
            padding: first,
            ..Self::GEOMETRY
        };
        let (weight, bias) = self.packed();
        let mut acc = [T::Acc::default(); COUT_G];
        // SAFETY: the layer's shape over `STREAM_FRAMES` frames is valid (`WINDOW_END`), so
        // it is over any `1 <= len_in <= STREAM_FRAMES` (the full length grows with
        // `len_in`, and nothing is cropped); `first + len_out <= WINDOW_END` (this
        // function's contract); the weights and bias are the layer's, `K * CIN * COUT_G`
        // and `COUT` values; `x` and `y` are whole frames, channels last.
        let mut args = unsafe {
            Args::window_unchecked(
                &g,
                &Self::DELAYS,
                y.len(),
                weight,
                bias,
                x.as_flattened(),
                Strides::nlc(CIN),
                y.as_flattened_mut(),
                Strides::nlc(COUT),
                act,
            )
        };
        kernel.forward(&mut args, &mut acc);
    }
}
