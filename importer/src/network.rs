//! A whole network from one description: [`Network`], read from TOML, and
//! [`render_network`](crate::render_network), which writes every layer, the whole-signal chain and the stream
//! chain over the same weights.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;

use crate::error::ImportError;
use crate::spec::is_screaming_case;

/// An activation of a network description: between two layers (a layer's `activation`)
/// or after the last one (`output_activation`). Written as PyTorch names them in
/// `torch.nn.functional`: `"identity"`, `"relu"`, `"leaky_relu(SLOPE)"` (`"leaky_relu"`
/// alone is PyTorch's default slope, 0.01) or `"tanh"`.
///
/// ```
/// use conv_transpose_import::Activation;
///
/// assert_eq!("leaky_relu(0.1)".parse::<Activation>(), Ok(Activation::LeakyRelu(0.1)));
/// assert_eq!("tanh".parse::<Activation>(), Ok(Activation::Tanh));
/// assert!("gelu".parse::<Activation>().is_err());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize)]
#[serde(try_from = "String")]
pub enum Activation {
    /// None: `conv_transpose::Identity`.
    #[default]
    Identity,
    /// `conv_transpose::Relu`, PyTorch's `nn.ReLU`.
    Relu,
    /// `conv_transpose::LeakyRelu(slope)`, PyTorch's `nn.LeakyReLU(slope)` (the slope
    /// rounded to `f32`, as PyTorch computes with it on `float32` tensors).
    LeakyRelu(f32),
    /// `conv_transpose::Tanh`, PyTorch's `nn.Tanh`.
    Tanh,
}

impl FromStr for Activation {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let unknown = || {
            format!(
                "unknown activation `{}`: expected \"identity\", \"relu\", \"leaky_relu(SLOPE)\" \
                 or \"tanh\"",
                crate::error::clip(text)
            )
        };
        let t = text.trim();
        match t {
            "identity" => return Ok(Activation::Identity),
            "relu" => return Ok(Activation::Relu),
            "tanh" => return Ok(Activation::Tanh),
            "leaky_relu" => return Ok(Activation::LeakyRelu(0.01)),
            _ => {}
        }
        let slope = t
            .strip_prefix("leaky_relu(")
            .and_then(|rest| rest.strip_suffix(')'))
            .ok_or_else(unknown)?;
        let slope: f32 = slope.trim().parse().map_err(|_| {
            format!(
                "`{}`: the slope of leaky_relu must be a number, such as leaky_relu(0.1)",
                crate::error::clip(text)
            )
        })?;
        if !slope.is_finite() {
            return Err(format!(
                "`{}`: the slope of leaky_relu must be finite",
                crate::error::clip(text)
            ));
        }
        Ok(Activation::LeakyRelu(slope))
    }
}

impl TryFrom<String> for Activation {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        text.parse()
    }
}

impl fmt::Display for Activation {
    /// As a description writes it: `leaky_relu(0.1)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Activation::Identity => write!(f, "identity"),
            Activation::Relu => write!(f, "relu"),
            Activation::LeakyRelu(s) => write!(f, "leaky_relu({s:?})"),
            Activation::Tanh => write!(f, "tanh"),
        }
    }
}

impl Activation {
    /// The type, as generated source names it (`::conv_transpose::LeakyRelu`).
    pub(crate) fn type_path(self) -> &'static str {
        match self {
            Activation::Identity => "::conv_transpose::Identity",
            Activation::Relu => "::conv_transpose::Relu",
            Activation::LeakyRelu(_) => "::conv_transpose::LeakyRelu",
            Activation::Tanh => "::conv_transpose::Tanh",
        }
    }

    /// A value, as generated source writes it. The slope is printed as the shortest
    /// decimal that reads back as the same `f32`.
    pub(crate) fn value(self) -> String {
        match self {
            Activation::LeakyRelu(s) => format!("::conv_transpose::LeakyRelu({s:?})"),
            other => other.type_path().to_string(),
        }
    }
}

/// A layer's crops in a network description: `padding = P` (PyTorch's symmetric
/// padding) or `padding = [LEFT, RIGHT]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Padding {
    /// `P` frames cropped from each end.
    Symmetric(usize),
    /// `LEFT` frames cropped from the left end, `RIGHT` from the right.
    LeftRight(usize, usize),
}

impl<'de> Deserialize<'de> for Padding {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Padding;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(
                    f,
                    "a non-negative integer (both ends) or [left, right] (two of them)"
                )
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Padding, E> {
                usize::try_from(v)
                    .map(Padding::Symmetric)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Padding, E> {
                usize::try_from(v)
                    .map(Padding::Symmetric)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Padding, A::Error> {
                let left: usize = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let right: usize = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(1, &self))?;
                if seq.next_element::<de::IgnoredAny>()?.is_some() {
                    return Err(de::Error::invalid_length(3, &self));
                }
                Ok(Padding::LeftRight(left, right))
            }
        }
        d.deserialize_any(V)
    }
}

