//! The checks between a [`LayerSpec`] and the tensors: the name, the hyper-parameters,
//! the weight's and bias's presence, element type, shape and values.

use conv_transpose::Geometry;

use crate::error::{shape_string, ImportError};
use crate::spec::{is_screaming_case, type_alias_name, ElementType, LayerSpec};
use crate::tensors::{checked_product, Tensor, Tensors};

/// The weight and bias as read and checked.
pub(crate) struct Checked {
    pub(crate) weight: Tensor,
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
        padding_right: spec.padding,
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
    // NaN and infinity make every output they reach NaN (or infinite) on the device, and
    // have no Q15 value at all: refused unless asked for, and for Q15 always.
    if !spec.allow_non_finite || spec.element == ElementType::Q15 {
        for t in std::iter::once(&weight).chain(bias.as_ref()) {
            finite(t, spec.element)?;
        }
    }
    Ok(Checked {
        weight,
        bias,
        geometry,
        len_out,
    })
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
