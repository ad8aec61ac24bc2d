//! Layers composed into a network whose shapes are checked at compile time.
//!
//! A [`Chain`] runs one [`Layer`], an [`Activation`] fused into that layer's outputs, then
//! a second layer. The first layer's output length and channels must be the second's
//! input length and channels, or the chain does not compile. Chains nest
//! (`Chain<Chain<A, F, B, ..>, G, C, ..>`) for any depth. The intermediate tensors live in
//! a scratch value the caller provides (on the stack, in a `static`, wherever it fits):
//! nothing is allocated, and the layers, immutable, can sit in flash.

use crate::activation::{Activation, Identity};
use crate::backend::Backend;
use crate::error::Error;
use crate::kernels::dispatch::Kernel;
use crate::kernels::element::Element;
use crate::kernels::plan::Strides;
use crate::layer::CroppedConvTranspose1d;

pub(crate) mod sealed {
    /// Only the crate's layers and chains are [`super::Layer`]s: the chain relies on
    /// their shapes being what their constants say.
    pub trait Sealed {}
}

/// A layer or a chain of them: its element type, shapes, and the scratch its forward pass
/// needs. Implemented by [`CroppedConvTranspose1d`] (and so [`crate::ConvTranspose1d`] and
/// [`crate::DepthwiseConvTranspose1d`]), by [`Chain`], and by references to either, so a
/// chain can own its layers or borrow `static` ones.
pub trait Layer: sealed::Sealed {
    /// The element type of inputs, weights and outputs.
    type Elem: Element;
    /// Input frames (`L`).
    const LEN_IN: usize;
    /// Input channels.
    const CIN: usize;
    /// Output frames.
    const LEN_OUT: usize;
    /// Output channels.
    const COUT: usize;
    /// The intermediate buffers of a forward pass: `()` for one layer.
    type Scratch;
    /// A zeroed scratch, for `let mut s = Net::SCRATCH;` or a `static`.
    const SCRATCH: Self::Scratch;

