//! [`ImportError`]: everything that can go wrong between a checkpoint and the Rust source.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::spec::ElementType;

/// How many tensor names [`ImportError::MissingTensor`]'s message lists before it stops.
const LISTED_NAMES: usize = 20;

/// An error while reading a checkpoint or turning it into Rust source.
///
/// Every message names the file, tensor or layer it is about. None of the functions of
/// this crate panics on a malformed file: they return one of these instead.
#[derive(Debug)]
#[non_exhaustive]
pub enum ImportError {
    /// A file could not be read or written.
    Io {
        /// The file (or, for a missing `OUT_DIR`, the variable's name).
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// The bytes are not a valid safetensors or `.npy` file (truncated, bad header, ...).
    Format {
        /// The file, as it was named when opened.
        file: String,
        /// What is wrong, with the reading crate's own words where it gave some.
        message: String,
    },
    /// The file has no tensor of that name.
    MissingTensor {
        /// The file, as it was named when opened.
        file: String,
        /// The tensor asked for.
        name: String,
        /// The tensors the file does have, sorted.
        available: Vec<String>,
    },
    /// The tensor's element type is not the one accepted (`float32`).
    Dtype {
        /// The tensor (for a `.npy` file, the file's name).
        name: String,
        /// Its element type as the file spells it (`F64`, `<f8`, ...).
        found: String,
        /// The element type accepted, as the file format spells it.
        expected: &'static str,
    },
    /// The tensor's shape does not fit the layer.
    Shape {
        /// The tensor (for a `.npy` file, the file's name).
        name: String,
        /// The shape wanted, as a readable description such as `(64, 32, 16)`.
        expected: String,
        /// The shape found in the file.
        found: Vec<usize>,
    },
    /// The layer's hyper-parameters or name are invalid (stride 0, output padding too
    /// large, output shorter than one frame, a name that is no Rust identifier, ...).
    Hyperparameters {
        /// The layer (the Rust static's name).
        name: String,
        /// Which rule is broken, with the numbers.
        message: String,
    },
    /// A weight or bias is NaN or infinite: refused for an `f32` layer unless
    /// [`crate::LayerSpec::allow_non_finite`] is set (`--allow-non-finite`), since it makes
    /// the layer's outputs NaN or infinite, and always for a Q15 layer, which cannot hold it.
    NonFinite {
        /// The tensor.
        name: String,
        /// The element's index, one entry per dimension.
        index: Vec<usize>,
        /// The element's value.
        value: f32,
        /// The element's position in the tensor's elements in C order (PyTorch's
        /// `t.flatten()[flat_index]`).
        flat_index: usize,
        /// The element type of the layer being generated.
        element: ElementType,
    },
    /// A weight is absent and only one half of its weight normalisation is there.
    WeightNorm {
        /// The weight asked for (`ups.0.weight`).
        weight: String,
        /// The half that is there (`ups.0.weight_g`).
        present: String,
        /// The half that is missing (`ups.0.weight_v`).
        missing: String,
    },
    /// A network description is not valid: not TOML, an unknown or missing key, a value
    /// of the wrong type, fewer than two layers, a name that is no identifier, ...
    Description {
        /// The description's file (or the name given to an in-memory one).
        file: String,
        /// What is wrong; TOML's own words, with the line, where it gave some.
        message: String,
    },
    /// An error in one layer of a network description: the layer's number (from 1) and
    /// weight name, and the error itself.
    InLayer {
        /// The layer's number in the description, counted from 1.
        layer: usize,
        /// Its `weight` key (empty if the entry had none).
        weight: String,
        /// What is wrong with it.
        source: Box<ImportError>,
    },
    /// A layer of a network does not take the channels the previous one gives.
    Channels {
        /// The layer's number (from 1).
        layer: usize,
        /// Its weight tensor.
        weight: String,
        /// The input channels its weight has (its first dimension).
        in_channels: usize,
        /// The previous layer's weight tensor.
        previous_weight: String,
        /// The previous layer's output channels (`groups` times its weight's middle
        /// dimension).
        out_channels: usize,
        /// The previous layer's `groups`.
        previous_groups: usize,
    },
}

impl ImportError {
    /// The error itself, through any [`ImportError::InLayer`] around it.
    pub fn innermost(&self) -> &ImportError {
        match self {
            ImportError::InLayer { source, .. } => source.innermost(),
            e => e,
        }
    }
}

/// At most 100 characters of `text`, for messages about hostile files (a name or a
/// shape can be as long as the file).
pub(crate) fn clip(text: &str) -> String {
    if text.chars().count() <= 100 {
        text.to_string()
    } else {
        let cut: String = text.chars().take(100).collect();
        format!("{cut}...")
    }
}

/// `(a, b, c)`.
pub(crate) fn shape_string(shape: &[usize]) -> String {
    let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
    format!("({})", dims.join(", "))
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Io { path, source } => write!(f, "`{}`: {source}", path.display()),
            ImportError::Format { file, message } => write!(f, "`{file}`: {message}"),
            ImportError::MissingTensor {
                file,
                name,
                available,
            } => {
                write!(f, "`{file}` has no tensor `{name}`")?;
                if available.is_empty() {
                    return write!(f, "; it holds no tensors at all");
                }
                write!(f, "; it has {} tensor(s): ", available.len())?;
                let shown: Vec<String> = available
                    .iter()
                    .take(LISTED_NAMES)
                    .map(|n| format!("`{n}`"))
                    .collect();
                write!(f, "{}", shown.join(", "))?;
                if available.len() > LISTED_NAMES {
                    write!(f, ", ... and {} more", available.len() - LISTED_NAMES)?;
                }
                let weight_norm = available.iter().any(|n| {
                    n.ends_with(".weight_g")
                        || n.ends_with(".weight_v")
                        || n.contains(".parametrizations.weight.")
                });
                if weight_norm {
                    write!(
                        f,
                        " (the model uses weight normalisation: call \
                         `torch.nn.utils.remove_weight_norm` or \
                         `torch.nn.utils.parametrize.remove_parametrizations` before saving, \
                         or let the importer fold it: `LayerSpec::fold_weight_norm(true)`, \
                         `--fold-weight-norm`; network descriptions always fold)"
                    )?;
                }
                Ok(())
            }
            ImportError::Dtype {
                name,
                found,
                expected,
            } => write!(
                f,
                "tensor `{name}` has element type {found}, but only {expected} is accepted: \
                 convert it in PyTorch with `.float()` before saving \
                 (e.g. `{{k: v.float() for k, v in model.state_dict().items()}}`)"
            ),
            ImportError::Shape {
                name,
                expected,
                found,
            } => write!(
                f,
                "tensor `{name}`: expected shape {expected}, found {}",
                shape_string(found)
            ),
            ImportError::Hyperparameters { name, message } => {
                write!(f, "layer `{name}`: {message}")
            }
            ImportError::NonFinite {
                name,
                index,
                value,
                flat_index,
                element,
            } => {
                write!(
                    f,
                    "tensor `{name}`: element {flat_index} (index {}) is {value}",
                    shape_string(index)
                )?;
                match element {
                    ElementType::Q15 => write!(f, ", which a Q15 layer cannot hold"),
                    ElementType::F32 => write!(
                        f,
                        ", which would make the layer's outputs NaN or infinite; fix the \
                         checkpoint, or keep the value with `LayerSpec::allow_non_finite(true)` \
                         (`--allow-non-finite` on the command line, `allow_non_finite = true` \
                         in a network description)"
                    ),
                }
            }
            ImportError::WeightNorm {
                weight,
                present,
                missing,
            } => write!(
                f,
                "tensor `{weight}` is absent and `{present}` is there, but `{missing}`, the other \
                 half of its weight normalisation, is missing"
            ),
            ImportError::Description { file, message } => {
                write!(f, "network description `{file}`: {message}")
            }
            ImportError::InLayer {
                layer,
                weight,
                source,
            } => {
                if weight.is_empty() {
                    write!(f, "layer {layer}: {source}")
                } else {
                    write!(f, "layer {layer} (`{weight}`): {source}")
                }
            }
            ImportError::Channels {
                layer,
                weight,
                in_channels,
                previous_weight,
                out_channels,
                previous_groups,
            } => write!(
                f,
                "layer {layer} (`{weight}`) takes {in_channels} input channels but layer {} \
                 (`{previous_weight}`) gives {out_channels} (groups {previous_groups} times \
                 {} per group): is `groups` right?",
                layer.saturating_sub(1),
                out_channels / (*previous_groups).max(1),
            ),
        }
    }
}

impl std::error::Error for ImportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ImportError::Io { source, .. } => Some(source),
            ImportError::InLayer { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}
