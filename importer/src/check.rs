//! The checks between a [`LayerSpec`] and the tensors: the name, the hyper-parameters,
//! the weight's and bias's presence, element type, shape and values.

use conv_transpose::Geometry;

use crate::error::{shape_string, ImportError};
use crate::spec::{is_screaming_case, type_alias_name, CropRight, ElementType, LayerSpec};
use crate::tensors::{checked_product, Tensor, Tensors};
use crate::weight_norm::WeightNorm;

/// The weight and bias as read and checked.
pub(crate) struct Checked {
    pub(crate) weight: Tensor,
    /// Where the weight was folded from, if it was.
    pub(crate) weight_norm: Option<WeightNorm>,
    pub(crate) bias: Option<Tensor>,
    pub(crate) geometry: Geometry,
    pub(crate) len_out: usize,
}

pub(crate) fn hyper(spec: &LayerSpec, message: String) -> ImportError {
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
    if spec.padding_right == CropRight::Causal && spec.padding != 0 {
        return Err(hyper(
            spec,
            format!(
                "a causal layer crops nothing on the left, but the padding (left crop) is {}",
                spec.padding
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
pub(crate) fn check(tensors: &Tensors, spec: &LayerSpec) -> Result<Checked, ImportError> {
    check_with(tensors, spec, &|_| Ok(()))
}

/// [`check`], with `shape_ok` called on the geometry as soon as the weight gives it
/// (before the bias is read): a network checks its channels there.
pub(crate) fn check_with(
    tensors: &Tensors,
    spec: &LayerSpec,
    shape_ok: &dyn Fn(&Geometry) -> Result<(), ImportError>,
) -> Result<Checked, ImportError> {
    check_spec(spec)?;
    let (weight, weight_norm) = if spec.fold_weight_norm {
        tensors.weight_f32(&spec.weight)?
    } else {
        (tensors.tensor_f32(&spec.weight)?, None)
    };
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

    let padding_right = match spec.padding_right {
        CropRight::SameAsLeft => spec.padding,
        CropRight::Frames(n) => n,
        CropRight::Causal => causal_crop(spec, kernel)?,
    };
    let geometry = Geometry {
        len_in: spec.len_in,
        in_channels: cin,
        out_channels: cout,
        groups,
        kernel,
        stride: spec.stride,
        padding: spec.padding,
        padding_right,
        dilation: spec.dilation,
        output_padding: spec.output_padding,
    };
    shape_ok(&geometry)?;
    let len_out = geometry
        .len_out()
        .ok_or_else(|| length_error(spec, &geometry))?;

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
    // NaN and infinity make every output they reach NaN (or infinite) on the device, and
    // have no Q15 value at all: refused unless asked for, and for Q15 always.
    if !spec.allow_non_finite || spec.element == ElementType::Q15 {
        for t in std::iter::once(&weight).chain(bias.as_ref()) {
            finite(t, spec.element)?;
        }
    }
    Ok(Checked {
        weight,
        weight_norm,
        bias,
        geometry,
        len_out,
    })
}

/// A causal layer's right crop, `D*(K-1) + OP + 1 - S`, or the error that names why there
/// is none.
fn causal_crop(spec: &LayerSpec, kernel: usize) -> Result<usize, ImportError> {
    let (s, d, k, op) = (
        spec.stride as i128,
        spec.dilation as i128,
        kernel as i128,
        spec.output_padding as i128,
    );
    let formula = format!("D*(K-1) + OP + 1 - S = {d}*({k}-1) + {op} + 1 - {s}");
    // Every term is below 2^64, so only the product can overflow i128.
    let Some(crop) = d.checked_mul(k - 1).map(|reach| reach + op + 1 - s) else {
        return Err(hyper(
            spec,
            format!("the causal crop {formula} overflows usize"),
        ));
    };
    if crop < 0 {
        return Err(hyper(
            spec,
            format!(
                "a causal layer crops {formula} = {crop} frames on the right, which is \
                 negative: the kernel reaches less than a stride, so L frames cannot give L*S"
            ),
        ));
    }
    usize::try_from(crop).map_err(|_| {
        hyper(
            spec,
            format!("the causal crop {formula} = {crop} overflows usize"),
        )
    })
}

/// The error for a geometry whose output length is less than one frame or overflows
/// (every other rule was checked before).
fn length_error(spec: &LayerSpec, g: &Geometry) -> ImportError {
    let (l, s, pl, pr, d, k, op) = (
        g.len_in as i128,
        g.stride as i128,
        g.padding as i128,
        g.padding_right as i128,
        g.dilation as i128,
        g.kernel as i128,
        g.output_padding as i128,
    );
    let value = (l - 1)
        .checked_mul(s)
        .and_then(|a| d.checked_mul(k - 1).and_then(|b| a.checked_add(b)))
        .and_then(|a| a.checked_add(op + 1))
        .and_then(|a| a.checked_sub(pl.checked_add(pr)?));
    let formula = if pl == pr {
        format!("(L-1)*S - 2*P + D*(K-1) + OP + 1 = ({l}-1)*{s} - 2*{pl} + {d}*({k}-1) + {op} + 1")
    } else {
        format!(
            "(L-1)*S - PL - PR + D*(K-1) + OP + 1 = ({l}-1)*{s} - {pl} - {pr} + {d}*({k}-1) + \
             {op} + 1"
        )
    };
    match value {
        Some(v) if v < 1 => {
            let what = if pl == pr { "padding" } else { "cropping" };
            hyper(
                spec,
                format!("the output length {formula} = {v} is less than 1 (too much {what})"),
            )
        }
        _ => hyper(spec, format!("the output length {formula} overflows usize")),
    }
}

/// [`ImportError::NonFinite`] for the first NaN or infinite element of `t`.
fn finite(t: &Tensor, element: ElementType) -> Result<(), ImportError> {
    match t.data.iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(flat) => Err(ImportError::NonFinite {
            name: t.name.clone(),
            index: unflatten(&t.shape, flat),
            value: t.data[flat],
            flat_index: flat,
            element,
        }),
    }
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
