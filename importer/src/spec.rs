//! [`LayerSpec`]: which tensors make a layer, and its hyper-parameters.

/// The element type of the generated layer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ElementType {
    /// `f32`: the weights' exact bits.
    #[default]
    F32,
    /// `conv_transpose::Q15`: weights (and bias) scaled by a power of two so that none
    /// saturates, then rounded; the shift is emitted as `NAME_SHIFT`.
    Q15,
}

/// The frames a [`LayerSpec`] crops from the right end of the full result.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum CropRight {
    /// As many as on the left ([`LayerSpec::padding`]): PyTorch's `padding`, the default.
    #[default]
    SameAsLeft,
    /// This many frames, whatever the left crop.
    Frames(usize),
    /// A causal layer's crop, `D*(K-1) + OP + 1 - S` (`K - S` for `D = 1`, `OP = 0`), so
    /// that `L` input frames give `L*S` output frames and the stream holds nothing back;
    /// `K` is read from the weight. The left crop must be 0, and the crop is refused where
    /// it would be negative (a kernel reaching less than a stride).
    Causal,
}

/// One `nn.ConvTranspose1d` to import: where its tensors are, its hyper-parameters (which
/// a checkpoint does not record), and the Rust names to give it.
///
/// ```
/// use conv_transpose_import::{CropRight, ElementType, LayerSpec};
///
/// // nn.ConvTranspose1d(512, 256, 16, stride=8, padding=4) on 32 frames.
/// let spec = LayerSpec::new("UPS0", "ups.0.weight", 32, 8)
///     .padding(4)
///     .bias("ups.0.bias")
///     .kernel(16);
/// assert_eq!(spec.dilation, 1);
/// assert_eq!(spec.element, ElementType::F32);
/// assert!(!spec.allow_non_finite);
///
/// // A causal decoder layer: crop K - S frames on the right only (K from the weight).
/// let causal = LayerSpec::new("UP", "up.weight", 16, 4).causal();
/// assert_eq!((causal.padding, causal.padding_right), (0, CropRight::Causal));
/// // Any two crops.
/// let uneven = LayerSpec::new("UP", "up.weight", 16, 4).padding_lr(1, 3);
/// assert_eq!((uneven.padding, uneven.padding_right), (1, CropRight::Frames(3)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LayerSpec {
    /// The Rust static's name, SCREAMING_CASE (`UPS0`); the type alias is its
    /// UpperCamelCase form (`Ups0`).
    pub name: String,
    /// The weight tensor's name in a safetensors file; ignored for a `.npy` file, which
    /// is the weight itself.
    pub weight: String,
    /// The bias tensor's name in a safetensors file; for a `.npy` weight, the path of a
    /// second `.npy` file (relative to the current directory, which for a build script
    /// is the package's root).
    pub bias: Option<String>,
    /// Input frames `L`.
    pub len_in: usize,
    /// Stride `S`.
    pub stride: usize,
    /// Padding `P` (default 0): the frames cropped from the left end of the full result,
    /// and from the right end too unless [`Self::padding_right`] says otherwise.
    pub padding: usize,
    /// The frames cropped from the right end (default [`CropRight::SameAsLeft`], PyTorch's
    /// symmetric padding). Where the two crops differ, the layer is rendered as a
    /// `CroppedConvTranspose1d<.., PL, PR, ..>`; otherwise as the
    /// `GroupedConvTranspose1d<.., P, ..>` it always was.
    pub padding_right: CropRight,
    /// Dilation `D` (default 1).
    pub dilation: usize,
    /// Output padding `OP` (default 0).
    pub output_padding: usize,
    /// Groups (default 1).
    pub groups: usize,
    /// If given, the input channels the weight must have.
    pub in_channels: Option<usize>,
    /// If given, the output channels the weight must have (`groups` times its middle
    /// dimension).
    pub out_channels: Option<usize>,
    /// If given, the kernel size the weight must have.
    pub kernel: Option<usize>,
    /// The generated layer's element type (default `f32`).
    pub element: ElementType,
    /// Whether NaN and infinite weights and bias values are kept (default `false`: they
    /// are an [`ImportError::NonFinite`](crate::ImportError::NonFinite) naming the tensor
    /// and the element, since one of them makes every output it reaches NaN or
    /// infinite). A Q15 layer refuses them whatever this says.
    pub allow_non_finite: bool,
    /// Whether a weight missing from a safetensors file may be folded from its weight
    /// normalisation (default `false`): `PREFIX.weight_g` and `PREFIX.weight_v`
    /// (`torch.nn.utils.weight_norm`), or `PREFIX.parametrizations.weight.original0` and
    /// `.original1` (`torch.nn.utils.parametrizations.weight_norm`), folded as PyTorch
    /// computes the weight; see [`crate::fold_weight_norm`]. Network descriptions always
    /// fold.
    pub fold_weight_norm: bool,
}

