//! [`Tensors`]: the tensors of a safetensors file, or the one tensor of a `.npy` file.

use std::collections::BTreeMap;
use std::path::Path;

use safetensors::{Dtype, SafeTensors};

use crate::error::{clip, shape_string, ImportError};
use crate::npy::{self, NPY_MAGIC};
use crate::st_header;

/// One tensor, as `float32` values in C order (the last dimension varies fastest).
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor {
    /// The tensor's name (for a `.npy` file, the file's name).
    pub name: String,
    /// Its shape; empty for a scalar.
    pub shape: Vec<usize>,
    /// Its elements in C order; exactly the product of `shape` of them.
    pub data: Vec<f32>,
}

/// Where a tensor of a safetensors file lies.
struct Entry {
    dtype: Dtype,
    shape: Vec<usize>,
    /// Byte range in the whole file.
    start: usize,
    end: usize,
}

enum Kind {
    Safetensors {
        bytes: Vec<u8>,
        entries: BTreeMap<String, Entry>,
    },
    Npy {
        header: npy::Header,
        bytes: Vec<u8>,
    },
}

/// The tensors of one checkpoint file: every tensor of a `.safetensors` file, or the
/// single tensor of a `.npy` file.
///
/// Opening checks the file's structure (header, offsets, length), so a truncated or
/// corrupt file is an [`ImportError::Format`] here; the element type is checked when a
/// tensor is read, so a file may hold tensors of other types that are never used.
pub struct Tensors {
    file: String,
    kind: Kind,
}

impl std::fmt::Debug for Tensors {
    /// The file and its tensors' names, not their bytes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tensors")
            .field("file", &self.file)
            .field("npy", &self.is_npy())
            .field("names", &self.names())
            .finish()
    }
}

/// Product of `dims`, or `None` on overflow.
pub(crate) fn checked_product(dims: &[usize]) -> Option<usize> {
    dims.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d))
}

/// The number of elements of an array of shape `dims`, as NumPy counts them (zero if
/// any dimension is, whatever the others), or `None` on overflow.
fn element_count(dims: &[usize]) -> Option<usize> {
    if dims.contains(&0) {
        Some(0)
    } else {
        checked_product(dims)
    }
}

/// The last component of `path`, or all of it.
pub(crate) fn file_name_of(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string())
}

/// A reading crate's error text on one line, at most 300 characters (a parser may quote
/// a whole header line).
fn tidy(message: &str) -> String {
    let words: Vec<&str> = message.split_whitespace().collect();
    let line = words.join(" ");
    if line.chars().count() <= 300 {
        line
    } else {
        let cut: String = line.chars().take(300).collect();
        format!("{cut}...")
    }
}

