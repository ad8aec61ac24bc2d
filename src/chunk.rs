//! A stream for input of any length: [`ChunkStream`] gathers frames into blocks of `L`
//! for [`CroppedConvTranspose1d::process`].

use crate::backend::Backend;
use crate::error::Error;
use crate::kernels::dispatch::Kernel;
use crate::kernels::element::Element;
use crate::layer::CroppedConvTranspose1d;
use crate::stream::StreamState;

/// A stream for callers whose blocks are not `L` frames: an audio callback's buffer, a
/// file read in pieces. It gathers input in a `heapless` buffer of one block, runs
/// [`CroppedConvTranspose1d::process`] whenever a block is complete, and hands each
/// block's output to a closure. No allocation: the adapter is `L * CIN + N * COUT` samples
/// plus its [`StreamState`].
///
/// `L`, `CIN`, `COUT` and `N = L * S` are the layer's; `FRAMES` is its
/// [`CroppedConvTranspose1d::STREAM_FRAMES`]. [`Self::finish`] ends the signal, however
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
    /// [`CroppedConvTranspose1d::process`]; none while a long latency is being filled).
    #[allow(clippy::too_many_arguments)]
    pub fn push<
        const COUT_G: usize,
        const K: usize,
        const S: usize,
        const PL: usize,
        const PR: usize,
        const D: usize,
        const OP: usize,
    >(
        &mut self,
        layer: &CroppedConvTranspose1d<L, CIN, COUT, COUT_G, K, S, PL, PR, D, OP, T>,
        x: &[[T; CIN]],
        emit: impl FnMut(&[[T; COUT]]),
    ) {
        self.push_in(Kernel::best(), layer, x, emit);
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
        const PL: usize,
        const PR: usize,
        const D: usize,
        const OP: usize,
    >(
        &mut self,
        backend: Backend,
        layer: &CroppedConvTranspose1d<L, CIN, COUT, COUT_G, K, S, PL, PR, D, OP, T>,
        x: &[[T; CIN]],
        emit: impl FnMut(&[[T; COUT]]),
    ) -> Result<(), Error> {
        self.push_in(Kernel::new(backend)?, layer, x, emit);
        Ok(())
    }

    /// [`Self::push`] on `kernel`.
    fn push_in<
        const COUT_G: usize,
        const K: usize,
        const S: usize,
        const PL: usize,
        const PR: usize,
        const D: usize,
        const OP: usize,
    >(
        &mut self,
        kernel: Kernel<T>,
        layer: &CroppedConvTranspose1d<L, CIN, COUT, COUT_G, K, S, PL, PR, D, OP, T>,
        mut x: &[[T; CIN]],
        mut emit: impl FnMut(&[[T; COUT]]),
    ) {
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
            let n = layer.process_in(kernel, &mut self.state, block, &mut self.output);
            self.input.clear();
            if n > 0 {
                emit(&self.output[..n]);
            }
        }
    }

    /// Ends the signal: runs the buffered frames (a partial block) and the flush, emits
    /// the frames that complete `forward` over the whole signal, and resets the adapter
    /// for a new signal. A signal too short for one output frame (PyTorch raises an error
    /// for it) emits nothing.
    pub fn finish<
        const COUT_G: usize,
        const K: usize,
        const S: usize,
        const PL: usize,
        const PR: usize,
        const D: usize,
        const OP: usize,
    >(
        &mut self,
        layer: &CroppedConvTranspose1d<L, CIN, COUT, COUT_G, K, S, PL, PR, D, OP, T>,
        emit: impl FnMut(&[[T; COUT]]),
    ) {
        self.finish_in(Kernel::best(), layer, emit);
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
        const PL: usize,
        const PR: usize,
        const D: usize,
        const OP: usize,
    >(
        &mut self,
        backend: Backend,
        layer: &CroppedConvTranspose1d<L, CIN, COUT, COUT_G, K, S, PL, PR, D, OP, T>,
        emit: impl FnMut(&[[T; COUT]]),
    ) -> Result<(), Error> {
        self.finish_in(Kernel::new(backend)?, layer, emit);
        Ok(())
    }

    /// [`Self::finish`] on `kernel`.
    fn finish_in<
        const COUT_G: usize,
        const K: usize,
        const S: usize,
        const PL: usize,
        const PR: usize,
        const D: usize,
        const OP: usize,
    >(
        &mut self,
        kernel: Kernel<T>,
        layer: &CroppedConvTranspose1d<L, CIN, COUT, COUT_G, K, S, PL, PR, D, OP, T>,
        mut emit: impl FnMut(&[[T; COUT]]),
    ) {
        let partial = self.input.len();
        if partial == 0 && !self.state.is_started() {
            return;
        }
        // The frames still owed: those of the whole signal's output not yet emitted. The
        // partial block is padded with zero frames, whose products are zeros: the padded
        // stream agrees with the true one on every frame the true one has.
        let crop = layer.pending_crop(&self.state);
        let mut owed = (partial * S
            + CroppedConvTranspose1d::<L, CIN, COUT, COUT_G, K, S, PL, PR, D, OP, T>::STREAM_TAIL)
            .saturating_sub(crop);
        if partial > 0 {
            self.input.resize(L, [T::ZERO; CIN]).expect("L frames fit");
            let block: &[[T; CIN]; L] = self.input.as_slice().try_into().expect("L frames");
            let n = layer.process_in(kernel, &mut self.state, block, &mut self.output);
            self.input.clear();
            let n = n.min(owed);
            if n > 0 {
                emit(&self.output[..n]);
            }
            owed -= n;
        }
        while owed > 0 {
            let n = layer.flush_in(kernel, &mut self.state, &mut self.output);
            let n = n.min(owed);
            if n == 0 {
                break;
            }
            emit(&self.output[..n]);
            owed -= n;
        }
        self.reset();
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
