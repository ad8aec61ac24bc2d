//! Streaming a network: a [`Chain`] run block by block over an unbounded signal, each
//! layer with its own state, the activations fused.
//!
//! The state of a stream over one layer is its [`ChunkStream`] (`chunk_stream!(Layer)`);
//! over a chain `Chain<A, F, B, ..>` it is the pair of the states of `A` and `B`, so a
//! network's state is the nested tuple of its layers' (`(chunk_stream!(A),
//! chunk_stream!(B))`, and so on). Each layer emits the frames its blocks finish into the
//! next one's state, where they gather into that layer's blocks: RAM is the layers' states
//! and one block's output per layer, nothing of the whole signal. Since each layer's
//! stream writes exactly its whole-signal `forward`, the network's stream writes exactly
//! the whole-signal chain, bit for bit on the same backend.

use crate::activation::{Activation, Identity};
use crate::backend::Backend;
use crate::chain::{Chain, Layer};
use crate::chunk::ChunkStream;
use crate::error::Error;
use crate::kernels::dispatch::Kernel;
use crate::kernels::element::Element;
use crate::layer::CroppedConvTranspose1d;

pub(crate) mod sealed {
    /// Only the crate's stream states stream a layer: the chain relies on what they emit.
    pub trait Sealed<N> {}
}

/// A state that streams the [`Layer`] `N`: [`ChunkStream`] for one layer, a pair of
/// states for a [`Chain`]. Sealed.
pub trait StreamOf<N: Layer>: sealed::Sealed<N> {
    /// Takes input frames (flat, channels last), emits the output frames they finish,
    /// `act` fused into the last layer's outputs.
    #[doc(hidden)]
    fn push_flat<F: Activation, E: FnMut(&[N::Elem])>(
        &mut self,
        net: &N,
        kernel: Kernel<N::Elem>,
        x: &[N::Elem],
        act: F,
        emit: &mut E,
    );

    /// Ends the signal: emits the rest and resets the state.
    #[doc(hidden)]
    fn finish_flat<F: Activation, E: FnMut(&[N::Elem])>(
        &mut self,
        net: &N,
        kernel: Kernel<N::Elem>,
        act: F,
        emit: &mut E,
    );

    /// Drops whatever is buffered and starts a new stream.
    fn reset(&mut self);
}

impl<
        T: Element,
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
        const N: usize,
        const FRAMES: usize,
    > sealed::Sealed<CroppedConvTranspose1d<L, CIN, COUT, COUT_G, K, S, PL, PR, D, OP, T>>
    for ChunkStream<T, CIN, COUT, L, N, FRAMES>
{
}

impl<
        T: Element,
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
        const N: usize,
        const FRAMES: usize,
    > StreamOf<CroppedConvTranspose1d<L, CIN, COUT, COUT_G, K, S, PL, PR, D, OP, T>>
    for ChunkStream<T, CIN, COUT, L, N, FRAMES>
{
    fn push_flat<F: Activation, E: FnMut(&[T])>(
        &mut self,
        net: &CroppedConvTranspose1d<L, CIN, COUT, COUT_G, K, S, PL, PR, D, OP, T>,
        kernel: Kernel<T>,
        x: &[T],
        act: F,
        emit: &mut E,
    ) {
        // Whole frames: the chain hands on what a layer wrote, `COUT` samples a frame.
        let (frames, _) = x.as_chunks::<CIN>();
        self.push_in(kernel, net, frames, act, &mut |y: &[[T; COUT]]| {
            emit(y.as_flattened())
        });
    }

    fn finish_flat<F: Activation, E: FnMut(&[T])>(
        &mut self,
        net: &CroppedConvTranspose1d<L, CIN, COUT, COUT_G, K, S, PL, PR, D, OP, T>,
        kernel: Kernel<T>,
        act: F,
        emit: &mut E,
    ) {
        self.finish_in(kernel, net, act, &mut |y: &[[T; COUT]]| {
            emit(y.as_flattened())
        });
    }

    fn reset(&mut self) {
        ChunkStream::reset(self);
    }
}

impl<N: Layer, St: StreamOf<N>> sealed::Sealed<&N> for St {}

impl<N: Layer, St: StreamOf<N>> StreamOf<&N> for St {
    fn push_flat<F: Activation, E: FnMut(&[N::Elem])>(
        &mut self,
        net: &&N,
        kernel: Kernel<N::Elem>,
        x: &[N::Elem],
        act: F,
        emit: &mut E,
    ) {
        StreamOf::<N>::push_flat(self, *net, kernel, x, act, emit);
    }