impl Tensors {
    /// Reads the file at `path`: a `.npy` file if its name ends in `.npy` or it starts
    /// with NumPy's magic bytes, a safetensors file otherwise.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, ImportError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_bytes(path.display().to_string(), bytes)
    }

    /// Reads a file's contents; `file` names it in messages and decides the format as
    /// in [`Tensors::open`] (a name ending in `.npy`, or NumPy's magic bytes, is npy).
    pub fn from_bytes(file: impl Into<String>, bytes: Vec<u8>) -> Result<Self, ImportError> {
        let file = file.into();
        let npy = file.to_ascii_lowercase().ends_with(".npy") || bytes.starts_with(NPY_MAGIC);
        let kind = if npy {
            Self::parse_npy(&file, bytes)?
        } else {
            Self::parse_safetensors(&file, bytes)?
        };
        Ok(Tensors { file, kind })
    }

    fn parse_safetensors(file: &str, bytes: Vec<u8>) -> Result<Kind, ImportError> {
        let format = |message: String| ImportError::Format {
            file: file.to_string(),
            message: format!("not a valid safetensors file: {message}"),
        };
        // Every offset, shape and length checked against the file first, so that the
        // crate's own (partly unchecked) arithmetic stays within the file's length.
        st_header::check(&bytes).map_err(format)?;
        let (header_len, metadata) =
            SafeTensors::read_metadata(&bytes).map_err(|e| format(tidy(&e.to_string())))?;
        // The data starts after the 8-byte length and the JSON header.
        let data_start = header_len
            .checked_add(8)
            .ok_or_else(|| format("header length overflows".to_string()))?;
        let mut entries = BTreeMap::new();
        for (name, info) in metadata.tensors() {
            let (s, e) = info.data_offsets;
            let (Some(start), Some(end)) = (data_start.checked_add(s), data_start.checked_add(e))
            else {
                return Err(format(format!("offsets of tensor `{name}` overflow")));
            };
            if start > end || end > bytes.len() {
                return Err(format(format!(
                    "tensor `{name}` lies outside the file (bytes {start}..{end} of {})",
                    bytes.len()
                )));
            }
            entries.insert(
                name,
                Entry {
                    dtype: info.dtype,
                    shape: info.shape.clone(),
                    start,
                    end,
                },
            );
        }
        Ok(Kind::Safetensors { bytes, entries })
    }

    fn parse_npy(file: &str, bytes: Vec<u8>) -> Result<Kind, ImportError> {
        let format = |message: String| ImportError::Format {
            file: file.to_string(),
            message: format!("not a valid .npy file: {message}"),
        };
        let header = npy::read_header(&bytes).map_err(format)?;
        let data_len = bytes.len() - header.data_start;
        // Element types other than float32 are refused when the tensor is read, but the
        // length is checked here for every type of known size, so that truncation is
        // found first.
        if let Some(item) = header.descr.item_size() {
            let wanted = element_count(&header.shape)
                .and_then(|n| n.checked_mul(item))
                .ok_or_else(|| {
                    format(format!(
                        "shape {} is too large (its byte count overflows usize)",
                        shape_string(&header.shape)
                    ))
                })?;
            if data_len != wanted {
                return Err(format(format!(
                    "the header announces shape {} of {} ({wanted} data bytes), but {data_len} \
                     data bytes follow{}",
                    shape_string(&header.shape),
                    header.descr.text(),
                    if data_len < wanted {
                        " (the file is truncated)"
                    } else {
                        ""
                    }
                )));
            }
        }
        Ok(Kind::Npy { header, bytes })
    }

    /// The file's name, as given to [`Tensors::open`] or [`Tensors::from_bytes`].
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Whether this is a `.npy` file (one tensor, read whatever name is asked for).
    pub fn is_npy(&self) -> bool {
        matches!(self.kind, Kind::Npy { .. })
    }

    /// The tensors' names, sorted; for a `.npy` file, the file's name.
    pub fn names(&self) -> Vec<String> {
        match &self.kind {
            Kind::Safetensors { entries, .. } => entries.keys().cloned().collect(),
            Kind::Npy { .. } => vec![file_name_of(&self.file)],
        }
    }

    /// Whether a safetensors file has a tensor `name` (a `.npy` file: whether `name` is
    /// its file name, as [`Tensors::names`] gives it).
    pub fn contains(&self, name: &str) -> bool {
        match &self.kind {
            Kind::Safetensors { entries, .. } => entries.contains_key(name),
            Kind::Npy { .. } => file_name_of(&self.file) == name,
        }
    }

    /// The tensor `name` as `float32` values in C order. For a `.npy` file `name` is
    /// ignored and the file's one tensor is returned, named after the file.
    ///
    /// # Errors
    /// [`ImportError::MissingTensor`] if there is no such tensor, [`ImportError::Dtype`]
    /// if it is not little-endian `float32`.
    pub fn tensor_f32(&self, name: &str) -> Result<Tensor, ImportError> {
        match &self.kind {
            Kind::Safetensors { bytes, entries } => {
                let entry = entries
                    .get(name)
                    .ok_or_else(|| ImportError::MissingTensor {
                        file: self.file.clone(),
                        name: name.to_string(),
                        available: self.names(),
                    })?;
                if entry.dtype != Dtype::F32 {
                    return Err(ImportError::Dtype {
                        name: name.to_string(),
                        found: entry.dtype.to_string(),
                        expected: "F32",
                    });
                }
                let raw = bytes
                    .get(entry.start..entry.end)
                    .ok_or_else(|| ImportError::Format {
                        file: self.file.clone(),
                        message: format!("tensor `{name}` lies outside the file"),
                    })?;
                let data = le_f32(raw);
                if checked_product(&entry.shape) != Some(data.len()) || raw.len() % 4 != 0 {
                    return Err(ImportError::Format {
                        file: self.file.clone(),
                        message: format!(
                            "tensor `{name}` has shape {} but {} bytes of data",
                            shape_string(&entry.shape),
                            raw.len()
                        ),
                    });
                }
                Ok(Tensor {
                    name: name.to_string(),
                    shape: entry.shape.clone(),
                    data,
                })
            }
            Kind::Npy { header, bytes } => {
                let tensor_name = file_name_of(&self.file);
                if !header.descr.is_f32() {
                    return Err(ImportError::Dtype {
                        name: tensor_name,
                        found: clip(header.descr.text()),
                        expected: "<f4 (little-endian float32)",
                    });
                }
                let raw = bytes.get(header.data_start..).unwrap_or_default();
                let stored = le_f32(raw);
                if element_count(&header.shape) != Some(stored.len()) || raw.len() % 4 != 0 {
                    return Err(ImportError::Format {
                        file: self.file.clone(),
                        message: format!(
                            "not a valid .npy file: shape {} but {} data bytes",
                            shape_string(&header.shape),
                            raw.len()
                        ),
                    });
                }
                let data = if header.fortran_order {
                    fortran_to_c(&header.shape, &stored)
                } else {
                    stored
                };
                Ok(Tensor {
                    name: tensor_name,
                    shape: header.shape.clone(),
                    data,
                })
            }
        }
    }
}