/// A layer's bias in a network description.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Bias {
    /// No `bias` key: `PREFIX.bias` if the file has it (for a weight `PREFIX.weight`),
    /// none otherwise.
    #[default]
    Auto,
    /// `bias = "NAME"`: that tensor, which must be there.
    Named(String),
    /// `bias = true`: `PREFIX.bias`, which must be there.
    Required,
    /// `bias = false`: none (PyTorch's `bias=False`).
    Off,
}

impl<'de> Deserialize<'de> for Bias {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Bias;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a tensor name, true or false")
            }

            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Bias, E> {
                Ok(if v { Bias::Required } else { Bias::Off })
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Bias, E> {
                Ok(Bias::Named(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

fn one() -> usize {
    1
}

/// One `[[layer]]` of a network description: a `nn.ConvTranspose1d`'s tensors and
/// hyper-parameters, and the activation after it. See the [crate docs](crate) for the
/// keys.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkLayer {
    /// The weight tensor, PyTorch's `(CIN, COUT/groups, K)`; where the file has no such
    /// tensor but its weight normalisation, it is folded (see [`Tensors::weight_f32`](crate::Tensors::weight_f32)).
    pub weight: String,
    /// The layer's name, SCREAMING_CASE, after the network's and an underscore (default:
    /// [`default_name`](crate::default_name) of the weight, `ups.0.weight` giving `UPS_0`).
    #[serde(default)]
    pub name: Option<String>,
    /// The bias.
    #[serde(default)]
    pub bias: Bias,
    /// Stride `S`.
    pub stride: usize,
    /// The crops (default 0); not with `causal`.
    #[serde(default)]
    pub padding: Option<Padding>,
    /// A causal layer: nothing cropped on the left, `D*(K-1) + OP + 1 - S` on the right
    /// ([`CropRight::Causal`](crate::CropRight::Causal)).
    #[serde(default)]
    pub causal: bool,
    /// Dilation `D` (default 1).
    #[serde(default = "one")]
    pub dilation: usize,
    /// Output padding `OP` (default 0).
    #[serde(default)]
    pub output_padding: usize,
    /// Groups (default 1).
    #[serde(default = "one")]
    pub groups: usize,
    /// If given, the input channels the weight must have.
    #[serde(default)]
    pub in_channels: Option<usize>,
    /// If given, the output channels the layer must have.
    #[serde(default)]
    pub out_channels: Option<usize>,
    /// If given, the kernel size the weight must have.
    #[serde(default)]
    pub kernel: Option<usize>,
    /// The activation between this layer and the next (default none); not allowed on the
    /// last layer, whose activation is the network's `output_activation`.
    #[serde(default)]
    pub activation: Option<Activation>,
}

/// A network description: ConvTranspose1d layers in a row, the activations between
/// them, and the input length. [`Network::from_toml`] reads one; [`render_network`](crate::render_network)
/// writes its Rust source. See the [crate docs](crate) for the file's keys and an
/// example.
#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    /// The description's file name, for messages (`from_toml`'s `file`).
    pub file: String,
    /// The prefix of every generated item, SCREAMING_CASE (`DECODER`).
    pub name: String,
    /// Input frames of the whole signal, into the first layer.
    pub input_len: usize,
    /// The first layer's block length when streaming (default 1); each next layer's
    /// block is the previous one's block output, `L*S`.
    pub stream_block: usize,
    /// The activation after the last layer (default none), generated as a type alias and
    /// a `const` to pass to `forward_act` and `push_act`.
    pub output_activation: Activation,
    /// Keep NaN and infinite weights and bias values (default `false`).
    pub allow_non_finite: bool,
    /// The layers, first to last.
    pub layers: Vec<NetworkLayer>,
}

/// The file's top level; layers are read one by one, so that an error names its layer.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNetwork {
    name: String,
    input_len: usize,
    #[serde(default = "one")]
    stream_block: usize,
    #[serde(default)]
    output_activation: Activation,
    #[serde(default)]
    allow_non_finite: bool,
    #[serde(default)]
    layer: Vec<toml::Spanned<toml::Table>>,
}

/// The largest description read, in bytes: a network of a thousand layers is far less.
const MAX_DESCRIPTION: usize = 1 << 20;

/// The most layers a network has: its chain types nest one `chain!` a layer, and rustc
/// expands macros 128 deep at most.
pub const MAX_LAYERS: usize = 64;

impl Network {
    /// Reads a description from TOML `text`; `file` names it in messages. Only the
    /// description itself is checked here (its keys, their types, at least two layers,
    /// names, activations and crops that need no tensor, at most [`MAX_LAYERS`] layers);
    /// [`render_network`](crate::render_network) checks it against the checkpoint.
    ///
    /// # Errors
    /// [`ImportError::Description`] for TOML that is not a description (with TOML's
    /// message and line), [`ImportError::InLayer`] around it for a layer's entry.
    pub fn from_toml(file: impl Into<String>, text: &str) -> Result<Network, ImportError> {
        let file = file.into();
        let description = |message: String| ImportError::Description {
            file: file.clone(),
            message,
        };
        if text.len() > MAX_DESCRIPTION {
            return Err(description(format!(
                "{} bytes is more than a description can be ({MAX_DESCRIPTION})",
                text.len()
            )));
        }
        let raw: RawNetwork =
            toml::from_str(text).map_err(|e| description(e.to_string().trim_end().to_string()))?;
        let mut layers = Vec::with_capacity(raw.layer.len());
        for (i, spanned) in raw.layer.into_iter().enumerate() {
            let line = text
                .get(..spanned.span().start)
                .map_or(0, |t| t.matches('\n').count())
                + 1;
            let table = spanned.into_inner();
            let weight = table
                .get("weight")
                .and_then(toml::Value::as_str)
                .unwrap_or_default()
                .to_string();
            let layer: NetworkLayer = table.try_into().map_err(|e: toml::de::Error| {
                in_layer(
                    i,
                    &weight,
                    description(format!(
                        "{} (in the [[layer]] entry at line {line})",
                        e.message().trim_end()
                    )),
                )
            })?;
            layers.push(layer);
        }
        let net = Network {
            file,
            name: raw.name,
            input_len: raw.input_len,
            stream_block: raw.stream_block,
            output_activation: raw.output_activation,
            allow_non_finite: raw.allow_non_finite,
            layers,
        };
        net.validate()?;
        Ok(net)
    }

    /// Reads the description at `path` ([`Network::from_toml`], named by its path).
    ///
    /// # Errors
    /// [`ImportError::Io`] if it cannot be read, [`ImportError::Description`] if it is
    /// not UTF-8, and the errors of [`Network::from_toml`].
    pub fn open(path: impl AsRef<Path>) -> Result<Network, ImportError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let file = path.display().to_string();
        let text = String::from_utf8(bytes).map_err(|_| ImportError::Description {
            file: file.clone(),
            message: "not UTF-8 text".to_string(),
        })?;
        Network::from_toml(file, &text)
    }

    pub(crate) fn description(&self, message: String) -> ImportError {
        ImportError::Description {
            file: self.file.clone(),
            message,
        }
    }

    /// The checks that need no tensor.
    pub(crate) fn validate(&self) -> Result<(), ImportError> {
        if !is_screaming_case(&self.name) {
            return Err(self.description(format!(
                "the name `{}` must be a SCREAMING_CASE Rust identifier (a capital letter, then \
                 capitals, digits and underscores), such as `DECODER`",
                crate::error::clip(&self.name)
            )));
        }
        for (what, value) in [
            ("input_len", self.input_len),
            ("stream_block", self.stream_block),
        ] {
            if value == 0 {
                return Err(self.description(format!("{what} must be at least 1, not 0")));
            }
        }
        if self.layers.len() < 2 {
            return Err(self.description(format!(
                "a network needs at least two [[layer]] entries, not {} (for one layer, use a \
                 LayerSpec, or the command line without --network)",
                self.layers.len()
            )));
        }
        if self.layers.len() > MAX_LAYERS {
            return Err(self.description(format!(
                "a network has at most {MAX_LAYERS} layers (its chain types nest one a layer), \
                 not {}",
                self.layers.len()
            )));
        }
        let last = self.layers.len() - 1;
        for (i, layer) in self.layers.iter().enumerate() {
            let err = |message: String| in_layer(i, &layer.weight, self.description(message));
            if i == last {
                if let Some(act) = layer.activation {
                    return Err(err(format!(
                        "the last layer takes no `activation` (`{act}`): the activation after \
                         it is the network's `output_activation`"
                    )));
                }
            }
            if layer.causal && layer.padding.is_some() {
                return Err(err(
                    "`causal = true` sets both crops itself; drop `padding`".to_string(),
                ));
            }
            if let Some(Activation::LeakyRelu(s)) = layer.activation {
                if !s.is_finite() {
                    return Err(err("the slope of leaky_relu must be finite".to_string()));
                }
            }
        }
        if let Activation::LeakyRelu(s) = self.output_activation {
            if !s.is_finite() {
                return Err(self
                    .description("the slope of the output leaky_relu must be finite".to_string()));
            }
        }
        Ok(())
    }
}

/// `error` as the error of layer `index` (from 0).
pub(crate) fn in_layer(index: usize, weight: &str, error: ImportError) -> ImportError {
    ImportError::InLayer {
        layer: index + 1,
        weight: weight.to_string(),
        source: Box::new(error),
    }
}
