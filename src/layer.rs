//! The const-generic layer types.

use crate::activation::{Activation, Identity};
use crate::backend::Backend;
use crate::error::Error;
use crate::geometry::Geometry;
use crate::kernels::dispatch::Kernel;
use crate::kernels::element::Element;
use crate::kernels::plan::{packed_index, Args, Delays, Strides};

/// A 1-D transposed convolution with groups whose full result is cropped by `PL` frames
/// on the left and `PR` on the right: PyTorch's `nn.ConvTranspose1d` where `PL = PR =
/// padding`, Modular MAX's with its padding tuple, and the causal layers of codec decoders
/// (EnCodec, Mimi, DAC's causal variant), which crop only the right end (`PL = 0`,
/// `PR = D*(K-1) + 1 - S`, `K - S` for `D = 1`, so that `L` frames give `L*S`). Most code
/// names it through an alias: [`ConvTranspose1d`] (dense, symmetric),
/// [`GroupedConvTranspose1d`] (symmetric, any groups) or [`DepthwiseConvTranspose1d`]
/// (one group per channel).
///
/// ```text
/// full[i*S + k*D][co] += x[i][ci] * w[ci][co - g*COUT_G][k]   (ci, co in the same group g)
/// y[n][co]             = full[n + PL][co] + bias[co]           (0 <= n < OUT_LEN)
/// OUT_LEN              = (L-1)*S - PL - PR + D*(K-1) + OP + 1
/// ```
///
/// # Generics
/// - `L`: input frames, `>= 1`.
/// - `CIN`, `COUT`: input and output channels, `>= 1`.
/// - `COUT_G`: output channels per group, the middle dimension of PyTorch's weight
///   `(CIN, COUT/G, K)`. The group count is [`Self::GROUPS`] `= COUT / COUT_G`; it must
///   divide `CIN`. `COUT_G = COUT` is a dense layer, `COUT_G = 1` with `CIN = COUT`
///   a depthwise one. (Stable Rust cannot size an array by `COUT / G`, so the type is
///   keyed by the per-group count the weights are stored by.)
/// - `K`: taps, `>= 1`. `S`: stride, `>= 1`. `PL`, `PR`: frames cropped from the left and
///   the right end of the full result (PyTorch's padding on each side).
///   `D`: dilation, `>= 1`. `OP`: output padding, `< max(S, D)` as PyTorch requires.
/// - `T`: the element type, `f32` (default), `f64`, or the fixed-point [`crate::Q15`] and
///   [`crate::Q31`].
///
/// Any other combination, or an output shorter than one frame, does not build, with an
/// error that names the rule. These are post-monomorphisation errors: `cargo build` and
/// `cargo test` report them wherever the layer is used; `cargo check` (and so an IDE)
/// reports them only where the layer is a `static` or `const`.
///
/// ```compile_fail
/// # use conv_transpose::ConvTranspose1d;
/// // Output padding 2 with stride 2 and dilation 1 breaks OP < max(S, D).
/// type Bad = ConvTranspose1d<8, 1, 1, 3, 2, 0, 1, 2>;
/// let _ = Bad::OUT_LEN;
/// ```
///
/// A causal decoder layer (EnCodec's 128 -> 64, K = 8, S = 4): `L` frames in, `L * S` out,
/// and its stream holds nothing back.
///
/// ```
/// use conv_transpose::CroppedConvTranspose1d;
///
/// // L, CIN, COUT, COUT_G, K, S, PL, PR: crop K - S = 4 frames on the right only.
/// type Causal = CroppedConvTranspose1d<16, 128, 64, 64, 8, 4, 0, 4>;
/// assert_eq!(Causal::OUT_LEN, 16 * 4);
/// assert_eq!(Causal::STREAM_LATENCY, 0);
/// assert_eq!(Causal::STREAM_TAIL, 0);
/// ```
///
/// # Weights
/// The layer owns its weights, packed for the kernels: exactly `K * CIN * COUT / G`
/// values, no zero blocks for groups, the output channels of a group in panels of 32
/// (fewer in the last), each panel `(K, CIN, width)`, so that the tiled kernel streams a
/// panel from one contiguous run ([`Self::weight`] reads one by its PyTorch indices). The `const fn` constructors
/// repack PyTorch, MLX or MAX layouts at compile time when the layer is a `static`, so
/// flash holds kernel-ready weights and nothing is copied at run time. For a layer too
/// large for the stack (HiFi-GAN's 512 -> 256, K = 16 is 8 MiB), build it where it will
/// live with [`Self::init_from_torch`] (and `_mlx`, `_max`), or with
/// `boxed_from_torch` under the `std` feature. The weights do not depend on the input
/// length: [`Self::with_len`] views one layer as the same layer over any other `L`, so
/// one table in flash serves a whole-signal forward and streams of any block length.
///
/// The layer holds no state: it is immutable, `Sync`, and can be shared by any number of
/// streams or threads.
#[derive(Clone, Copy, Debug, PartialEq)]
// Its layout is its fields' (never `L`'s, `S`'s or the crops'): `with_len` relies on it.
#[repr(C)]
pub struct CroppedConvTranspose1d<
    const L: usize,
    const CIN: usize,
    const COUT: usize,
    const COUT_G: usize,
    const K: usize,
    const S: usize,
    const PL: usize,
    const PR: usize,
    const D: usize = 1,
    const OP: usize = 0,
    T = f32,
