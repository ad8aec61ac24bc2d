//! The shape of a layer as plain numbers, and PyTorch's length rules.

/// Every hyper-parameter of a transposed convolution, as plain numbers.
///
/// A layer type carries these as const generics; [`GroupedConvTranspose1d::GEOMETRY`]
/// gives them back as a value for logging (`defmt`), printing and generic code. The
/// kernels take a `Geometry` rather than const generics so that one copy of a kernel
/// serves every layer of an element type, which keeps flash small on a microcontroller.
///
/// [`GroupedConvTranspose1d::GEOMETRY`]: crate::GroupedConvTranspose1d::GEOMETRY
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Geometry {
    /// Input frames `L`.
    pub len_in: usize,
    /// Input channels `CIN`.
    pub in_channels: usize,
    /// Output channels `COUT`.
    pub out_channels: usize,
    /// Groups `G`: input channel block `g` feeds only output channel block `g`.
    pub groups: usize,
    /// Kernel taps `K`.
    pub kernel: usize,
    /// Stride `S` (the upsampling factor).
    pub stride: usize,
    /// Frames cropped from the left end of the full result: PyTorch's padding `P`, the
    /// layer's `PL`.
    pub padding: usize,
    /// Frames cropped from the right end: `P` again for PyTorch's symmetric layers, the
    /// layer's `PR`.
    pub padding_right: usize,
    /// Dilation `D`: spacing between taps.
    pub dilation: usize,
    /// Output padding `OP`: frames added at the right end (they receive only the bias).
    pub output_padding: usize,
}

impl Geometry {
    /// Length of the full (uncropped) result, `(L-1)*S + D*(K-1) + OP + 1`, or `None` where
    /// a size is zero or the arithmetic overflows.
    #[inline]
    const fn full_len(&self) -> Option<usize> {
        if self.len_in == 0 || self.stride == 0 || self.dilation == 0 || self.kernel == 0 {
            return None;
        }
        let Some(a) = (self.len_in - 1).checked_mul(self.stride) else {
            return None;
        };
        let Some(b) = (self.kernel - 1).checked_mul(self.dilation) else {
            return None;
        };
        let Some(ab) = a.checked_add(b) else {
            return None;
        };
        ab.checked_add(self.output_padding + 1)
    }

    /// Output frames `(L-1)*S - PL - PR + D*(K-1) + OP + 1`, or `None` where the geometry
    /// breaks any rule the layer types enforce: a zero size, channels that the groups do
    /// not divide, `OP >= max(S, D)`, fewer than one output frame, or an uncropped length
    /// `(L-1)*S + D*(K-1) + OP + 1` or a crop `PL + PR` beyond `usize::MAX` (the kernels
    /// index the uncropped result).
    #[inline]
    pub const fn len_out(&self) -> Option<usize> {
        if self.in_channels == 0
            || self.out_channels == 0
            || self.groups == 0
            || !self.in_channels.is_multiple_of(self.groups)
            || !self.out_channels.is_multiple_of(self.groups)
            || (self.output_padding >= self.stride && self.output_padding >= self.dilation)
        {
            return None;
        }
        let Some(full) = self.full_len() else {
            return None;
        };
        let Some(crop) = self.padding.checked_add(self.padding_right) else {
            return None;
        };
        if full > crop {
            Some(full - crop)
        } else {
            None
        }
    }

    /// Input channels per group (0 if `groups` is 0).
    #[inline]
    pub const fn in_per_group(&self) -> usize {
        match self.in_channels.checked_div(self.groups) {
            Some(n) => n,
            None => 0,
        }
    }

    /// Output channels per group (0 if `groups` is 0).
    #[inline]
    pub const fn out_per_group(&self) -> usize {
        match self.out_channels.checked_div(self.groups) {
            Some(n) => n,
            None => 0,
        }
    }

    /// Floating-point operations of one forward pass, counted as the benchmarks count
    /// them: `2 * L * CIN * (COUT/G) * K` (a multiply and an add per weight and frame).
    /// Saturates at `usize::MAX`.
    pub const fn flops(&self) -> usize {
        2usize
            .saturating_mul(self.len_in)
            .saturating_mul(self.in_channels)
            .saturating_mul(self.out_per_group())
            .saturating_mul(self.kernel)
    }
}

/// The output padding PyTorch picks for `forward(x, output_size=[wanted])`.
///
/// PyTorch accepts a wanted length between the unpadded length
/// `(L-1)*S - 2*P + D*(K-1) + 1` and that plus `S - 1`, and uses the difference as the
/// output padding. Returns `None` where PyTorch raises an error (`wanted` outside that
/// range, or any of `len_in`, `kernel`, `stride`, `dilation` zero), for `wanted == 0`,
/// and where the layer would have an uncropped length beyond `usize::MAX`
/// ([`Geometry::len_out`]): no layer of this crate produces those. The result is always
/// a legal `OP` (it is below `S`, hence below `max(S, D)`).
///
/// ```
/// use conv_transpose::{output_padding_for, ConvTranspose1d};
/// // HiFi-GAN-like: L = 10, K = 4, S = 2, P = 1, D = 1 gives 20 frames with OP = 0.
/// assert_eq!(output_padding_for(10, 4, 2, 1, 1, 20), Some(0));
/// assert_eq!(output_padding_for(10, 4, 2, 1, 1, 21), Some(1));
/// assert_eq!(output_padding_for(10, 4, 2, 1, 1, 22), None);
///
/// // In a const context, to name the layer type that produces the wanted length:
/// const OP: usize = match output_padding_for(10, 4, 2, 1, 1, 21) {
///     Some(op) => op,
///     None => panic!("no output padding gives 21 frames"),
/// };
/// type Layer = ConvTranspose1d<10, 1, 1, 4, 2, 1, 1, OP>;
/// assert_eq!(Layer::OUT_LEN, 21);
/// ```
pub const fn output_padding_for(
    len_in: usize,
    kernel: usize,
    stride: usize,
    padding: usize,
    dilation: usize,
    wanted: usize,
) -> Option<usize> {
    if wanted == 0 {
        return None;
    }
    let geometry = Geometry {
        len_in,
        in_channels: 1,
        out_channels: 1,
        groups: 1,
        kernel,
        stride,
        padding: 0,
        padding_right: 0,
        dilation,
        output_padding: 0,
    };
    let Some(unpadded_full) = geometry.full_len() else {
        return None;
    };
    // PyTorch computes this length in signed arithmetic; a negative minimum still
    // admits only wanted lengths >= 0, and so does this comparison.
    let Some(target) = padding.checked_mul(2) else {
        return None;
    };
    let Some(target) = wanted.checked_add(target) else {
        return None;
    };
    if target < unpadded_full {
        return None;
    }
    let op = target - unpadded_full;
    if op > stride - 1 {
        return None;
    }
    Some(op)
}
