//! Rust source for layers, and the files of build scripts.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use conv_transpose::{Geometry, Q15};

use crate::array::{f32_literal, q15_literal, write_nested};
use crate::check::{check, hyper, Checked};
use crate::error::ImportError;
use crate::spec::{type_alias_name, CropRight, ElementType, LayerSpec};
use crate::tensors::{file_name_of, Tensor, Tensors};

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
    let checked = check(tensors, spec)?;
    Ok(render_checked(tensors.file(), spec, &checked))
}

/// The layer's generic parameters after `L`: `CIN, COUT, COUT_G, K, S, P, D, OP` for a
/// symmetric crop, `CIN, COUT, COUT_G, K, S, PL, PR, D, OP` otherwise.
pub(crate) fn generics_after_len(g: &Geometry) -> String {
    let crops = if g.padding == g.padding_right {
        g.padding.to_string()
    } else {
        format!("{}, {}", g.padding, g.padding_right)
    };
    format!(
        "{}, {}, {}, {}, {}, {crops}, {}, {}",
        g.in_channels,
        g.out_channels,
        g.out_per_group(),
        g.kernel,
        g.stride,
        g.dilation,
        g.output_padding
    )
}

/// `::conv_transpose::GroupedConvTranspose1d<L, ...>` (symmetric crop) or
/// `::conv_transpose::CroppedConvTranspose1d<L, ...>` of `g` over `len` input frames.
pub(crate) fn layer_type(g: &Geometry, len: usize, element: &str) -> String {
    let ty = if g.padding == g.padding_right {
        "GroupedConvTranspose1d"
    } else {
        "CroppedConvTranspose1d"
    };
    format!(
        "::conv_transpose::{ty}<{len}, {}, {element}>",
        generics_after_len(g)
    )
}

/// [`render`] of a layer already read and checked.
pub(crate) fn render_checked(file: &str, spec: &LayerSpec, checked: &Checked) -> String {
    let Checked {
        weight,
        weight_norm,
        bias,
        geometry: g,
        len_out,
    } = checked;
    let (g, len_out) = (*g, *len_out);
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
        file_name_of(file),
    ));
    if let Some(wn) = weight_norm {
        let over = match wn.dim {
            Some(d) => format!("over every dimension but {d}"),
            None => "over the whole tensor".to_string(),
        };
        out.push_str(&format!(
            "/// Folded from weight normalisation: `{}` * (`{}` / ||`{}`||), the norm {over}, \
             as `torch._weight_norm` computes it in f32.\n",
            wn.v, wn.g, wn.v
        ));
    }
    let torch = format!(
        "nn.ConvTranspose1d({}, {}, {}, stride={}, padding={}, output_padding={}, groups={}, \
         dilation={}{})",
        g.in_channels,
        g.out_channels,
        g.kernel,
        g.stride,
        if g.padding == g.padding_right {
            g.padding
        } else {
            0
        },
        g.output_padding,
        g.groups,
        g.dilation,
        if bias.is_some() { "" } else { ", bias=False" },
    );
    if g.padding == g.padding_right {
        out.push_str(&format!(
            "/// `{torch}` on {} input frames: {len_out} output frames.\n",
            g.len_in,
        ));
    } else {
        let causal = if spec.padding_right == CropRight::Causal {
            " (causal)"
        } else {
            ""
        };
        out.push_str(&format!(
            "/// `{torch}`, its result cropped by {} frame(s) on the left and {} on the \
             right{causal}, on {} input frames: {len_out} output frames.\n",
            g.padding, g.padding_right, g.len_in,
        ));
    }

    let (weight_items, bias_items) = match spec.element {
        ElementType::F32 => {
            out.push_str(&format!(
                "pub type {alias} = {};\n",
                layer_type(&g, g.len_in, "f32")
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
            // NaN and infinity were refused by `check`.
            let max_abs = weight
                .data
                .iter()
                .chain(bias.iter().flat_map(|b| &b.data))
                .fold(0.0f32, |m, v| m.max(v.abs()));
            let shift = q15_shift(max_abs);
            let scale = 0.5f64.powi(shift as i32);
            let (w, w_err) = quantise(weight, scale);
            let (b, b_err) = match &bias {
                Some(b) => {
                    let (items, err) = quantise(b, scale);
                    (Some(items), Some(err))
                }
                None => (None, None),
            };
            out.push_str(&format!(
                "pub type {alias} = {};\n",
                layer_type(&g, g.len_in, "::conv_transpose::Q15")
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
    out
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
