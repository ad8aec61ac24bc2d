//! Weights from PyTorch, MLX and MAX layouts to the kernels' packed order (panels of
//! output channels, each `(K, CIN, width)`: `kernels::plan::packed_index`):
//! `const fn` constructors (a `static` layer is repacked by the compiler and lands in
//! flash), in-place ones for layers too large for the stack, and boxed ones with `std`;
//! and the view of one layer's weights as the same layer over another input length.

use core::mem::MaybeUninit;
use core::ptr::addr_of_mut;

use crate::kernels::plan::packed_index;
use crate::layer::CroppedConvTranspose1d;

/// Writes the packed weights from `$at(k, ci, co)` (global channel indices) in a const
/// context, where closures cannot be called.
macro_rules! pack_const {
    ($at:ident($w:expr)) => {{
        let first = Self::$at($w, 0, 0, 0);
        let mut out = [[[first; COUT_G]; CIN]; K];
        let mut k = 0;
        while k < K {
            let mut ci = 0;
            while ci < CIN {
                let co0 = ci / Self::CIN_G * COUT_G;
                let mut j = 0;
                while j < COUT_G {
                    // The storage is `K * CIN * COUT_G` values in the packed order.
                    let at = packed_index(K, CIN, COUT_G, k, ci, j);
                    out[at / (CIN * COUT_G)][at / COUT_G % CIN][at % COUT_G] =
                        Self::$at($w, k, ci, co0 + j);
                    j += 1;
                }
                ci += 1;
            }
            k += 1;
        }
        out
    }};
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
        T: Copy,
    > CroppedConvTranspose1d<L, CIN, COUT, COUT_G, K, S, PL, PR, D, OP, T>
{
    const fn torch_at(w: &[[[T; K]; COUT_G]; CIN], k: usize, ci: usize, co: usize) -> T {
        w[ci][co % COUT_G][k]
    }

    const fn mlx_at<const CI: usize>(
        w: &[[[T; CI]; K]; COUT],
        k: usize,
        ci: usize,
        co: usize,
    ) -> T {
        w[co][k][ci % CI]
    }

    const fn max_at<const CI: usize>(
        w: &[[[T; CI]; COUT]; K],
        k: usize,
        ci: usize,
        co: usize,
    ) -> T {
        w[k][co][ci % CI]
    }

    /// MLX's weight `(COUT, K, CI)` needs `CI = CIN / G`; a build error otherwise.
    const fn check_mlx_axis<const CI: usize>() {
        const {
            assert!(
                CI == Self::CIN_G,
                "from_mlx: the weight's last dimension must be CIN / groups"
            )
        };
    }

    /// MAX's weight `(K, COUT, CI)` needs `CI = CIN / G`; a build error otherwise.
    const fn check_max_axis<const CI: usize>() {
        const {
            assert!(
                CI == Self::CIN_G,
                "from_max: the weight's last dimension must be CIN / groups"
            )
        };
    }

    const fn copy_bias(bias: Option<&[T; COUT]>) -> Option<[T; COUT]> {
        match bias {
            Some(b) => Some(*b),
            None => None,
        }
    }

    /// This layer over `L2` input frames instead of `L`: the same weights, not a copy. One
    /// `static` in flash then serves a whole-signal `forward` and streams of any block
    /// length. `L2` must make a valid layer (a build error otherwise).
    ///
    /// ```
    /// use conv_transpose::{stream_state, ConvTranspose1d};
    ///
    /// type Up = ConvTranspose1d<160, 1, 1, 4, 2, 1>; // a 160-frame stream block
    /// static UP: Up = Up::from_torch(&[[[0.5, 1.0, 1.0, 0.5]]], None);
    ///
    /// // The whole signal through the same weights.
    /// let whole = UP.with_len::<480>();
    /// let x = [[1.0f32]; 480];
    /// let mut y = [[0.0f32; 1]; 960];
    /// whole.forward(&x, &mut y);
    /// assert_eq!(y[1], [1.5]);
    /// assert!(core::ptr::eq(whole.packed_weights().as_ptr(), UP.packed_weights().as_ptr()));
    ///
    /// // And one frame at a time.
    /// let one = UP.with_len::<1>();
    /// let mut state = <stream_state!(ConvTranspose1d<1, 1, 1, 4, 2, 1>)>::new();
    /// let mut out = [[0.0f32; 1]; 2];
    /// one.process(&mut state, &[[1.0]], &mut out);
    /// ```
    pub const fn with_len<const L2: usize>(
        &self,
    ) -> &CroppedConvTranspose1d<L2, CIN, COUT, COUT_G, K, S, PL, PR, D, OP, T> {
        let () = CroppedConvTranspose1d::<L2, CIN, COUT, COUT_G, K, S, PL, PR, D, OP, T>::VALID;
        // SAFETY: both types are `#[repr(C)]` structs of the same two fields (a
        // `[[[T; COUT_G]; CIN]; K]` and an `Option<[T; COUT]>`), which no parameter that
        // differs between them (`L`) appears in: the same layout, and every value of one
        // is a valid value of the other. The reference keeps `self`'s lifetime.
        unsafe {
            &*(self as *const Self).cast::<CroppedConvTranspose1d<
                L2,
                CIN,
                COUT,
                COUT_G,
                K,
                S,
                PL,
                PR,
                D,
                OP,
                T,
            >>()
        }
    }

    /// The layer from PyTorch's weight `(CIN, COUT/G, K)` (`nn.ConvTranspose1d.weight`)
    /// and optional bias `(COUT)`.
    ///
    /// A `const fn`: in a `static` or `const` the weights are repacked by the compiler and
    /// land in flash. At run time the layer is built on the stack; for large layers use
    /// [`Self::init_from_torch`].
    pub const fn from_torch(weight: &[[[T; K]; COUT_G]; CIN], bias: Option<&[T; COUT]>) -> Self {
        let () = Self::VALID;
        Self {
            weight: pack_const!(torch_at(weight)),
            bias: Self::copy_bias(bias),
        }
    }

    /// The layer from MLX's weight `(COUT, K, CIN/G)` (`mlx.nn.ConvTranspose1d.weight`,
    /// channels last) and optional bias `(COUT)`. `CI` must be `CIN / G`.
    ///
    /// MLX's weight is PyTorch's with the axes moved, `w_mlx[co][k][c] =
    /// w_torch[g*CIN_G + c][co - g*COUT_G][k]` for `co` in group `g`; no tap is reversed.
    /// (MLX's own tests use one group; `tools/mlx_layout.py` checks the grouped mapping
    /// against MLX itself.)
    pub const fn from_mlx<const CI: usize>(
        weight: &[[[T; CI]; K]; COUT],
        bias: Option<&[T; COUT]>,
    ) -> Self {
        let () = Self::VALID;
        Self::check_mlx_axis::<CI>();
        Self {
            weight: pack_const!(mlx_at(weight)),
            bias: Self::copy_bias(bias),
        }
    }

    /// The layer from MAX's weight `(K, COUT, CIN/G)` (`max.nn.ConvTranspose1d` with
    /// `permute=False`) and optional bias `(COUT)`. `CI` must be `CIN / G`.
    ///
    /// MAX's padding tuple `(PL, PR)` is [`CroppedConvTranspose1d`]'s `PL`, `PR` (checked
    /// against MAX's own results). MAX's layer has no groups; for grouped layers this
    /// follows MLX's convention for the last axis (the input channel within the output
    /// channel's group).
    pub const fn from_max<const CI: usize>(
        weight: &[[[T; CI]; COUT]; K],
        bias: Option<&[T; COUT]>,
    ) -> Self {
        let () = Self::VALID;
        Self::check_max_axis::<CI>();
        Self {
            weight: pack_const!(max_at(weight)),
            bias: Self::copy_bias(bias),
        }
    }

    /// Builds the layer in `slot` without ever holding it on the stack, reading weight
    /// `(k, ci, co)` (global channel indices) from `at`.
    fn init_with<'a>(
        slot: &'a mut MaybeUninit<Self>,
        bias: Option<&[T; COUT]>,
        at: impl Fn(usize, usize, usize) -> T,
    ) -> &'a mut Self {
        let () = Self::VALID;
        let layer = slot.as_mut_ptr();
        // SAFETY: `layer` points to memory valid for writes of a `Self`; `addr_of_mut!`
        // takes the field's address without making a reference to uninitialised memory.
        let weight = unsafe { addr_of_mut!((*layer).weight) }.cast::<T>();
        for k in 0..K {
            for ci in 0..CIN {
                let co0 = ci / Self::CIN_G * COUT_G;
                for j in 0..COUT_G {
                    let packed = packed_index(K, CIN, COUT_G, k, ci, j);
                    // SAFETY: `weight` is a `[[[T; COUT_G]; CIN]; K]`: `K*CIN*COUT_G`
                    // contiguous `T`s (arrays have no padding), and `packed_index` maps
                    // the indices one to one onto `0..K*CIN*COUT_G`.
                    unsafe { weight.add(packed).write(at(k, ci, co0 + j)) };
                }
            }
        }
        // SAFETY: as above, for the `bias` field.
        unsafe { addr_of_mut!((*layer).bias).write(Self::copy_bias(bias)) };
        // SAFETY: both fields were written above; a layer has no other bytes to initialise.
        unsafe { slot.assume_init_mut() }
    }

    /// [`Self::from_torch`], built in place in `slot` (a `static`, a `Box`, a buffer in
    /// external RAM), for layers too large for the stack. Returns the initialised layer.
    ///
    /// ```
    /// use core::mem::MaybeUninit;
    /// use conv_transpose::ConvTranspose1d;
    ///
    /// type Big = ConvTranspose1d<4, 64, 64, 16, 8>; // 256 KiB of weights
    /// let weight = vec![[[0.01f32; 16]; 64]; 64];
    /// let mut slot = Box::new(MaybeUninit::<Big>::uninit());
    /// let layer: &Big = Big::init_from_torch(&mut slot, weight[..].try_into().unwrap(), None);
    /// let x = [[1.0f32; 64]; 4];
    /// let mut y = [[0.0f32; 64]; Big::OUT_LEN];
    /// layer.forward(&x, &mut y);
    /// assert!((y[0][0] - 0.64).abs() < 1e-5);
    /// ```
    pub fn init_from_torch<'a>(
        slot: &'a mut MaybeUninit<Self>,
        weight: &[[[T; K]; COUT_G]; CIN],
        bias: Option<&[T; COUT]>,
    ) -> &'a mut Self {
        Self::init_with(slot, bias, |k, ci, co| Self::torch_at(weight, k, ci, co))
    }

    /// [`Self::from_mlx`], built in place in `slot`; see [`Self::init_from_torch`].
    pub fn init_from_mlx<'a, const CI: usize>(
        slot: &'a mut MaybeUninit<Self>,
        weight: &[[[T; CI]; K]; COUT],
        bias: Option<&[T; COUT]>,
    ) -> &'a mut Self {
        Self::check_mlx_axis::<CI>();
        Self::init_with(slot, bias, |k, ci, co| Self::mlx_at(weight, k, ci, co))
    }

    /// [`Self::from_max`], built in place in `slot`; see [`Self::init_from_torch`].
    pub fn init_from_max<'a, const CI: usize>(
        slot: &'a mut MaybeUninit<Self>,
        weight: &[[[T; CI]; COUT]; K],
        bias: Option<&[T; COUT]>,
    ) -> &'a mut Self {
        Self::check_max_axis::<CI>();
        Self::init_with(slot, bias, |k, ci, co| Self::max_at(weight, k, ci, co))
    }
}