impl LayerSpec {
    /// A layer named `name` from tensor `weight`, on `len_in` input frames with stride
    /// `stride`: padding 0, dilation 1, output padding 0, one group, no bias, no shape
    /// checks beyond the file's own, `f32`.
    pub fn new(
        name: impl Into<String>,
        weight: impl Into<String>,
        len_in: usize,
        stride: usize,
    ) -> Self {
        LayerSpec {
            name: name.into(),
            weight: weight.into(),
            bias: None,
            len_in,
            stride,
            padding: 0,
            padding_right: CropRight::SameAsLeft,
            dilation: 1,
            output_padding: 0,
            groups: 1,
            in_channels: None,
            out_channels: None,
            kernel: None,
            element: ElementType::F32,
            allow_non_finite: false,
            fold_weight_norm: false,
        }
    }

    /// Sets [`Self::bias`].
    pub fn bias(mut self, bias: impl Into<String>) -> Self {
        self.bias = Some(bias.into());
        self
    }

    /// Sets [`Self::padding`].
    pub fn padding(mut self, padding: usize) -> Self {
        self.padding = padding;
        self
    }

    /// Crops `left` frames from the left end of the full result and `right` from the
    /// right end ([`Self::padding`] and [`Self::padding_right`]).
    pub fn padding_lr(mut self, left: usize, right: usize) -> Self {
        self.padding = left;
        self.padding_right = CropRight::Frames(right);
        self
    }

    /// A causal layer: crops nothing on the left and `D*(K-1) + OP + 1 - S` frames on the
    /// right ([`CropRight::Causal`]), so that `L` frames give `L*S`, as the causal
    /// decoders of EnCodec, Mimi and DAC compute PyTorch's `padding=0` result and slice
    /// `K - S` frames off its end.
    pub fn causal(mut self) -> Self {
        self.padding = 0;
        self.padding_right = CropRight::Causal;
        self
    }

    /// Sets [`Self::dilation`].
    pub fn dilation(mut self, dilation: usize) -> Self {
        self.dilation = dilation;
        self
    }

    /// Sets [`Self::output_padding`].
    pub fn output_padding(mut self, output_padding: usize) -> Self {
        self.output_padding = output_padding;
        self
    }

    /// Sets [`Self::groups`].
    pub fn groups(mut self, groups: usize) -> Self {
        self.groups = groups;
        self
    }

    /// Sets [`Self::in_channels`], checked against the weight.
    pub fn in_channels(mut self, in_channels: usize) -> Self {
        self.in_channels = Some(in_channels);
        self
    }

    /// Sets [`Self::out_channels`], checked against the weight.
    pub fn out_channels(mut self, out_channels: usize) -> Self {
        self.out_channels = Some(out_channels);
        self
    }

    /// Sets [`Self::kernel`], checked against the weight.
    pub fn kernel(mut self, kernel: usize) -> Self {
        self.kernel = Some(kernel);
        self
    }

    /// Sets [`Self::element`].
    pub fn element(mut self, element: ElementType) -> Self {
        self.element = element;
        self
    }

    /// Sets [`Self::allow_non_finite`]: `true` keeps NaN and infinite weights in an `f32`
    /// layer (their exact bits, payloads included).
    pub fn allow_non_finite(mut self, allow: bool) -> Self {
        self.allow_non_finite = allow;
        self
    }

    /// Sets [`Self::fold_weight_norm`].
    pub fn fold_weight_norm(mut self, fold: bool) -> Self {
        self.fold_weight_norm = fold;
        self
    }
}

/// Whether `name` is a SCREAMING_CASE identifier: an ASCII capital letter, then capitals,
/// digits and underscores.
pub(crate) fn is_screaming_case(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('A'..='Z'))
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// The UpperCamelCase form of a SCREAMING_CASE name: `UPS_0` and `UPS0` give `Ups0`.
pub fn type_alias_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for part in name.split('_').filter(|p| !p.is_empty()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.extend(chars.flat_map(char::to_lowercase));
        }
    }
    out
}

/// The default static name for a tensor name or `.npy` file name: the `weight` suffix
/// and a `.npy` extension dropped, every run of other characters an underscore,
/// capitals, and `LAYER_` in front where that does not start with a letter:
/// `ups.0.weight` gives `UPS_0`, `conv_post.weight` `CONV_POST`, `0.weight` `LAYER_0`.
pub fn default_name(tensor: &str) -> String {
    let mut base = tensor;
    if base.to_ascii_lowercase().ends_with(".npy") {
        base = &base[..base.len() - 4];
    }
    for suffix in [".weight", "_weight", "weight"] {
        if base.len() > suffix.len() && base.ends_with(suffix) {
            base = &base[..base.len() - suffix.len()];
            break;
        }
    }
    let mut out = String::new();
    for c in base.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    if !out.starts_with(|c: char| c.is_ascii_uppercase()) {
        out = if out.is_empty() {
            "LAYER".to_string()
        } else {
            format!("LAYER_{out}")
        };
    }
    out
}
