//! Weight normalisation folded into the weight as PyTorch computes it.
//!
//! `torch.nn.utils.weight_norm` (old) and `torch.nn.utils.parametrizations.weight_norm`
//! (new) store a weight `w` as a magnitude `g` and a direction `v`, and compute
//! `w = v * (g / ||v||)` before every forward pass, with `torch._weight_norm(v, g, dim)`:
//! the 2-norm of `v` over every dimension but `dim` (over all of them for `dim=None`),
//! then `g / norm`, then `v * that`, all in the tensors' own precision (`float32`).
//! [`fold_weight_norm`] computes the same thing in the same order: each norm
//! accurately (the squares summed in `f64`, its square root rounded once to `f32`), the
//! division and the multiplication in `f32`. PyTorch sums the squares in `float32`
//! (vectorised), so its norm can be an ulp away from the accurate one, and then that
//! slice of the weight can differ by about an ulp; `decoder/` in the repository
//! measures it against PyTorch's own folded weights.

use crate::error::{shape_string, ImportError};
use crate::tensors::{checked_product, Tensor, Tensors};

/// Where a weight was folded from: the two tensors of its weight normalisation.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct WeightNorm {
    /// The magnitude `g`: `PREFIX.weight_g` or `PREFIX.parametrizations.weight.original0`.
    pub g: String,
    /// The direction `v`: `PREFIX.weight_v` or `PREFIX.parametrizations.weight.original1`.
    pub v: String,
    /// The dimension the norm keeps (`weight_norm`'s `dim`, read from `g`'s shape), or
    /// `None` where one norm covers the whole tensor (`dim=None`).
    pub dim: Option<usize>,
}

/// The names of the two weight-normalisation pairs of weight `name` (which must end in
/// `weight`): old style (`weight_g`, `weight_v`), then new style (`original0`,
/// `original1`).
fn pairs(name: &str) -> Option<[(String, String); 2]> {
    let base = name.strip_suffix("weight")?;
    Some([
        (format!("{base}weight_g"), format!("{base}weight_v")),
        (
            format!("{base}parametrizations.weight.original0"),
            format!("{base}parametrizations.weight.original1"),
        ),
    ])
}

/// The dimension the norm keeps, from `g`'s shape: the one axis where `g` is not 1 (it
/// must then be `v`'s size there), none if every axis is 1 or `g` is a scalar.
fn norm_dim(g: &Tensor, v: &Tensor) -> Result<Option<usize>, ImportError> {
    let wrong = || ImportError::Shape {
        name: g.name.clone(),
        expected: format!(
            "() or the shape of `{}` {} with every dimension but one (the norm's `dim`) set to 1",
            v.name,
            shape_string(&v.shape)
        ),
        found: g.shape.clone(),
    };
    if g.shape.is_empty() {
        return if g.data.len() == 1 {
            Ok(None)
        } else {
            Err(wrong())
        };
    }
    if g.shape.len() != v.shape.len() {
        return Err(wrong());
    }
    let mut dim = None;
    for (axis, (&gd, &vd)) in g.shape.iter().zip(&v.shape).enumerate() {
        if gd == 1 {
            continue;
        }
        if gd != vd || dim.is_some() {
            return Err(wrong());
        }
        dim = Some(axis);
    }
    Ok(dim)
}