> {
    /// Packed in panels of output channels (`kernels::plan::packed_index`); the array
    /// type only sizes the storage (`(K, CIN, COUT_G)` where `COUT_G <= 32`).
    pub(crate) weight: [[[T; COUT_G]; CIN]; K],
    pub(crate) bias: Option<[T; COUT]>,
}

/// A 1-D transposed convolution with groups, cropped `P` frames at each end: PyTorch's
/// `nn.ConvTranspose1d(CIN, COUT, K, stride=S, padding=P, output_padding=OP, groups=G,
/// dilation=D)`, with `G = COUT / COUT_G`. See [`CroppedConvTranspose1d`], of which it
/// is the symmetric case, for the semantics and the rules.
pub type GroupedConvTranspose1d<
    const L: usize,
    const CIN: usize,
    const COUT: usize,
    const COUT_G: usize,
    const K: usize,
    const S: usize,
    const P: usize = 0,
    const D: usize = 1,
    const OP: usize = 0,
    T = f32,
> = CroppedConvTranspose1d<L, CIN, COUT, COUT_G, K, S, P, P, D, OP, T>;

/// A dense 1-D transposed convolution (`groups = 1`): PyTorch's
/// `nn.ConvTranspose1d(CIN, COUT, K, stride=S, padding=P, output_padding=OP, dilation=D)`.
///
/// The parameters are those of [`CroppedConvTranspose1d`] (see its `# Generics`), with
/// `COUT_G = COUT` and `PL = PR = P`. Weights come as PyTorch's `(CIN, COUT, K)`, MLX's `(COUT, K, CIN)` or
/// MAX's `(K, COUT, CIN)`.
///
/// ```
/// use conv_transpose::ConvTranspose1d;
///
/// // Upsample a mono signal by 2 with a 4-tap linear-interpolation kernel.
/// type Up2 = ConvTranspose1d<4, 1, 1, 4, 2, 1>; // L, CIN, COUT, K, S, P
/// static UP: Up2 = Up2::from_torch(&[[[0.0, 0.5, 1.0, 0.5]]], None);
///
/// let x = [[1.0], [2.0], [3.0], [4.0]];
/// let mut y = [[0.0f32; 1]; Up2::OUT_LEN];
/// UP.forward(&x, &mut y);
/// assert_eq!(Up2::OUT_LEN, 8);
/// assert_eq!(y, [[0.5], [1.0], [1.5], [2.0], [2.5], [3.0], [3.5], [4.0]]);
/// ```
pub type ConvTranspose1d<
    const L: usize,
    const CIN: usize,
    const COUT: usize,
    const K: usize,
    const S: usize,
    const P: usize = 0,
    const D: usize = 1,
    const OP: usize = 0,
    T = f32,
> = CroppedConvTranspose1d<L, CIN, COUT, COUT, K, S, P, P, D, OP, T>;

