//! Q15 output: the shift, the rounded values, and the doc lines.

mod common;

use common::*;
use conv_transpose::Q15;
use conv_transpose_import::{render, ElementType, ImportError, LayerSpec, Tensors};

fn render_q15(w: &[f32], bias: Option<&[f32]>) -> Result<String, ImportError> {
    let shape = [1, 1, w.len()];
    let mut tensors: Vec<(&str, &[usize], &[f32])> = vec![("w", &shape, w)];
    let bias_shape = [bias.map_or(0, <[f32]>::len)];
    if let Some(b) = bias {
        tensors.push(("b", &bias_shape, b));
    }
    let t = Tensors::from_bytes("q.safetensors", f32_file(&tensors)).unwrap();
    let mut spec = LayerSpec::new("Q", "w", 4, 2).element(ElementType::Q15);
    if bias.is_some() {
        spec = spec.bias("b");
    }
    render(&t, &spec)
}

/// The `pub const Q_SHIFT: u32 = n;` value.
fn shift(src: &str) -> u32 {
    let line = src
        .lines()
        .find(|l| l.starts_with("pub const Q_SHIFT: u32 = "))
        .expect("a shift constant");
    line["pub const Q_SHIFT: u32 = ".len()..line.len() - 1]
        .parse()
        .unwrap()
}

fn expected_bits(values: &[f32], n: i32) -> Vec<i16> {
    values
        .iter()
        .map(|&v| Q15::from_f32(v * 2f32.powi(-n)).to_bits())
        .collect()
}

#[test]
fn largest_weight_1_5_gives_shift_1() {
    let w = [1.5f32, -0.7, 0.123_456, -1.25, 0.0, 3e-6];
    let src = render_q15(&w, None).unwrap();
    assert_eq!(shift(&src), 1, "{src}");
    assert_eq!(q15_bits(&src), expected_bits(&w, 1));
    assert_eq!(q15_bits(&src)[0], 24576); // 0.75
    assert!(src.contains(
        "pub type Q = ::conv_transpose::GroupedConvTranspose1d<4, 1, 1, 1, 6, 2, 0, 1, 0, \
         ::conv_transpose::Q15>;"
    ));
    assert!(
        src.contains("/// `Q` computes the float layer's output times 2^-1"),
        "{src}"
    );
    assert!(
        src.contains("Largest rounding error of a weight: "),
        "{src}"
    );
}

#[test]
fn largest_weight_0_3_gives_shift_0() {
    let w = [0.3f32, -0.3, 0.1, 1e-5];
    let src = render_q15(&w, None).unwrap();
    assert_eq!(shift(&src), 0, "{src}");
    assert_eq!(q15_bits(&src), expected_bits(&w, 0));
    assert_eq!(q15_bits(&src)[0], 9830); // round(0.3 * 32768) = round(9830.4)
}

#[test]
fn one_itself_needs_a_shift_and_the_bias_counts_too() {
    // 1.0 is above Q15::MAX = 1 - 2^-15.
    let src = render_q15(&[1.0, 0.5], None).unwrap();
    assert_eq!(shift(&src), 1);
    // Q15::MAX itself needs none; -1.0 (Q15::MIN) is not representable by the rule either.
    let src = render_q15(&[Q15::MAX.to_f32(), 0.5], None).unwrap();
    assert_eq!(shift(&src), 0);
    assert_eq!(q15_bits(&src), [32767, 16384]);
    // Weights of 0.3 but a bias of 3.0: shift 2 (3/4 fits, 3/2 does not).
    let w = [0.3f32, -0.2];
    let b = [3.0f32];
    let src = render_q15(&w, Some(&b)).unwrap();
    assert_eq!(shift(&src), 2, "{src}");
    let mut expected = expected_bits(&w, 2);
    expected.extend(expected_bits(&b, 2));
    assert_eq!(q15_bits(&src), expected);
    assert!(src.contains(", of the bias: "), "{src}");
}

#[test]
fn the_reported_rounding_error_is_the_largest() {
    let w = [0.3f32, 0.1, -0.05];
    let src = render_q15(&w, None).unwrap();
    let worst = w
        .iter()
        .map(|&v| (f64::from(Q15::from_f32(v).to_f32()) - f64::from(v)).abs())
        .fold(0.0, f64::max);
    assert!(
        src.contains(&format!("Largest rounding error of a weight: {worst:.3e} ")),
        "{worst:.3e} in {src}"
    );
}

#[test]
fn nan_and_infinity_are_refused_for_q15_only() {
    let err = render_q15(&[0.5, f32::NAN, 0.1], None).unwrap_err();
    match &err {
        ImportError::NonFinite { name, index, .. } => {
            assert_eq!(name, "w");
            assert_eq!(index, &[0, 0, 1]);
        }
        other => panic!("expected NonFinite, got {other:?}"),
    }
    assert!(err.to_string().contains("tensor `w`"), "{err}");
    let err = render_q15(&[0.5], Some(&[f32::INFINITY])).unwrap_err();
    assert!(
        matches!(err, ImportError::NonFinite { ref name, .. } if name == "b"),
        "{err}"
    );
}
