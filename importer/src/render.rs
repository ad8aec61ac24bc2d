//! Rust source for layers and arrays.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use conv_transpose::{Geometry, Q15};

use crate::error::{shape_string, ImportError};
use crate::spec::{is_screaming_case, type_alias_name, ElementType, LayerSpec};
use crate::tensors::{checked_product, file_name_of, Tensor, Tensors};

/// Lines are filled up to this many columns (rustfmt's default).
const WIDTH: usize = 100;

/// `f32::from_bits(0x3c23d70a)`: the exact bits, nothing lost to decimal printing.
fn f32_literal(v: f32) -> String {
    format!("f32::from_bits(0x{:08x})", v.to_bits())
}

/// `::conv_transpose::Q15::from_bits(-1234)`.
fn q15_literal(v: Q15) -> String {
    format!("::conv_transpose::Q15::from_bits({})", v.to_bits())
}

/// Writes `items` (C order) as nested array literals of `shape`: `indent` spaces, then
/// `prefix` and the opening bracket, ..., the closing bracket and `suffix`, and a newline.
/// An array that fits in [`WIDTH`] columns goes on one line; otherwise its elements go
/// on lines of their own, the innermost arrays' scalars filling lines to the width.
/// `items.len()` must be the product of `shape`.
fn write_nested(
    out: &mut String,
    indent: usize,
    prefix: &str,
    shape: &[usize],
    items: &[String],
    suffix: &str,
) {
    let pad = " ".repeat(indent);
    let Some((&first, inner)) = shape.split_first() else {
        // A scalar.
        let item = items.first().map(String::as_str).unwrap_or("");
        out.push_str(&format!("{pad}{prefix}{item}{suffix}\n"));
        return;
    };
    if inner.is_empty() {
        let one_line = format!("{pad}{prefix}[{}]{suffix}", items.join(", "));
        if one_line.len() <= WIDTH {
            out.push_str(&one_line);
            out.push('\n');
            return;
        }
        out.push_str(&format!("{pad}{prefix}[\n"));
        let inner_pad = " ".repeat(indent + 4);
        let mut line = String::new();
        for item in items {
            if !line.is_empty() && inner_pad.len() + line.len() + 1 + item.len() + 1 > WIDTH {
                out.push_str(&format!("{inner_pad}{line}\n"));
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(item);
            line.push(',');
        }
        if !line.is_empty() {
            out.push_str(&format!("{inner_pad}{line}\n"));
        }
        out.push_str(&format!("{pad}]{suffix}\n"));
        return;
    }
    // Try the whole thing on one line first (small arrays).
    let flat_len: usize = items.iter().map(|s| s.len() + 4).sum::<usize>() + indent + 8;
    if flat_len <= WIDTH {
        let mut one = String::new();
        write_flat(&mut one, shape, items);
        let one_line = format!("{pad}{prefix}{one}{suffix}");
        if one_line.len() <= WIDTH {
            out.push_str(&one_line);
            out.push('\n');
            return;
        }
    }
    out.push_str(&format!("{pad}{prefix}[\n"));
    let step = checked_product(inner).unwrap_or(0);
    for i in 0..first {
        let chunk = items.get(i * step..(i + 1) * step).unwrap_or_default();
        write_nested(out, indent + 4, "", inner, chunk, ",");
    }
    out.push_str(&format!("{pad}]{suffix}\n"));
}

/// `[[a, b], [c, d]]` on one line.
fn write_flat(out: &mut String, shape: &[usize], items: &[String]) {
    let Some((&first, inner)) = shape.split_first() else {
        out.push_str(items.first().map(String::as_str).unwrap_or(""));
        return;
    };
    let step = checked_product(inner).unwrap_or(0);
    out.push('[');
    for i in 0..first {
        if i > 0 {
            out.push_str(", ");
        }
        write_flat(
            out,
            inner,
            items.get(i * step..(i + 1) * step).unwrap_or_default(),
        );
    }
    out.push(']');
}

/// `[[f32; 3]; 2]` for shape `(2, 3)`.
fn array_type(element: &str, shape: &[usize]) -> String {
    shape
        .iter()
        .rev()
        .fold(element.to_string(), |t, d| format!("[{t}; {d}]"))
}

/// The weight and bias as read and checked.
struct Checked {
    weight: Tensor,
    bias: Option<Tensor>,
    geometry: Geometry,
    len_out: usize,
}

fn hyper(spec: &LayerSpec, message: String) -> ImportError {
    ImportError::Hyperparameters {
        name: spec.name.clone(),
        message,
    }
}

/// Checks the name and the hyper-parameters that need no tensor.
fn check_spec(spec: &LayerSpec) -> Result<(), ImportError> {
    if !is_screaming_case(&spec.name) {
        return Err(hyper(
            spec,
            "the name must be a SCREAMING_CASE Rust identifier (a capital letter, then capitals, \
             digits and underscores), such as `UPS_0`"
                .to_string(),
        ));
    }
    if type_alias_name(&spec.name) == "Self" {
        return Err(hyper(
            spec,
            "the type alias would be `Self`, a keyword; choose another name".to_string(),
        ));
    }
    for (what, value) in [
        ("the input length (--len)", spec.len_in),
        ("the stride", spec.stride),
        ("the dilation", spec.dilation),
        ("groups", spec.groups),
    ] {
        if value == 0 {
            return Err(hyper(spec, format!("{what} must be at least 1, not 0")));
        }
    }
    if spec.output_padding >= spec.stride && spec.output_padding >= spec.dilation {
        return Err(hyper(
            spec,
            format!(
                "the output padding {} must be smaller than max(stride {}, dilation {}), as \
                 PyTorch requires",
                spec.output_padding, spec.stride, spec.dilation
            ),
        ));
    }
    if let Some(out) = spec.out_channels {
        if out % spec.groups != 0 {
            return Err(hyper(
                spec,
                format!(
                    "out_channels {out} is not divisible by groups {}",
                    spec.groups
                ),
            ));
        }
    }
    if let Some(cin) = spec.in_channels {
        if cin % spec.groups != 0 {
            return Err(hyper(
                spec,
                format!(
                    "in_channels {cin} is not divisible by groups {}",
                    spec.groups
                ),
            ));
        }
    }
    Ok(())
}

/// Reads the weight (and bias) and checks them against `spec`.
fn check(tensors: &Tensors, spec: &LayerSpec) -> Result<Checked, ImportError> {
    check_spec(spec)?;
    let weight = tensors.tensor_f32(&spec.weight)?;
    let groups = spec.groups;

    // The wanted shape, with the dimensions the spec fixes.
    let dim = |v: Option<usize>, symbol: &str| v.map_or(symbol.to_string(), |v| v.to_string());
    let wanted = [
        spec.in_channels,
        spec.out_channels.map(|c| c / groups),
        spec.kernel,
    ];
    let expected = format!(
        "({}, {}, {})",
        dim(wanted[0], "CIN"),
        dim(wanted[1], "COUT/groups"),
        dim(wanted[2], "K")
    );
    let shape_error = |expected: String| ImportError::Shape {
        name: weight.name.clone(),
        expected,
        found: weight.shape.clone(),
    };
    let &[cin, cout_g, kernel] = weight.shape.as_slice() else {
        return Err(shape_error(format!(
            "{expected} (PyTorch's ConvTranspose1d weight is 3-d)"
        )));
    };
    if [cin, cout_g, kernel]
        .iter()
        .zip(&wanted)
        .any(|(&found, want)| want.is_some_and(|w| w != found))
    {
        return Err(shape_error(expected));
    }
    if cin == 0 || cout_g == 0 || kernel == 0 {
        return Err(shape_error(format!(
            "{expected} with every dimension at least 1"
        )));
    }
    if cin % groups != 0 {
        return Err(shape_error(format!(
            "(CIN, COUT/groups, K) with CIN divisible by groups = {groups}"
        )));
    }
    let cout = cout_g.checked_mul(groups).ok_or_else(|| {
        shape_error(format!(
            "(CIN, COUT/groups, K) with COUT = {cout_g} * groups {groups} fitting in usize"
        ))
    })?;
    if checked_product(&weight.shape) != Some(weight.data.len()) {
        return Err(ImportError::Format {
            file: tensors.file().to_string(),
            message: format!(
                "tensor `{}` has shape {} but {} elements",
                weight.name,
                shape_string(&weight.shape),
                weight.data.len()
            ),
        });
    }

    let geometry = Geometry {
        len_in: spec.len_in,
        in_channels: cin,
        out_channels: cout,
        groups,
        kernel,
        stride: spec.stride,
        padding: spec.padding,
        dilation: spec.dilation,
        output_padding: spec.output_padding,
    };
    let len_out = geometry.len_out().ok_or_else(|| {
        // Every other rule was checked above: the length is what fails.
        let (l, s, p, d, k, op) = (
            spec.len_in as i128,
            spec.stride as i128,
            spec.padding as i128,
            spec.dilation as i128,
            kernel as i128,
            spec.output_padding as i128,
        );
        let value = (l - 1)
            .checked_mul(s)
            .and_then(|a| d.checked_mul(k - 1).and_then(|b| a.checked_add(b)))
            .and_then(|a| a.checked_add(op + 1))
            .and_then(|a| a.checked_sub(p.checked_mul(2)?));
        let formula = format!(
            "(L-1)*S - 2*P + D*(K-1) + OP + 1 = ({l}-1)*{s} - 2*{p} + {d}*({k}-1) + {op} + 1"
        );
        match value {
            Some(v) if v < 1 => hyper(
                spec,
                format!("the output length {formula} = {v} is less than 1 (too much padding)"),
            ),
            _ => hyper(spec, format!("the output length {formula} overflows usize")),
        }
    })?;

    let bias = match &spec.bias {
        None => None,
        Some(name) => {
            let bias = if tensors.is_npy() {
                let file = Tensors::open(name)?;
                if !file.is_npy() {
                    return Err(ImportError::Format {
                        file: name.clone(),
                        message: "the bias of a .npy weight must be a .npy file too".to_string(),
                    });
                }
                file.tensor_f32(name)?
            } else {
                tensors.tensor_f32(name)?
            };
            if bias.shape.as_slice() != [cout] || bias.data.len() != cout {
                return Err(ImportError::Shape {
                    name: bias.name,
                    expected: if groups == 1 {
                        format!("({cout})")
                    } else {
                        format!("({cout}) (COUT = {cout_g} per group * groups {groups})")
                    },
                    found: bias.shape,
                });
            }
            Some(bias)
        }
    };
    Ok(Checked {
        weight,
        bias,
        geometry,
        len_out,
    })
}

/// The smallest `n >= 0` with `max_abs * 2^-n <= Q15::MAX` (exactly, in `f64`).
fn q15_shift(max_abs: f32) -> u32 {
    let limit = Q15::MAX.to_f64();
    let mut v = f64::from(max_abs);
    let mut n = 0;
    while v > limit {
        v *= 0.5;
        n += 1;
    }
    n
}

/// Quantises `t` scaled by `scale`; returns the literals and the largest rounding error
/// in float units.
fn quantise(t: &Tensor, scale: f64) -> (Vec<String>, f64) {
    let mut worst = 0.0f64;
    let items = t
        .data
        .iter()
        .map(|&w| {
            // `w * 2^-n` is exact in f64, and in f32 wherever it matters (a value below
            // 2^-126 rounds to zero either way), so this is `Q15::from_f32(w * 2^-n)`.
            let q = Q15::from_f32((f64::from(w) * scale) as f32);
            worst = worst.max((q.to_f64() / scale - f64::from(w)).abs());
            q15_literal(q)
        })
        .collect();
    (items, worst)
}

/// The C-order index of element `flat` of `shape`.
fn unflatten(shape: &[usize], mut flat: usize) -> Vec<usize> {
    let mut index = vec![0; shape.len()];
    for (i, &d) in index.iter_mut().zip(shape).rev() {
        if d > 0 {
            *i = flat % d;
            flat /= d;
        }
    }
    index
}

/// The Rust source for one layer: doc comments, `pub type Alias = GroupedConvTranspose1d<..>;`
/// and `pub static NAME: Alias = Alias::from_torch(&[...], bias);`, plus, for
/// [`ElementType::Q15`], `pub const NAME_SHIFT: u32`.
///
/// `f32` weights are written as their exact bits (`f32::from_bits(0x3c23d70a)`) in
/// PyTorch's layout `(CIN, COUT/G, K)`, exactly as stored; `from_torch` repacks them at
/// compile time. For Q15 the weights and bias are scaled by `2^-n`, the smallest power of
/// two that brings the largest magnitude of either to at most `Q15::MAX`, and rounded
/// with `Q15::from_f32`.
///
/// # Errors
/// Any [`ImportError`] but `Io` (and that too for a `.npy` bias): the name, the
/// hyper-parameters, the tensors' presence, element type and shapes are all checked, so
/// that the source compiles.
pub fn render(tensors: &Tensors, spec: &LayerSpec) -> Result<String, ImportError> {
    let Checked {
        weight,
        bias,
        geometry: g,
        len_out,
    } = check(tensors, spec)?;
    let name = &spec.name;
    let alias = type_alias_name(name);
    let cout_g = g.out_per_group();
    let mut out = String::new();

    let bias_doc = match &bias {
        Some(b) => format!("bias `{}` ({})", b.name, g.out_channels),
        None => "no bias".to_string(),
    };
    out.push_str(&format!(
        "/// `{}`: PyTorch (CIN, COUT/G, K) = ({}, {cout_g}, {}), f32, from `{}`; {bias_doc}.\n",
        weight.name,
        g.in_channels,
        g.kernel,
        file_name_of(tensors.file()),
    ));
    out.push_str(&format!(
        "/// `nn.ConvTranspose1d({}, {}, {}, stride={}, padding={}, output_padding={}, \
         groups={}, dilation={}{})` on {} input frames: {len_out} output frames.\n",
        g.in_channels,
        g.out_channels,
        g.kernel,
        g.stride,
        g.padding,
        g.output_padding,
        g.groups,
        g.dilation,
        if bias.is_some() { "" } else { ", bias=False" },
        g.len_in,
    ));

    let (weight_items, bias_items) = match spec.element {
        ElementType::F32 => {
            out.push_str(&format!(
                "pub type {alias} = ::conv_transpose::GroupedConvTranspose1d<{}, {}, {}, {cout_g}, \
                 {}, {}, {}, {}, {}, f32>;\n",
                g.len_in,
                g.in_channels,
                g.out_channels,
                g.kernel,
                g.stride,
                g.padding,
                g.dilation,
                g.output_padding
            ));
            out.push_str(
                "/// The layer, its weights repacked for the kernels at compile time by \
                 `from_torch`.\n",
            );
            let w: Vec<String> = weight.data.iter().map(|&v| f32_literal(v)).collect();
            let b = bias
                .as_ref()
                .map(|b| b.data.iter().map(|&v| f32_literal(v)).collect::<Vec<_>>());
            (w, b)
        }
        ElementType::Q15 => {
            // NaN and infinity have no Q15 value: name the first one.
            for t in std::iter::once(&weight).chain(bias.as_ref()) {
                if let Some(i) = t.data.iter().position(|v| !v.is_finite()) {
                    return Err(ImportError::NonFinite {
                        name: t.name.clone(),
                        index: unflatten(&t.shape, i),
                        value: t.data.get(i).copied().unwrap_or(f32::NAN),
                    });
                }
            }
            let max_abs = weight
                .data
                .iter()
                .chain(bias.iter().flat_map(|b| &b.data))
                .fold(0.0f32, |m, v| m.max(v.abs()));
            let shift = q15_shift(max_abs);
            let scale = 0.5f64.powi(shift as i32);
            let (w, w_err) = quantise(&weight, scale);
            let (b, b_err) = match &bias {
                Some(b) => {
                    let (items, err) = quantise(b, scale);
                    (Some(items), Some(err))
                }
                None => (None, None),
            };
            out.push_str(&format!(
                "pub type {alias} = ::conv_transpose::GroupedConvTranspose1d<{}, {}, {}, {cout_g}, \
                 {}, {}, {}, {}, {}, ::conv_transpose::Q15>;\n",
                g.len_in,
                g.in_channels,
                g.out_channels,
                g.kernel,
                g.stride,
                g.padding,
                g.dilation,
                g.output_padding
            ));
            out.push_str(&format!(
                "/// `{name}` computes the float layer's output times 2^-{shift} (weights and bias \
                 were scaled by 2^-{shift} before rounding to Q15).\n"
            ));
            out.push_str(&format!("pub const {name}_SHIFT: u32 = {shift};\n"));
            out.push_str(&format!(
                "/// The layer in Q15, its weights repacked for the kernels at compile time by \
                 `from_torch`.\n/// Largest rounding error of a weight: {w_err:.3e}{} (in the float \
                 weights' units, the 2^-{shift} scaling undone).\n",
                b_err
                    .map(|e| format!(", of the bias: {e:.3e}"))
                    .unwrap_or_default()
            ));
            (w, b)
        }
    };
    // Pasted into a crate's sources, the long array stays as written under `cargo fmt`.
    out.push_str("#[rustfmt::skip]\n");
    out.push_str(&format!(
        "pub static {name}: {alias} = {alias}::from_torch(\n"
    ));
    write_nested(
        &mut out,
        4,
        "&",
        &[g.in_channels, cout_g, g.kernel],
        &weight_items,
        ",",
    );
    match &bias_items {
        Some(items) => write_nested(&mut out, 4, "Some(&", &[g.out_channels], items, "),"),
        None => out.push_str("    None,\n"),
    }
    out.push_str(");\n");
    Ok(out)
}

/// The whole generated file for `specs` from `tensors`: a header comment that says it is
/// generated and from which file, then each layer as [`render`] writes it.
///
/// # Errors
/// The first layer's error, or [`ImportError::Hyperparameters`] if two layers share a
/// name or a type alias.
pub fn render_file(tensors: &Tensors, specs: &[LayerSpec]) -> Result<String, ImportError> {
    let mut seen = HashSet::new();
    for spec in specs {
        let alias = type_alias_name(&spec.name);
        if !seen.insert(alias.clone()) {
            return Err(hyper(
                spec,
                format!("another layer already has this name or the type alias `{alias}`"),
            ));
        }
    }
    let mut out = format!(
        "// @generated by conv-transpose-import {} from `{}`. Do not edit: regenerate it.\n",
        env!("CARGO_PKG_VERSION"),
        tensors.file()
    );
    for spec in specs {
        out.push('\n');
        out.push_str(&render(tensors, spec)?);
    }
    Ok(out)
}

/// Renders every spec from the file at `tensors_path` into `out_dir/file_name` (as
/// [`render_file`]) and returns that path. [`write_out_dir`] is this for build scripts.
///
/// # Errors
/// [`ImportError::Io`] if the file cannot be read or the output written, and any error
/// of [`render_file`].
pub fn write_to_dir(
    out_dir: impl AsRef<Path>,
    file_name: &str,
    tensors_path: impl AsRef<Path>,
    specs: &[LayerSpec],
) -> Result<PathBuf, ImportError> {
    let tensors = Tensors::open(tensors_path)?;
    let text = render_file(&tensors, specs)?;
    let path = out_dir.as_ref().join(file_name);
    std::fs::write(&path, text).map_err(|source| ImportError::Io {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

/// For a build script: renders every spec from the file at `tensors_path` into
/// `$OUT_DIR/file_name`, prints `cargo:rerun-if-changed=` for that file (and for `.npy`
/// bias files), and returns the written path, for
/// `include!(concat!(env!("OUT_DIR"), "/model.rs"));`.
///
/// # Errors
/// [`ImportError::Io`] if `OUT_DIR` is not set (outside a build script), and any error of
/// [`write_to_dir`].
pub fn write_out_dir(
    file_name: &str,
    tensors_path: impl AsRef<Path>,
    specs: &[LayerSpec],
) -> Result<PathBuf, ImportError> {
    let tensors_path = tensors_path.as_ref();
    let out_dir = std::env::var_os("OUT_DIR").ok_or_else(|| ImportError::Io {
        path: PathBuf::from("$OUT_DIR"),
        source: std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "the variable is not set: write_out_dir is for build scripts (use write_to_dir \
             elsewhere)",
        ),
    })?;
    println!("cargo:rerun-if-changed={}", tensors_path.display());
    let npy = tensors_path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("npy"));
    if npy {
        for bias in specs.iter().filter_map(|s| s.bias.as_ref()) {
            println!("cargo:rerun-if-changed={bias}");
        }
    }
    write_to_dir(out_dir, file_name, tensors_path, specs)
}

/// `pub static NAME: [[f32; d1]; d0] = [[f32::from_bits(0x...), ...], ...];`: an array of
/// any rank (a scalar for an empty shape) with the exact bits of `data` (C order), as
/// [`crate::read_npy_f32`] returns it. For inputs and expected outputs in tests.
///
/// # Errors
/// [`ImportError::Hyperparameters`] if `name` is not a SCREAMING_CASE identifier,
/// [`ImportError::Shape`] if `data.len()` is not the product of `shape`.
pub fn try_render_array(name: &str, shape: &[usize], data: &[f32]) -> Result<String, ImportError> {
    if !is_screaming_case(name) {
        return Err(ImportError::Hyperparameters {
            name: name.to_string(),
            message: "the name must be a SCREAMING_CASE Rust identifier".to_string(),
        });
    }
    if checked_product(shape) != Some(data.len()) {
        return Err(ImportError::Shape {
            name: name.to_string(),
            expected: format!("{} elements in all", data.len()),
            found: shape.to_vec(),
        });
    }
    let items: Vec<String> = data.iter().map(|&v| f32_literal(v)).collect();
    let mut out = String::new();
    write_nested(
        &mut out,
        0,
        &format!("pub static {name}: {} = ", array_type("f32", shape)),
        shape,
        &items,
        ";",
    );
    Ok(out)
}

/// [`try_render_array`] for names and data the program itself controls.
///
/// # Panics
/// Where [`try_render_array`] returns an error: `name` is not SCREAMING_CASE, or
/// `data.len()` is not the product of `shape`.
pub fn render_array(name: &str, shape: &[usize], data: &[f32]) -> String {
    match try_render_array(name, shape, data) {
        Ok(s) => s,
        Err(e) => panic!("render_array: {e}"),
    }
}