#[cfg(feature = "std")]
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
        T: Copy,
    > CroppedConvTranspose1d<L, CIN, COUT, COUT_G, K, S, PL, PR, D, OP, T>
{
    fn boxed(
        bias: Option<&[T; COUT]>,
        at: impl Fn(usize, usize, usize) -> T,
    ) -> std::boxed::Box<Self> {
        let mut slot = std::boxed::Box::<Self>::new_uninit();
        Self::init_with(&mut slot, bias, at);
        // SAFETY: `init_with` initialises the whole slot before it returns (a panic
        // unwinds past this line).
        unsafe { slot.assume_init() }
    }

    /// [`Self::from_torch`] on the heap, never on the stack (`std` only: the crate
    /// allocates nowhere else).
    pub fn boxed_from_torch(
        weight: &[[[T; K]; COUT_G]; CIN],
        bias: Option<&[T; COUT]>,
    ) -> std::boxed::Box<Self> {
        Self::boxed(bias, |k, ci, co| Self::torch_at(weight, k, ci, co))
    }

    /// [`Self::from_mlx`] on the heap (`std` only).
    pub fn boxed_from_mlx<const CI: usize>(
        weight: &[[[T; CI]; K]; COUT],
        bias: Option<&[T; COUT]>,
    ) -> std::boxed::Box<Self> {
        Self::check_mlx_axis::<CI>();
        Self::boxed(bias, |k, ci, co| Self::mlx_at(weight, k, ci, co))
    }

    /// [`Self::from_max`] on the heap (`std` only).
    pub fn boxed_from_max<const CI: usize>(
        weight: &[[[T; CI]; COUT]; K],
        bias: Option<&[T; COUT]>,
    ) -> std::boxed::Box<Self> {
        Self::check_max_axis::<CI>();
        Self::boxed(bias, |k, ci, co| Self::max_at(weight, k, ci, co))
    }
}
