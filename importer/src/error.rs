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
                         `torch.nn.utils.parametrize.remove_parametrizations` before saving)"
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
                         (`--allow-non-finite` on the command line)"
                    ),
                }
            }
        }
    }
}

impl std::error::Error for ImportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ImportError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