/// Little-endian `f32`s of `raw` (a trailing partial element is dropped; callers check).
fn le_f32(raw: &[u8]) -> Vec<f32> {
    raw.chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

/// Reorders Fortran-order (first index fastest) `data` of `shape` into C order.
/// `data.len()` is the product of `shape` (checked by the caller).
fn fortran_to_c(shape: &[usize], data: &[f32]) -> Vec<f32> {
    // Fortran strides: 1, d0, d0*d1, ... (no overflow: their product is data.len()).
    let mut strides = Vec::with_capacity(shape.len());
    let mut s = 1usize;
    for &d in shape {
        strides.push(s);
        s = s.saturating_mul(d);
    }
    let mut index = vec![0usize; shape.len()];
    let mut out = Vec::with_capacity(data.len());
    for _ in 0..data.len() {
        let offset: usize = index.iter().zip(&strides).map(|(i, s)| i * s).sum();
        out.push(data.get(offset).copied().unwrap_or(f32::NAN));
        // Next C-order index: the last dimension fastest.
        for (i, &d) in index.iter_mut().zip(shape).rev() {
            *i += 1;
            if *i < d {
                break;
            }
            *i = 0;
        }
    }
    out
}

/// Reads a `.npy` file of little-endian `float32`: its shape and its elements in C order
/// (a Fortran-order file is reordered). For build scripts and tests that need input or
/// expected-output arrays; [`crate::render_array`] writes them as Rust source.
///
/// # Errors
/// [`ImportError::Io`], [`ImportError::Format`] (also for a file that is not `.npy`),
/// [`ImportError::Dtype`].
pub fn read_npy_f32(path: impl AsRef<Path>) -> Result<(Vec<usize>, Vec<f32>), ImportError> {
    let tensors = Tensors::open(path)?;
    if !tensors.is_npy() {
        return Err(ImportError::Format {
            file: tensors.file().to_string(),
            message: "not a .npy file (its name does not end in `.npy` and it does not \
                      start with NumPy's magic bytes)"
                .to_string(),
        });
    }
    let tensor = tensors.tensor_f32("")?;
    Ok((tensor.shape, tensor.data))
}