    fn finish_flat<F: Activation, E: FnMut(&[N::Elem])>(
        &mut self,
        net: &&N,
        kernel: Kernel<N::Elem>,
        act: F,
        emit: &mut E,
    ) {
        StreamOf::<N>::finish_flat(self, *net, kernel, act, emit);
    }

    fn reset(&mut self) {
        StreamOf::<N>::reset(self);
    }
}

impl<A, F, B, const M: usize, const C: usize, SA, SB> sealed::Sealed<Chain<A, F, B, M, C>>
    for (SA, SB)
where
    A: Layer,
    F: Activation,
    B: Layer<Elem = A::Elem>,
    SA: StreamOf<A>,
    SB: StreamOf<B>,
{
}

impl<A, F, B, const M: usize, const C: usize, SA, SB> StreamOf<Chain<A, F, B, M, C>> for (SA, SB)
where
    A: Layer,
    F: Activation,
    B: Layer<Elem = A::Elem>,
    SA: StreamOf<A>,
    SB: StreamOf<B>,
{
    fn push_flat<G: Activation, E: FnMut(&[A::Elem])>(
        &mut self,
        net: &Chain<A, F, B, M, C>,
        kernel: Kernel<A::Elem>,
        x: &[A::Elem],
        act: G,
        emit: &mut E,
    ) {
        let (first, second) = self;
        first.push_flat(
            net.first(),
            kernel,
            x,
            *net.activation(),
            &mut |mid: &[A::Elem]| second.push_flat(net.second(), kernel, mid, act, emit),
        );
    }

    fn finish_flat<G: Activation, E: FnMut(&[A::Elem])>(
        &mut self,
        net: &Chain<A, F, B, M, C>,
        kernel: Kernel<A::Elem>,
        act: G,
        emit: &mut E,
    ) {
        let (first, second) = self;
        first.finish_flat(
            net.first(),
            kernel,
            *net.activation(),
            &mut |mid: &[A::Elem]| second.push_flat(net.second(), kernel, mid, act, emit),
        );
        second.finish_flat(net.second(), kernel, act, emit);
    }

    fn reset(&mut self) {
        self.0.reset();
        self.1.reset();
    }
}