/// A depthwise 1-D transposed convolution: `C` channels, each filtered on its own
/// (`groups = C`), as for independent stereo channels. PyTorch's weight is `(C, 1, K)`.
///
/// ```
/// use conv_transpose::DepthwiseConvTranspose1d;
///
/// // Left channel repeated (sample-and-hold), right channel zero-stuffed.
/// type Stereo = DepthwiseConvTranspose1d<2, 2, 2, 2>; // L, C, K, S
/// let layer = Stereo::from_torch(&[[[1.0, 1.0]], [[1.0, 0.0]]], None);
/// let mut y = [[0.0f32; 2]; 4];
/// layer.forward(&[[1.0, 3.0], [2.0, 4.0]], &mut y);
/// assert_eq!(y, [[1.0, 3.0], [1.0, 0.0], [2.0, 4.0], [2.0, 0.0]]);
/// ```
pub type DepthwiseConvTranspose1d<
    const L: usize,
    const C: usize,
    const K: usize,
    const S: usize,
    const P: usize = 0,
    const D: usize = 1,
    const OP: usize = 0,
    T = f32,
> = CroppedConvTranspose1d<L, C, C, 1, K, S, P, P, D, OP, T>;

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
        T,
    > CroppedConvTranspose1d<L, CIN, COUT, COUT_G, K, S, PL, PR, D, OP, T>
{
    /// Every shape rule, checked when the layer is constructed or its lengths are used.
    pub(crate) const VALID: () = {
        assert!(
            L >= 1,
            "ConvTranspose1d: the input length L must be at least 1"
        );
        assert!(
            CIN >= 1,
            "ConvTranspose1d: CIN (input channels) must be at least 1"
        );
        assert!(
            COUT >= 1,
            "ConvTranspose1d: COUT (output channels) must be at least 1"
        );
        assert!(
            K >= 1,
            "ConvTranspose1d: the kernel size K must be at least 1"
        );
        assert!(S >= 1, "ConvTranspose1d: the stride S must be at least 1");
        assert!(D >= 1, "ConvTranspose1d: the dilation D must be at least 1");
        assert!(
            COUT_G >= 1 && COUT.is_multiple_of(COUT_G),
            "ConvTranspose1d: groups: COUT_G (output channels per group) must divide COUT"
        );
        assert!(
            CIN.is_multiple_of(COUT / COUT_G),
            "ConvTranspose1d: groups: the group count G = COUT / COUT_G must divide CIN"
        );
        assert!(
            OP < S || OP < D,
            "ConvTranspose1d: the output padding OP must be smaller than max(S, D), as in PyTorch"
        );
        assert!(
            Self::GEOMETRY.len_out().is_some(),
            "ConvTranspose1d: the output length (L-1)*S - PL - PR + D*(K-1) + OP + 1 must be at least 1 (and fit in usize)"
        );
    };

    /// Output frames: `(L-1)*S - PL - PR + D*(K-1) + OP + 1` (`- 2*P` for a symmetric layer).
    pub const OUT_LEN: usize = {
        let () = Self::VALID;
        match Self::GEOMETRY.len_out() {
            Some(n) => n,
            None => unreachable!(),
        }
    };

    /// The group count `G = COUT / COUT_G`.
    pub const GROUPS: usize = {
        let () = Self::VALID;
        Self::GEOMETRY.groups
    };

    /// Input channels per group, `CIN / G`.
    pub const CIN_G: usize = {
        let () = Self::VALID;
        Self::GEOMETRY.in_per_group()
    };

    /// The hyper-parameters as a value. It is not checked itself ([`Geometry::len_out`]
    /// says whether it is valid); the layer's other constants and methods are.
    pub const GEOMETRY: Geometry = Geometry {
        len_in: L,
        in_channels: CIN,
        out_channels: COUT,
        groups: match COUT.checked_div(COUT_G) {
            Some(g) => g,
            None => 0,
        },
        kernel: K,
        stride: S,
        padding: PL,
        padding_right: PR,
        dilation: D,
        output_padding: OP,
    };

    /// Floating-point operations of one forward pass, `2 * L * CIN * COUT_G * K`.
    pub const FLOPS: usize = Self::GEOMETRY.flops();

    /// The time kernel's plan of the layer's delays (its stride, taps and dilation alone),
    /// computed once, by the compiler, for every call and stream window.
    pub(crate) const DELAYS: Delays = Delays::new(&Self::GEOMETRY);

    /// PyTorch's `weight[ci][j][k]`: tap `k` from input channel `ci` to output channel
    /// `ci / (CIN/G) * COUT_G + j`, `j < COUT_G`.
    ///
    /// ```
    /// use conv_transpose::ConvTranspose1d;
    ///
    /// type Up = ConvTranspose1d<4, 2, 3, 2, 2>;
    /// let w = [[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], [[7.0, 8.0], [9.0, 10.0], [11.0, 12.0]]];
    /// let up = Up::from_torch(&w, None);
    /// assert_eq!(*up.weight(1, 1, 2), w[1][2][1]);
    /// ```
    ///
    /// # Panics
    /// If `k >= K`, `ci >= CIN` or `j >= COUT_G`.
    pub const fn weight(&self, k: usize, ci: usize, j: usize) -> &T {
        assert!(
            k < K && ci < CIN && j < COUT_G,
            "weight: index out of range"
        );
        let at = packed_index(K, CIN, COUT_G, k, ci, j);
        &self.weight[at / (CIN * COUT_G)][at / COUT_G % CIN][at % COUT_G]
    }

    /// The weights in the kernels' packed order, `K * CIN * COUT_G` values: output
    /// channels in panels of 32 (fewer in the last), each panel `(K, CIN, width)`; with
    /// `COUT_G <= 32` that is `(K, CIN, COUT_G)`.
    pub const fn packed_weights(&self) -> &[T] {
        self.weight.as_flattened().as_flattened()
    }

    /// The bias, if the layer has one.
    pub const fn bias(&self) -> Option<&[T; COUT]> {
        self.bias.as_ref()
    }

    /// The packed weights and the bias, as the kernels take them.
    pub(crate) fn packed(&self) -> (&[T], Option<&[T]>) {
        (self.packed_weights(), self.bias.as_ref().map(|b| &b[..]))
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
    /// One pass over flat buffers whose lengths and layouts `Args::new` checks.
    pub(crate) fn run<A: Activation>(
        &self,
        kernel: Kernel<T>,
        x: &[T],
        xs: Strides,
        y: &mut [T],
        ys: Strides,
        act: A,
    ) {
        let (weight, bias) = self.packed();
        let mut acc = [T::Acc::default(); COUT_G];
        kernel.forward(
            &mut Args::new(
                &Self::GEOMETRY,
                &Self::DELAYS,
                Self::OUT_LEN,
                weight,
                bias,
                x,
                xs,
                y,
                ys,
                act,
            ),
            &mut acc,
        );
    }

    /// A channels-last pass; `N` must be [`Self::OUT_LEN`] (a build error otherwise).
    fn nlc<const N: usize, A: Activation>(
        &self,
        kernel: Kernel<T>,
        x: &[[T; CIN]; L],
        y: &mut [[T; COUT]; N],
        act: A,
    ) {
        const {
            assert!(
                N == Self::OUT_LEN,
                "forward: the output must have OUT_LEN frames"
            )
        };
        self.run(
            kernel,
            x.as_flattened(),
            Strides::nlc(CIN),
            y.as_flattened_mut(),
            Strides::nlc(COUT),
            act,
        );
    }

    /// A channels-first pass; `N` must be [`Self::OUT_LEN`] (a build error otherwise).
    fn ncl<const N: usize, A: Activation>(
        &self,
        kernel: Kernel<T>,
        x: &[[T; L]; CIN],
        y: &mut [[T; N]; COUT],
        act: A,
    ) {
        const {
            assert!(
                N == Self::OUT_LEN,
                "forward_ncl: the output must have OUT_LEN frames"
            )
        };
        self.run(
            kernel,
            x.as_flattened(),
            Strides::ncl(L),
            y.as_flattened_mut(),
            Strides::ncl(N),
            act,
        );
    }

    /// The backend [`Self::forward`] and the other forms without `_with` use: the best
    /// this CPU has for `T` ([`Backend::best`] for `f32`, [`Backend::Scalar`] for `f64`).
    pub fn backend(&self) -> Backend {
        Kernel::<T>::best().backend()
    }

    /// One forward pass, channels last (`NLC`, as MLX and MAX): `x[frame][channel]`.
    ///
    /// Every element of `y` is written. `N` must be [`Self::OUT_LEN`], or the call
    /// does not compile:
    ///
    /// ```compile_fail
    /// # use conv_transpose::ConvTranspose1d;
    /// type Up = ConvTranspose1d<4, 1, 1, 2, 2>; // OUT_LEN = 8
    /// let up = Up::from_torch(&[[[1.0, 1.0]]], None);
    /// let mut y = [[0.0f32; 1]; 7];
    /// up.forward(&[[0.0]; 4], &mut y);
    /// ```
    #[inline]
    pub fn forward<const N: usize>(&self, x: &[[T; CIN]; L], y: &mut [[T; COUT]; N]) {
        self.forward_act(x, y, Identity);
    }

    /// [`Self::forward`] on a chosen backend.
    ///
    /// # Errors
    /// [`Error::BackendUnavailable`] if this CPU lacks `backend`, or it has no kernel for
    /// `T`; then nothing is written.
    ///
    /// ```
    /// use conv_transpose::{Backend, ConvTranspose1d, Error};
    ///
    /// type Up = ConvTranspose1d<4, 1, 1, 2, 2>;
    /// let up = Up::from_torch(&[[[1.0, 0.5]]], None);
    /// let x = [[1.0], [2.0], [3.0], [4.0]];
    /// let (mut a, mut b) = ([[0.0f32; 1]; 8], [[0.0f32; 1]; 8]);
    /// up.forward_with(Backend::Scalar, &x, &mut a)?;
    /// up.forward_with(up.backend(), &x, &mut b)?;
    /// assert_eq!(a, b);
    /// # #[cfg(target_arch = "x86_64")]
    /// # assert_eq!(up.forward_with(Backend::Neon, &x, &mut b), Err(Error::BackendUnavailable { backend: Backend::Neon }));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn forward_with<const N: usize>(
        &self,
        backend: Backend,
        x: &[[T; CIN]; L],
        y: &mut [[T; COUT]; N],
    ) -> Result<(), Error> {
        self.forward_act_with(backend, x, y, Identity)
    }

    /// One forward pass, channels first (`NCL`, as PyTorch): `x[channel][frame]`.
    /// `N` must be [`Self::OUT_LEN`], or the call does not compile.
    #[inline]
    pub fn forward_ncl<const N: usize>(&self, x: &[[T; L]; CIN], y: &mut [[T; N]; COUT]) {
        self.forward_ncl_act(x, y, Identity);
    }

    /// [`Self::forward_ncl`] on a chosen backend.
    ///
    /// # Errors
    /// [`Error::BackendUnavailable`] as for [`Self::forward_with`]; nothing is written.
    pub fn forward_ncl_with<const N: usize>(
        &self,
        backend: Backend,
        x: &[[T; L]; CIN],
        y: &mut [[T; N]; COUT],
    ) -> Result<(), Error> {
        self.forward_ncl_act_with(backend, x, y, Identity)
    }

    /// [`Self::forward`] with an activation fused into it: each output gets the bias, then
    /// `act` ([`crate::Relu`], [`crate::LeakyRelu`], [`crate::Tanh`]) while the kernel
    /// still holds it, on every backend. `N` must be [`Self::OUT_LEN`].
    ///
    /// ```
    /// use conv_transpose::{ConvTranspose1d, Tanh};
    ///
    /// type Up = ConvTranspose1d<2, 1, 1, 2, 2>;
    /// let up = Up::from_torch(&[[[2.0, -1.0]]], None);
    /// let mut y = [[0.0f32; 1]; 4];
    /// up.forward_act(&[[0.5], [0.0]], &mut y, Tanh);
    /// assert!((y[0][0] - 1.0f32.tanh()).abs() < 1e-6);
    /// assert!((y[1][0] + 0.5f32.tanh()).abs() < 1e-6);
    /// ```
    #[inline]
    pub fn forward_act<const N: usize, A: Activation>(
        &self,
        x: &[[T; CIN]; L],
        y: &mut [[T; COUT]; N],
        act: A,
    ) {
        self.nlc(Kernel::best(), x, y, act);
    }

    /// [`Self::forward_act`] on a chosen backend.
    ///
    /// # Errors
    /// [`Error::BackendUnavailable`] as for [`Self::forward_with`]; nothing is written.
    pub fn forward_act_with<const N: usize, A: Activation>(
        &self,
        backend: Backend,
        x: &[[T; CIN]; L],
        y: &mut [[T; COUT]; N],
        act: A,
    ) -> Result<(), Error> {
        self.nlc(Kernel::new(backend)?, x, y, act);
        Ok(())
    }

    /// [`Self::forward_ncl`] with an activation fused into it; see [`Self::forward_act`].
    #[inline]
    pub fn forward_ncl_act<const N: usize, A: Activation>(
        &self,
        x: &[[T; L]; CIN],
        y: &mut [[T; N]; COUT],
        act: A,
    ) {
        self.ncl(Kernel::best(), x, y, act);
    }

    /// [`Self::forward_ncl_act`] on a chosen backend.
    ///
    /// # Errors
    /// [`Error::BackendUnavailable`] as for [`Self::forward_with`]; nothing is written.
    pub fn forward_ncl_act_with<const N: usize, A: Activation>(
        &self,
        backend: Backend,
        x: &[[T; L]; CIN],
        y: &mut [[T; N]; COUT],
        act: A,
    ) -> Result<(), Error> {
        self.ncl(Kernel::new(backend)?, x, y, act);
        Ok(())
    }

    /// [`Self::forward`] over a batch: input `b` gives output `b`.
    ///
    /// # Errors
    /// [`Error::BatchMismatch`] if `x` and `y` differ in length; then nothing is written.
    pub fn forward_batch<const N: usize>(
        &self,
        x: &[[[T; CIN]; L]],
        y: &mut [[[T; COUT]; N]],
    ) -> Result<(), Error> {
        Self::check_batch(x.len(), y.len())?;
        for (x, y) in x.iter().zip(y) {
            self.nlc(Kernel::best(), x, y, Identity);
        }
        Ok(())
    }

    /// [`Self::forward_batch`] on a chosen backend.
    ///
    /// # Errors
    /// [`Error::BatchMismatch`] if `x` and `y` differ in length, or
    /// [`Error::BackendUnavailable`] as for [`Self::forward_with`]; then nothing is
    /// written.
    pub fn forward_batch_with<const N: usize>(
        &self,
        backend: Backend,
        x: &[[[T; CIN]; L]],
        y: &mut [[[T; COUT]; N]],
    ) -> Result<(), Error> {
        Self::check_batch(x.len(), y.len())?;
        let kernel = Kernel::new(backend)?;
        for (x, y) in x.iter().zip(y) {
            self.nlc(kernel, x, y, Identity);
        }
        Ok(())
    }

    /// [`Self::forward_ncl`] over a batch (`NCL`, as PyTorch's `(N, C, L)` tensors).
    ///
    /// # Errors
    /// [`Error::BatchMismatch`] if `x` and `y` differ in length; then nothing is written.
    pub fn forward_batch_ncl<const N: usize>(
        &self,
        x: &[[[T; L]; CIN]],
        y: &mut [[[T; N]; COUT]],
    ) -> Result<(), Error> {
        Self::check_batch(x.len(), y.len())?;
        for (x, y) in x.iter().zip(y) {
            self.ncl(Kernel::best(), x, y, Identity);
        }
        Ok(())
    }

    /// [`Self::forward_batch_ncl`] on a chosen backend.
    ///
    /// # Errors
    /// As [`Self::forward_batch_with`]; then nothing is written.
    pub fn forward_batch_ncl_with<const N: usize>(
        &self,
        backend: Backend,
        x: &[[[T; L]; CIN]],
        y: &mut [[[T; N]; COUT]],
    ) -> Result<(), Error> {
        Self::check_batch(x.len(), y.len())?;
        let kernel = Kernel::new(backend)?;
        for (x, y) in x.iter().zip(y) {
            self.ncl(kernel, x, y, Identity);
        }
        Ok(())
    }

    /// Refuses a batch of mismatched lengths before it writes anything.
    fn check_batch(inputs: usize, outputs: usize) -> Result<(), Error> {
        if inputs != outputs {
            return Err(Error::BatchMismatch { inputs, outputs });
        }
        Ok(())
    }
}