    /// One pass over flat buffers, channels first (`ncl`) or last, with `act` applied to
    /// the last layer's outputs. (The typed `forward` forms of [`Chain`] call it; a call
    /// with buffers of the wrong length panics, it cannot write out of bounds.)
    #[doc(hidden)]
    fn run_flat<F: Activation>(
        &self,
        kernel: Kernel<Self::Elem>,
        ncl: bool,
        x: &[Self::Elem],
        scratch: &mut Self::Scratch,
        y: &mut [Self::Elem],
        act: F,
    );
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
    > sealed::Sealed for CroppedConvTranspose1d<L, CIN, COUT, COUT_G, K, S, PL, PR, D, OP, T>
{
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
    > Layer for CroppedConvTranspose1d<L, CIN, COUT, COUT_G, K, S, PL, PR, D, OP, T>
{
    type Elem = T;
    const LEN_IN: usize = L;
    const CIN: usize = CIN;
    const LEN_OUT: usize = Self::OUT_LEN;
    const COUT: usize = COUT;
    type Scratch = ();
    const SCRATCH: () = ();

    fn run_flat<F: Activation>(
        &self,
        kernel: Kernel<T>,
        ncl: bool,
        x: &[T],
        _: &mut (),
        y: &mut [T],
        act: F,
    ) {
        let (xs, ys) = if ncl {
            (Strides::ncl(L), Strides::ncl(Self::OUT_LEN))
        } else {
            (Strides::nlc(CIN), Strides::nlc(COUT))
        };
        self.run(kernel, x, xs, y, ys, act);
    }
}

impl<N: Layer> sealed::Sealed for &N {}

impl<N: Layer> Layer for &N {
    type Elem = N::Elem;
    const LEN_IN: usize = N::LEN_IN;
    const CIN: usize = N::CIN;
    const LEN_OUT: usize = N::LEN_OUT;
    const COUT: usize = N::COUT;
    type Scratch = N::Scratch;
    const SCRATCH: N::Scratch = N::SCRATCH;

    fn run_flat<F: Activation>(
        &self,
        kernel: Kernel<Self::Elem>,
        ncl: bool,
        x: &[Self::Elem],
        scratch: &mut Self::Scratch,
        y: &mut [Self::Elem],
        act: F,
    ) {
        (**self).run_flat(kernel, ncl, x, scratch, y, act);
    }
}

/// Layer `A`, activation `F` on its outputs, then layer `B`: `B(F(A(x)))`.
///
/// # Generics
/// - `A`, `B`: [`Layer`]s (layers, chains, or references to them) of one element type.
///   `A`'s output must be `B`'s input: `A::LEN_OUT == B::LEN_IN` and `A::COUT == B::CIN`.
/// - `F`: the [`Activation`] between them, fused into `A`'s kernel.
/// - `M`, `C`: the intermediate tensor's frames and channels, `A`'s `OUT_LEN` and `COUT`
///   (stable Rust cannot size the scratch array from `A`'s constants, so the type names
///   them, and the chain checks them).
///
/// Any mismatch is a build error that names the rule.
///
/// ```
/// use conv_transpose::{Chain, ConvTranspose1d, Layer, LeakyRelu};
///
/// type Up1 = ConvTranspose1d<8, 4, 2, 4, 2, 1>; // 8 frames of 4 channels -> 16 of 2
/// type Up2 = ConvTranspose1d<16, 2, 1, 4, 2, 1>; // 16 of 2 -> 32 of 1
/// static UP1: Up1 = Up1::from_torch(&[[[0.25; 4]; 2]; 4], Some(&[0.0, -0.5]));
/// static UP2: Up2 = Up2::from_torch(&[[[0.5; 4]; 1]; 2], None);
///
/// type Net = Chain<&'static Up1, LeakyRelu, &'static Up2, { Up1::OUT_LEN }, 2>;
/// static NET: Net = Chain::new(&UP1, LeakyRelu(0.1), &UP2);
///
/// let x = [[1.0f32; 4]; 8];
/// let mut scratch = Net::SCRATCH; // the 16 x 2 intermediate tensor
/// let mut y = [[0.0f32; 1]; 32];
/// NET.forward(&x, &mut scratch, &mut y);
///
/// // The same, layer by layer.
/// let mut mid = [[0.0f32; 2]; 16];
/// let mut want = [[0.0f32; 1]; 32];
/// UP1.forward_act(&x, &mut mid, LeakyRelu(0.1));
/// UP2.forward(&mid, &mut want);
/// assert_eq!(y, want);
/// ```
///
/// A second layer that does not take the first one's output does not build:
///
/// ```compile_fail
/// use conv_transpose::{Chain, ConvTranspose1d, Relu};
/// type Up1 = ConvTranspose1d<8, 4, 2, 4, 2, 1>; // outputs 16 frames of 2 channels
/// type Up2 = ConvTranspose1d<16, 3, 1, 4, 2, 1>; // takes 3 channels
/// let up1 = Up1::from_torch(&[[[0.25; 4]; 2]; 4], None);
/// let up2 = Up2::from_torch(&[[[0.5; 4]; 1]; 3], None);
/// let _net = Chain::<_, _, _, 16, 2>::new(up1, Relu, up2);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Chain<A, F, B, const M: usize, const C: usize> {
    first: A,
    act: F,
    second: B,
}

impl<A, F, B, const M: usize, const C: usize> Chain<A, F, B, M, C>
where
    A: Layer,
    F: Activation,
    B: Layer<Elem = A::Elem>,
{
    /// The shape rules, checked wherever the chain is built or run.
    const VALID: () = {
        assert!(
            A::LEN_OUT == B::LEN_IN,
            "Chain: the first layer's OUT_LEN must equal the second layer's L (input frames)"
        );
        assert!(
            A::COUT == B::CIN,
            "Chain: the first layer's COUT must equal the second layer's CIN"
        );
        assert!(
            M == A::LEN_OUT && C == A::COUT,
            "Chain: the intermediate shape [[T; C]; M] must be the first layer's output: M = OUT_LEN, C = COUT"
        );
    };

    /// The rules of a chain that only streams: the channels must match, the block
    /// lengths need not (each layer's stream gathers its own blocks).
    const STREAM_VALID: () = {
        assert!(
            A::COUT == B::CIN,
            "Chain: the first layer's COUT must equal the second layer's CIN"
        );
        assert!(
            C == A::COUT,
            "Chain: the intermediate shape [[T; C]; M] must be the first layer's output: C = COUT"
        );
    };

    /// `second(act(first(x)))`. A `const fn`: a chain of `static` layers can be a
    /// `static` itself.
    pub const fn new(first: A, act: F, second: B) -> Self {
        let () = Self::VALID;
        Chain { first, act, second }
    }

    /// A chain to stream ([`Self::push`]): the channels must match as for [`Self::new`],
    /// but each layer's input length `L` is its stream's block length, and those need
    /// not follow from each other. (Its `forward` does not build unless they do.)
    ///
    /// ```
    /// use conv_transpose::{chain, Chain, ConvTranspose1d, Relu};
    ///
    /// type A = ConvTranspose1d<1, 4, 2, 4, 2, 1>; // one frame a block, 2 out
    /// type B = ConvTranspose1d<5, 2, 1, 4, 2, 1>; // blocks of 5
    /// static UA: A = A::from_torch(&[[[0.5; 4]; 2]; 4], None);
    /// static UB: B = B::from_torch(&[[[0.5; 4]; 1]; 2], None);
    /// static NET: chain!(&'static A, Relu, &'static B) = Chain::for_streaming(&UA, Relu, &UB);
    /// ```
    pub const fn for_streaming(first: A, act: F, second: B) -> Self {
        let () = Self::STREAM_VALID;
        Chain { first, act, second }
    }

    /// The first layer.
    pub const fn first(&self) -> &A {
        &self.first
    }

    /// The activation between the layers.
    pub const fn activation(&self) -> &F {
        &self.act
    }

    /// The second layer.
    pub const fn second(&self) -> &B {
        &self.second
    }

    /// The backend [`Self::forward`] uses: the best this CPU has for the element type.
    pub fn backend(&self) -> Backend {
        Kernel::<A::Elem>::best().backend()
    }

    /// The whole chain, channels last: `x[frame][channel]`. `scratch` holds the
    /// intermediate tensors ([`Layer::SCRATCH`] is a zeroed one); every output is written.
    /// The buffers' shapes are checked at compile time.
    #[inline]
    pub fn forward<const L: usize, const CI: usize, const N: usize, const CO: usize>(
        &self,
        x: &[[A::Elem; CI]; L],
        scratch: &mut <Self as Layer>::Scratch,
        y: &mut [[A::Elem; CO]; N],
    ) {
        self.forward_act(x, scratch, y, Identity);
    }

    /// [`Self::forward`], then `act` fused into the last layer's outputs.
    #[inline]
    pub fn forward_act<
        const L: usize,
        const CI: usize,
        const N: usize,
        const CO: usize,
        G: Activation,
    >(
        &self,
        x: &[[A::Elem; CI]; L],
        scratch: &mut <Self as Layer>::Scratch,
        y: &mut [[A::Elem; CO]; N],
        act: G,
    ) {
        self.nlc(Kernel::best(), x, scratch, y, act);
    }

    /// [`Self::forward_act`] on a chosen backend (every layer on it).
    ///
    /// # Errors
    /// [`Error::BackendUnavailable`] if this CPU lacks `backend` or it has no kernel for
    /// the element type; nothing is written then.
    pub fn forward_act_with<
        const L: usize,
        const CI: usize,
        const N: usize,
        const CO: usize,
        G: Activation,
    >(
        &self,
        backend: Backend,
        x: &[[A::Elem; CI]; L],
        scratch: &mut <Self as Layer>::Scratch,
        y: &mut [[A::Elem; CO]; N],
        act: G,
    ) -> Result<(), Error> {
        self.nlc(Kernel::new(backend)?, x, scratch, y, act);
        Ok(())
    }

    /// A channels-last pass on `kernel`, the buffers' shapes checked at compile time.
    fn nlc<const L: usize, const CI: usize, const N: usize, const CO: usize, G: Activation>(
        &self,
        kernel: Kernel<A::Elem>,
        x: &[[A::Elem; CI]; L],
        scratch: &mut <Self as Layer>::Scratch,
        y: &mut [[A::Elem; CO]; N],
        act: G,
    ) {
        const {
            assert!(
                L == <Self as Layer>::LEN_IN && CI == <Self as Layer>::CIN,
                "Chain::forward: the input must be [[T; CIN]; L] of the first layer"
            );
            assert!(
                N == <Self as Layer>::LEN_OUT && CO == <Self as Layer>::COUT,
                "Chain::forward: the output must be [[T; COUT]; OUT_LEN] of the last layer"
            );
        };
        self.run_flat(
            kernel,
            false,
            x.as_flattened(),
            scratch,
            y.as_flattened_mut(),
            act,
        );
    }

    /// The whole chain, channels first (`x[channel][frame]`, as PyTorch).
    #[inline]
    pub fn forward_ncl<const L: usize, const CI: usize, const N: usize, const CO: usize>(
        &self,
        x: &[[A::Elem; L]; CI],
        scratch: &mut <Self as Layer>::Scratch,
        y: &mut [[A::Elem; N]; CO],
    ) {
        self.forward_ncl_act(x, scratch, y, Identity);
    }

    /// [`Self::forward_ncl`], then `act` fused into the last layer's outputs.
    #[inline]
    pub fn forward_ncl_act<
        const L: usize,
        const CI: usize,
        const N: usize,
        const CO: usize,
        G: Activation,
    >(
        &self,
        x: &[[A::Elem; L]; CI],
        scratch: &mut <Self as Layer>::Scratch,
        y: &mut [[A::Elem; N]; CO],
        act: G,
    ) {
        self.ncl(Kernel::best(), x, scratch, y, act);
    }

    /// [`Self::forward_ncl_act`] on a chosen backend.
    ///
    /// # Errors
    /// As [`Self::forward_act_with`].
    pub fn forward_ncl_act_with<
        const L: usize,
        const CI: usize,
        const N: usize,
        const CO: usize,
        G: Activation,
    >(
        &self,
        backend: Backend,
        x: &[[A::Elem; L]; CI],
        scratch: &mut <Self as Layer>::Scratch,
        y: &mut [[A::Elem; N]; CO],
        act: G,
    ) -> Result<(), Error> {
        self.ncl(Kernel::new(backend)?, x, scratch, y, act);
        Ok(())
    }

    /// A channels-first pass on `kernel`, the buffers' shapes checked at compile time.
    fn ncl<const L: usize, const CI: usize, const N: usize, const CO: usize, G: Activation>(
        &self,
        kernel: Kernel<A::Elem>,
        x: &[[A::Elem; L]; CI],
        scratch: &mut <Self as Layer>::Scratch,
        y: &mut [[A::Elem; N]; CO],
        act: G,
    ) {
        const {
            assert!(
                L == <Self as Layer>::LEN_IN && CI == <Self as Layer>::CIN,
                "Chain::forward_ncl: the input must be [[T; L]; CIN] of the first layer"
            );
            assert!(
                N == <Self as Layer>::LEN_OUT && CO == <Self as Layer>::COUT,
                "Chain::forward_ncl: the output must be [[T; OUT_LEN]; COUT] of the last layer"
            );
        };
        self.run_flat(
            kernel,
            true,
            x.as_flattened(),
            scratch,
            y.as_flattened_mut(),
            act,
        );
    }
}

impl<A: Layer, F: Activation, B: Layer<Elem = A::Elem>, const M: usize, const C: usize>
    sealed::Sealed for Chain<A, F, B, M, C>
{
}

impl<A, F, B, const M: usize, const C: usize> Layer for Chain<A, F, B, M, C>
where
    A: Layer,
    F: Activation,
    B: Layer<Elem = A::Elem>,
{
    type Elem = A::Elem;
    const LEN_IN: usize = A::LEN_IN;
    const CIN: usize = A::CIN;
    const LEN_OUT: usize = B::LEN_OUT;
    const COUT: usize = B::COUT;
    /// `A`'s scratch, the `[[T; C]; M]` tensor between the layers, `B`'s scratch.
    type Scratch = (A::Scratch, [[A::Elem; C]; M], B::Scratch);
    const SCRATCH: Self::Scratch = (A::SCRATCH, [[<A::Elem as Element>::ZERO; C]; M], B::SCRATCH);

    fn run_flat<G: Activation>(
        &self,
        kernel: Kernel<Self::Elem>,
        ncl: bool,
        x: &[Self::Elem],
        scratch: &mut Self::Scratch,
        y: &mut [Self::Elem],
        act: G,
    ) {
        let () = Self::VALID;
        let (first, mid, second) = scratch;
        // Channels first, the same floats hold the `C x M` tensor.
        let mid = mid.as_flattened_mut();
        self.first.run_flat(kernel, ncl, x, first, mid, self.act);
        self.second.run_flat(kernel, ncl, mid, second, y, act);
    }
}