impl<A, F, B, const M: usize, const C: usize> Chain<A, F, B, M, C>
where
    A: Layer,
    F: Activation,
    B: Layer<Elem = A::Elem>,
{
    /// Streams input frames of any number through the chain on `state` (the nested
    /// tuple of its layers' [`ChunkStream`]s) and calls `emit` with the output frames
    /// they finish. With [`Self::finish`], everything emitted is exactly
    /// [`Self::forward`] over the whole signal, bit for bit.
    ///
    /// ```
    /// use conv_transpose::{chain, chunk_stream, Chain, ConvTranspose1d, Layer, LeakyRelu};
    ///
    /// // The whole-signal network: 8 frames of 4 channels -> 16 of 2 -> 32 of 1.
    /// type Up1 = ConvTranspose1d<8, 4, 2, 4, 2, 1>;
    /// type Up2 = ConvTranspose1d<16, 2, 1, 4, 2, 1>;
    /// static UP1: Up1 = Up1::from_torch(&[[[0.25, -0.5, 0.75, 1.0]; 2]; 4], Some(&[0.1, -0.2]));
    /// static UP2: Up2 = Up2::from_torch(&[[[0.5, 1.0, -0.25, 0.5]; 1]; 2], None);
    /// static NET: chain!(&'static Up1, LeakyRelu, &'static Up2) =
    ///     Chain::new(&UP1, LeakyRelu(0.1), &UP2);
    ///
    /// // The same weights, one input frame a block; the second layer takes the two
    /// // frames the first one writes per block.
    /// type S1 = ConvTranspose1d<1, 4, 2, 4, 2, 1>;
    /// type S2 = ConvTranspose1d<2, 2, 1, 4, 2, 1>;
    /// let stream_net: chain!(&S1, LeakyRelu, &S2) =
    ///     Chain::new(UP1.with_len::<1>(), LeakyRelu(0.1), UP2.with_len::<2>());
    /// let mut state = (<chunk_stream!(S1)>::new(), <chunk_stream!(S2)>::new());
    ///
    /// let x: [[f32; 4]; 8] = core::array::from_fn(|i| [i as f32 * 0.25 - 1.0; 4]);
    /// let mut streamed = Vec::new();
    /// for piece in x.chunks(3) {
    ///     stream_net.push(&mut state, piece, |y| streamed.extend_from_slice(y));
    /// }
    /// stream_net.finish(&mut state, |y| streamed.extend_from_slice(y));
    ///
    /// let mut whole = [[0.0f32; 1]; 32];
    /// NET.forward(&x, &mut <chain!(&'static Up1, LeakyRelu, &'static Up2)>::SCRATCH, &mut whole);
    /// assert_eq!(streamed, whole);
    /// ```
    pub fn push<const CI: usize, const CO: usize, St: StreamOf<Self>>(
        &self,
        state: &mut St,
        x: &[[A::Elem; CI]],
        emit: impl FnMut(&[[A::Elem; CO]]),
    ) {
        self.push_act_in(Kernel::best(), state, x, Identity, emit);
    }

    /// [`Self::push`] with `act` fused into the last layer's outputs.
    pub fn push_act<const CI: usize, const CO: usize, St: StreamOf<Self>, G: Activation>(
        &self,
        state: &mut St,
        x: &[[A::Elem; CI]],
        act: G,
        emit: impl FnMut(&[[A::Elem; CO]]),
    ) {
        self.push_act_in(Kernel::best(), state, x, act, emit);
    }

    /// [`Self::push_act`] on a chosen backend (every layer on it).
    ///
    /// # Errors
    /// [`Error::BackendUnavailable`] if this CPU lacks `backend` or it has no kernel for
    /// the element type; nothing is buffered or emitted then.
    pub fn push_act_with<const CI: usize, const CO: usize, St: StreamOf<Self>, G: Activation>(
        &self,
        backend: Backend,
        state: &mut St,
        x: &[[A::Elem; CI]],
        act: G,
        emit: impl FnMut(&[[A::Elem; CO]]),
    ) -> Result<(), Error> {
        self.push_act_in(Kernel::new(backend)?, state, x, act, emit);
        Ok(())
    }

    /// Ends the signal: emits the frames that complete [`Self::forward`] over the whole
    /// signal, and resets `state` for a new one.
    pub fn finish<const CO: usize, St: StreamOf<Self>>(
        &self,
        state: &mut St,
        emit: impl FnMut(&[[A::Elem; CO]]),
    ) {
        self.finish_act_in(Kernel::best(), state, Identity, emit);
    }

    /// [`Self::finish`] with `act` fused into the last layer's outputs.
    pub fn finish_act<const CO: usize, St: StreamOf<Self>, G: Activation>(
        &self,
        state: &mut St,
        act: G,
        emit: impl FnMut(&[[A::Elem; CO]]),
    ) {
        self.finish_act_in(Kernel::best(), state, act, emit);
    }

    /// [`Self::finish_act`] on a chosen backend.
    ///
    /// # Errors
    /// As [`Self::push_act_with`]; nothing is emitted or reset then.
    pub fn finish_act_with<const CO: usize, St: StreamOf<Self>, G: Activation>(
        &self,
        backend: Backend,
        state: &mut St,
        act: G,
        emit: impl FnMut(&[[A::Elem; CO]]),
    ) -> Result<(), Error> {
        self.finish_act_in(Kernel::new(backend)?, state, act, emit);
        Ok(())
    }

    fn push_act_in<const CI: usize, const CO: usize, St: StreamOf<Self>, G: Activation>(
        &self,
        kernel: Kernel<A::Elem>,
        state: &mut St,
        x: &[[A::Elem; CI]],
        act: G,
        mut emit: impl FnMut(&[[A::Elem; CO]]),
    ) {
        const {
            assert!(
                CI == <Self as Layer>::CIN,
                "Chain::push: the input frames must have the first layer's CIN channels"
            );
            assert!(
                CO == <Self as Layer>::COUT,
                "Chain::push: the output frames must have the last layer's COUT channels"
            );
        };
        state.push_flat(
            self,
            kernel,
            x.as_flattened(),
            act,
            &mut |y: &[A::Elem]| emit(y.as_chunks::<CO>().0),
        );
    }

    fn finish_act_in<const CO: usize, St: StreamOf<Self>, G: Activation>(
        &self,
        kernel: Kernel<A::Elem>,
        state: &mut St,
        act: G,
        mut emit: impl FnMut(&[[A::Elem; CO]]),
    ) {
        const {
            assert!(
                CO == <Self as Layer>::COUT,
                "Chain::finish: the output frames must have the last layer's COUT channels"
            );
        };
        state.finish_flat(self, kernel, act, &mut |y: &[A::Elem]| {
            emit(y.as_chunks::<CO>().0)
        });
    }
}
