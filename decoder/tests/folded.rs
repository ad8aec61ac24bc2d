//! The weights the importer folded from the checkpoint's weight normalisation, in the
//! generated statics, against PyTorch's own folded weights (`remove_weight_norm`,
//! `parametrize.remove_parametrizations`; data/folded.safetensors, written by
//! tools/causal_decoder.py).
//!
//! PyTorch computes `v * (g / ||v||)` in float32 with the norm summed in float32; the
//! importer sums it accurately (f64) and rounds once, then divides and multiplies in f32
//! as PyTorch does. The script saved, per slice, the norm PyTorch used (its weight is
//! exactly `v * (g / norm_torch)`) and the accurate norm rounded to float32: where they
//! are the same float, the importer's slice must be PyTorch's bit for bit; where
//! PyTorch's norm is an ulp off (8 of 32 slices of ups.0, 4 of 16 of ups.1), the
//! slice's weights are 0 to 3 ulp apart. Measured: 970 of ups.0's 4096 weights differ,
//! by at most 3 ulp, and 58 of ups.1's 256, by at most 2 ulp; every one of them in a
//! slice whose PyTorch norm is not the accurate one.

use conv_transpose::CroppedConvTranspose1d;
use conv_transpose_decoder::{DECODER_UPS_0, DECODER_UPS_1, DECODER_UPS_2};
use safetensors::{Dtype, SafeTensors};

fn read(file: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap()
}

/// Tensor `name` of `st` as f32 values, C order, and its shape.
fn tensor(st: &SafeTensors<'_>, name: &str) -> (Vec<usize>, Vec<f32>) {
    let t = st.tensor(name).unwrap();
    assert_eq!(t.dtype(), Dtype::F32, "{name}");
    let data = t
        .data()
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    (t.shape().to_vec(), data)
}

/// How many f32 steps apart `a` and `b` are (both finite).
fn ulps(a: f32, b: f32) -> u32 {
    let key = |x: f32| {
        let i = x.to_bits() as i32;
        if i < 0 {
            -(i64::from(i & 0x7fff_ffff))
        } else {
            i64::from(i)
        }
    };
    (key(a) - key(b)).unsigned_abs() as u32
}

/// PyTorch's layout `(CIN, COUT_G, K)` of a layer's weights.
#[allow(clippy::type_complexity)]
fn torch_layout<
    const L: usize,
    const CIN: usize,
    const COUT: usize,
    const COUT_G: usize,
    const K: usize,
    const S: usize,
    const PL: usize,
    const PR: usize,
    const D: usize,
    const OP: usize,
>(
    layer: &CroppedConvTranspose1d<L, CIN, COUT, COUT_G, K, S, PL, PR, D, OP, f32>,
) -> Vec<f32> {
    let mut out = Vec::with_capacity(K * CIN * COUT_G);
    for ci in 0..CIN {
        for co in 0..COUT_G {
            out.extend((0..K).map(|k| *layer.weight(k, ci, co)));
        }
    }
    out
}

/// Checks `ours` (PyTorch's layout) against PyTorch's folded `prefix.weight`, slice by
/// slice of dim 0; returns (elements that differ, largest ulp).
fn compare(prefix: &str, ours: &[f32]) -> (usize, u32) {
    let bytes = read("data/folded.safetensors");
    let st = SafeTensors::deserialize(&bytes).unwrap();
    let (shape, theirs) = tensor(&st, &format!("{prefix}.weight"));
    let (_, norm_torch) = tensor(&st, &format!("{prefix}.norm_torch"));
    let (_, norm_accurate) = tensor(&st, &format!("{prefix}.norm_accurate"));
    assert_eq!(ours.len(), theirs.len(), "{prefix}");
    assert_eq!(
        norm_torch.len(),
        shape[0],
        "{prefix}: one norm per slice of dim 0"
    );
    let per_slice = theirs.len() / shape[0];
    let (mut differ, mut worst) = (0, 0);
    for (s, (a, b)) in ours
        .chunks(per_slice)
        .zip(theirs.chunks(per_slice))
        .enumerate()
    {
        let same_norm = norm_torch[s].to_bits() == norm_accurate[s].to_bits();
        for (&x, &y) in a.iter().zip(b) {
            assert!(x.is_finite() && y.is_finite(), "{prefix}");
            let d = ulps(x, y);
            assert!(
                d == 0 || !same_norm,
                "{prefix}: slice {s} has PyTorch's norm, yet a weight is {d} ulp off"
            );
            differ += usize::from(d > 0);
            worst = worst.max(d);
        }
    }
    eprintln!(
        "{prefix}.weight: {differ} of {} elements differ from PyTorch's, by at most {worst} ulp",
        ours.len()
    );
    (differ, worst)
}

#[test]
fn old_style_weight_norm_folds_as_measured() {
    let ours = torch_layout(&DECODER_UPS_0);
    assert_eq!(compare("ups.0", &ours), (970, 3));
}

#[test]
fn parametrized_weight_norm_folds_as_measured() {
    let ours = torch_layout(&DECODER_UPS_1);
    assert_eq!(compare("ups.1", &ours), (58, 2));
}

#[test]
fn the_plain_layer_is_the_checkpoints_bit_for_bit() {
    let bytes = read("data/model.safetensors");
    let st = SafeTensors::deserialize(&bytes).unwrap();
    let (_, w) = tensor(&st, "ups.2.weight");
    let ours = torch_layout(&DECODER_UPS_2);
    assert!(ours.iter().zip(&w).all(|(a, b)| a.to_bits() == b.to_bits()));
    assert_eq!(ours.len(), w.len());
    // And the checkpoint holds no folded weights of its own: the importer folded them.
    for name in ["ups.0.weight", "ups.1.weight"] {
        assert!(st.tensor(name).is_err(), "{name} is in the checkpoint");
    }
}
