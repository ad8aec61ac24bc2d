//! Weight normalisation folded as PyTorch computes it, against PyTorch's own folded
//! weights: `decoder/data/weight_norm_dims.safetensors` (tools/causal_decoder.py) holds
//! (4, 3, 5) weights under `weight_norm` over dim 0, 1, 2 and None, old API
//! (`PREFIX.weight_g`, `PREFIX.weight_v`) and new (`PREFIX.parametrizations.weight.
//! original0`, `.original1`), each with PyTorch's folded weight (`PREFIX.folded`), the
//! norm PyTorch folded with (`PREFIX.norm_torch`: its weight is exactly
//! `v * (g / norm_torch)`) and the accurate norm rounded to float32
//! (`PREFIX.norm_accurate`).
//!
//! Where the two norms are the same float, the importer's fold must be PyTorch's bit for
//! bit; where PyTorch's float32 sum left its norm an ulp off, the weights of that slice
//! may be a few ulps apart. The counts are the script's measurement of the same recipe.

mod common;

use common::*;
use conv_transpose_import::{
    fold_weight_norm, render, ImportError, LayerSpec, Tensor, Tensors, WeightNorm,
};

fn dims_file() -> Tensors {
    Tensors::open(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../decoder/data/weight_norm_dims.safetensors"),
    )
    .unwrap()
}

fn ulps(a: f32, b: f32) -> u32 {
    let key = |x: f32| {
        let i = x.to_bits() as i32;
        if i < 0 {
            -i64::from(i & 0x7fff_ffff)
        } else {
            i64::from(i)
        }
    };
    (key(a) - key(b)).unsigned_abs() as u32
}

/// (prefix, the dim PyTorch normalised over, elements that differ from PyTorch's).
const CASES: [(&str, Option<usize>, usize); 8] = [
    ("old_dim0", Some(0), 15),
    ("new_dim0", Some(0), 0),
    ("old_dim1", Some(1), 40),
    ("new_dim1", Some(1), 17),
    ("old_dim2", Some(2), 10),
    ("new_dim2", Some(2), 10),
    ("old_dimnone", None, 0),
    ("new_dimnone", None, 0),
];

#[test]
fn every_dim_of_both_apis_folds_as_pytorch_does() {
    let t = dims_file();
    for (prefix, dim, differ) in CASES {
        let (w, how) = t.weight_f32(&format!("{prefix}.weight")).unwrap();
        let (g, v) = if prefix.starts_with("old") {
            (format!("{prefix}.weight_g"), format!("{prefix}.weight_v"))
        } else {
            (
                format!("{prefix}.parametrizations.weight.original0"),
                format!("{prefix}.parametrizations.weight.original1"),
            )
        };
        assert_eq!(how, Some(WeightNorm { g, v, dim }), "{prefix}");
        assert_eq!(w.name, format!("{prefix}.weight"));
        let reference = t.tensor_f32(&format!("{prefix}.folded")).unwrap();
        let torch = t.tensor_f32(&format!("{prefix}.norm_torch")).unwrap();
        let accurate = t.tensor_f32(&format!("{prefix}.norm_accurate")).unwrap();
        assert_eq!(w.shape, reference.shape, "{prefix}");
        assert_eq!(w.shape, [4, 3, 5]);
        let (mut count, mut worst) = (0, 0);
        for (i, (&a, &b)) in w.data.iter().zip(&reference.data).enumerate() {
            // The slice of the kept dim that element i (C order) lies in.
            let s = match dim {
                Some(0) => i / 15,
                Some(1) => (i / 5) % 3,
                Some(2) => i % 5,
                _ => 0,
            };
            let d = ulps(a, b);
            assert!(
                d == 0 || torch.data[s].to_bits() != accurate.data[s].to_bits(),
                "{prefix}: element {i} is {d} ulp from PyTorch's, whose norm is the accurate one"
            );
            count += usize::from(d > 0);
            worst = worst.max(d);
        }
        eprintln!("{prefix}: {count} of 60 differ, by at most {worst} ulp");
        assert!(worst <= 3, "{prefix}: {worst} ulp");
        assert_eq!(count, differ, "{prefix}");
    }
}

#[test]
fn a_layer_spec_folds_only_when_asked() {
    let t = dims_file();
    // (4, 3, 5) in two groups: COUT = 6.
    let spec = LayerSpec::new("UP", "new_dim1.weight", 3, 2).groups(2);
    let err = render(&t, &spec).unwrap_err();
    assert!(
        matches!(err, ImportError::MissingTensor { ref name, .. } if name == "new_dim1.weight"),
        "{err:?}"
    );
    assert!(err.to_string().contains("fold_weight_norm"), "{err}");
    let src = render(&t, &spec.fold_weight_norm(true)).unwrap();
    let (w, _) = t.weight_f32("new_dim1.weight").unwrap();
    assert_eq!(
        f32_bits(&src),
        w.data.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
    );
    assert!(src.contains("the norm over every dimension but 1"), "{src}");
}

#[test]
fn a_present_weight_is_read_as_it_is() {
    let t = Tensors::from_bytes(
        "m.safetensors",
        f32_file(&[
            ("a.weight", &[1, 1, 2], &[1.0, 2.0]),
            ("a.weight_g", &[1, 1, 1], &[5.0]),
            ("a.weight_v", &[1, 1, 2], &[3.0, 4.0]),
        ]),
    )
    .unwrap();
    let (w, how) = t.weight_f32("a.weight").unwrap();
    assert_eq!((w.data, how), (vec![1.0, 2.0], None));
    // A name that does not end in `weight` has no weight norm to fall back on.
    let err = t.weight_f32("a.kernel").unwrap_err();
    assert!(matches!(err, ImportError::MissingTensor { .. }), "{err:?}");
}

fn tensor(name: &str, shape: &[usize], data: &[f32]) -> Tensor {
    Tensor {
        name: name.to_string(),
        shape: shape.to_vec(),
        data: data.to_vec(),
    }
}

#[test]
fn g_of_a_wrong_shape_is_refused() {
    let v = tensor("x.weight_v", &[2, 3, 1], &[1.0; 6]);
    for shape in [
        vec![2, 3, 1], // two axes not 1
        vec![3, 1, 1], // 3 where v has 2
        vec![2, 1],    // rank 2
        vec![2],       // rank 1
    ] {
        let n: usize = shape.iter().product();
        let g = tensor("x.weight_g", &shape, &vec![1.0; n]);
        let err = fold_weight_norm("x.weight", &g, &v).unwrap_err();
        assert!(
            matches!(err, ImportError::Shape { ref name, .. } if name == "x.weight_g"),
            "{shape:?}: {err:?}"
        );
    }
    // A scalar g: one norm over the whole tensor, as weight_norm(dim=None) stores it.
    let g = tensor("x.weight_g", &[], &[2.0]);
    let v = tensor("x.weight_v", &[1, 1, 2], &[3.0, 4.0]);
    let (w, dim) = fold_weight_norm("x.weight", &g, &v).unwrap();
    assert_eq!((w.data, dim), (vec![1.2, 1.6], None));
    // Data that is not its shape's.
    let bad = tensor("x.weight_v", &[1, 1, 3], &[3.0, 4.0]);
    assert!(matches!(
        fold_weight_norm("x.weight", &g, &bad),
        Err(ImportError::Shape { .. })
    ));
}
