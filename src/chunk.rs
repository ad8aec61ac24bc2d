//! A stream for input of any length: [`ChunkStream`] gathers frames into blocks of `L`
//! for [`CroppedConvTranspose1d::process`].

use crate::activation::{Activation, Identity};
use crate::backend::Backend;
use crate::error::Error;
use crate::kernels::dispatch::Kernel;
use crate::kernels::element::Element;
use crate::layer::CroppedConvTranspose1d;
use crate::stream::StreamState;

/// A stream for callers whose blocks are not `L` frames: an audio callback's buffer, a
/// file read in pieces. It gathers input where its [`StreamState`] keeps the next block,
/// runs [`CroppedConvTranspose1d::process`] whenever a block is complete, and hands each
/// block's output to a closure. No allocation: the adapter is its state plus `N * COUT`
/// samples of output.
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
    /// The stream; the block being gathered sits in its block room.
    state: StreamState<T, CIN, FRAMES>,
    /// Frames of that block gathered so far (fewer than `L`).
    buffered: usize,
    /// One block's output.
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
            buffered: 0,
            output: [[T::ZERO; COUT]; N],
        }
    }

    /// Drops buffered input and starts a new stream.
    pub fn reset(&mut self) {
        self.state.reset();
        self.buffered = 0;
    }

    /// Input frames waiting for their block to complete (fewer than `L`).
    pub fn buffered(&self) -> usize {
        self.buffered
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
        mut emit: impl FnMut(&[[T; COUT]]),
    ) {
        self.push_in(Kernel::best(), layer, x, Identity, &mut emit);
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
        mut emit: impl FnMut(&[[T; COUT]]),
    ) -> Result<(), Error> {
        self.push_in(Kernel::new(backend)?, layer, x, Identity, &mut emit);
        Ok(())
    }

    /// [`Self::push`] on `kernel`, `act` fused into every output. Each block is gathered
    /// where the state keeps it, behind the history: no buffer of its own.
    pub(crate) fn push_in<
        const COUT_G: usize,
        const K: usize,
        const S: usize,
        const PL: usize,
        const PR: usize,
        const D: usize,
        const OP: usize,
        A: Activation,
        E: FnMut(&[[T; COUT]]),
    >(
        &mut self,
        kernel: Kernel<T>,
        layer: &CroppedConvTranspose1d<L, CIN, COUT, COUT_G, K, S, PL, PR, D, OP, T>,
        mut x: &[[T; CIN]],
        act: A,
        emit: &mut E,
    ) {
        while !x.is_empty() {
            let room =
                CroppedConvTranspose1d::<L, CIN, COUT, COUT_G, K, S, PL, PR, D, OP, T>::block_room(
                    &mut self.state,
                );
            let take = (L - self.buffered).min(x.len());
            let (part, rest) = x.split_at(take);
            room[self.buffered..self.buffered + take].copy_from_slice(part);
            x = rest;
            self.buffered += take;
            if self.buffered < L {
                break;
            }
            self.buffered = 0;
            let n = layer.process_room(kernel, &mut self.state, &mut self.output, act);
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
        mut emit: impl FnMut(&[[T; COUT]]),
    ) {
        self.finish_in(Kernel::best(), layer, Identity, &mut emit);
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
        mut emit: impl FnMut(&[[T; COUT]]),
    ) -> Result<(), Error> {
        self.finish_in(Kernel::new(backend)?, layer, Identity, &mut emit);
        Ok(())
    }

    /// [`Self::finish`] on `kernel`, `act` fused into every output.
    pub(crate) fn finish_in<
        const COUT_G: usize,
        const K: usize,
        const S: usize,
        const PL: usize,
        const PR: usize,
        const D: usize,
        const OP: usize,
        A: Activation,
        E: FnMut(&[[T; COUT]]),
    >(
        &mut self,
        kernel: Kernel<T>,
        layer: &CroppedConvTranspose1d<L, CIN, COUT, COUT_G, K, S, PL, PR, D, OP, T>,
        act: A,
        emit: &mut E,
    ) {
        let partial = self.buffered;
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
            let room =
                CroppedConvTranspose1d::<L, CIN, COUT, COUT_G, K, S, PL, PR, D, OP, T>::block_room(
                    &mut self.state,
                );
            room[partial..].fill([T::ZERO; CIN]);
            self.buffered = 0;
            let n = layer.process_room(kernel, &mut self.state, &mut self.output, act);
            let n = n.min(owed);
            if n > 0 {
                emit(&self.output[..n]);
            }
            owed -= n;
        }
        while owed > 0 {
            let n = layer.flush_in(kernel, &mut self.state, &mut self.output, act);
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