/// `v * (g / ||v||)`, as `torch._weight_norm(v, g, dim)` computes it in `float32`, with
/// `dim` read from `g`'s shape (the one axis where `g` is not 1; none if `g` is all
/// ones or a scalar: one norm over the whole tensor). The result is named `name` and has
/// `v`'s shape.
///
/// Each norm is the square root of the sum of squares computed in `f64`, rounded to
/// `f32`; then `g / norm` and `v * (g / norm)` are rounded to `f32` as PyTorch rounds
/// them. A zero `v` slice gives NaN there, as in PyTorch (the caller's finiteness check
/// refuses it).
///
/// ```
/// use conv_transpose_import::{fold_weight_norm, Tensor};
///
/// // weight_norm(dim=0) of a (2, 1, 2) weight: g is (2, 1, 1).
/// let v = Tensor { name: "up.weight_v".into(), shape: vec![2, 1, 2], data: vec![3.0, 4.0, 0.0, 2.0] };
/// let g = Tensor { name: "up.weight_g".into(), shape: vec![2, 1, 1], data: vec![10.0, 1.0] };
/// let (w, dim) = fold_weight_norm("up.weight", &g, &v).unwrap();
/// assert_eq!(dim, Some(0));
/// assert_eq!(w.data, [6.0, 8.0, 0.0, 1.0]);
/// ```
///
/// # Errors
/// [`ImportError::Shape`] if `g`'s shape is not `v`'s with every dimension but at most
/// one set to 1 (or a scalar), or if either tensor's element count is not its shape's.
pub fn fold_weight_norm(
    name: &str,
    g: &Tensor,
    v: &Tensor,
) -> Result<(Tensor, Option<usize>), ImportError> {
    for t in [g, v] {
        if checked_product(&t.shape) != Some(t.data.len()) {
            return Err(ImportError::Shape {
                name: t.name.clone(),
                expected: format!("{} elements", t.data.len()),
                found: t.shape.clone(),
            });
        }
    }
    let dim = norm_dim(g, v)?;
    // Element `i` of `v` (C order) lies in slice `(i / inner) % slices` of the kept axis.
    let (slices, inner) = match dim {
        Some(d) => (v.shape[d], checked_product(&v.shape[d + 1..]).unwrap_or(1)),
        None => (1, v.data.len().max(1)),
    };
    let slice_of = |i: usize| (i / inner.max(1)) % slices.max(1);
    let mut sums = vec![0.0f64; slices];
    for (i, &x) in v.data.iter().enumerate() {
        let x = f64::from(x);
        sums[slice_of(i)] += x * x;
    }
    // g has one element per slice, in the kept axis's order (its other axes are 1).
    let scale: Vec<f32> = sums
        .iter()
        .zip(&g.data)
        .map(|(&sum, &g)| g / (sum.sqrt() as f32))
        .collect();
    let data = v
        .data
        .iter()
        .enumerate()
        .map(|(i, &x)| x * scale[slice_of(i)])
        .collect();
    Ok((
        Tensor {
            name: name.to_string(),
            shape: v.shape.clone(),
            data,
        },
        dim,
    ))
}

impl Tensors {
    /// The weight `name` as a layer reads it: the tensor itself if the file has it;
    /// otherwise, for a safetensors file and a name ending in `weight`, folded with
    /// [`fold_weight_norm`] from its weight normalisation, `PREFIX.weight_g` and
    /// `PREFIX.weight_v` (`torch.nn.utils.weight_norm`) or
    /// `PREFIX.parametrizations.weight.original0` (g) and `.original1` (v)
    /// (`torch.nn.utils.parametrizations.weight_norm`), where `name` is `PREFIX.weight`.
    /// The second value says which pair, if the weight was folded.
    ///
    /// # Errors
    /// [`ImportError::MissingTensor`] for `name` if neither it nor any half of a pair is
    /// there, [`ImportError::WeightNorm`] if one half of a pair is there and the other
    /// is not, and the errors of [`Tensors::tensor_f32`] and [`fold_weight_norm`].
    pub fn weight_f32(&self, name: &str) -> Result<(Tensor, Option<WeightNorm>), ImportError> {
        let missing = match self.tensor_f32(name) {
            Ok(t) => return Ok((t, None)),
            Err(e @ ImportError::MissingTensor { .. }) => e,
            Err(e) => return Err(e),
        };
        let Some(pairs) = pairs(name) else {
            return Err(missing);
        };
        for (g_name, v_name) in pairs {
            match (self.contains(&g_name), self.contains(&v_name)) {
                (false, false) => continue,
                (true, false) | (false, true) => {
                    let (present, missing) = if self.contains(&g_name) {
                        (g_name, v_name)
                    } else {
                        (v_name, g_name)
                    };
                    return Err(ImportError::WeightNorm {
                        weight: name.to_string(),
                        present,
                        missing,
                    });
                }
                (true, true) => {
                    let g = self.tensor_f32(&g_name)?;
                    let v = self.tensor_f32(&v_name)?;
                    let (w, dim) = fold_weight_norm(name, &g, &v)?;
                    return Ok((
                        w,
                        Some(WeightNorm {
                            g: g_name,
                            v: v_name,
                            dim,
                        }),
                    ));
                }
            }
        }
        Err(missing)
    }
}
