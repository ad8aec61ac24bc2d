//! `.npy` files written by NumPy itself (`tests/data/make_npy.py`, numpy 2.4.6): every
//! format version, Fortran order, a scalar, an empty array, and the element types that
//! are refused, read as NumPy wrote them.

use conv_transpose_import::{read_npy_f32, render, ImportError, LayerSpec, Tensors};

fn data(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// What make_npy.py wrote: element i of (2, 3, 4) is i / 4 - 1, in C order.
fn expected() -> Vec<f32> {
    (0..24).map(|i| i as f32 / 4.0 - 1.0).collect()
}

#[test]
fn every_version_and_fortran_order_read_in_c_order() {
    for file in ["c_v1.npy", "c_v2.npy", "c_v3.npy", "fortran_v1.npy"] {
        let (shape, values) = read_npy_f32(data(file)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(shape, [2, 3, 4], "{file}");
        assert_eq!(values, expected(), "{file}");
    }
    // The Fortran file's bytes really are in Fortran order: element (0, 0, 1) (C index 1)
    // is stored 6th (its Fortran index is 0 + 0 * 2 + 1 * 6).
    let bytes = std::fs::read(data("fortran_v1.npy")).unwrap();
    let stored: Vec<f32> = bytes[bytes.len() - 96..]
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
        .collect();
    assert_eq!(stored[6], expected()[1]);
    assert_ne!(stored, expected());
}

#[test]
fn a_scalar_and_an_empty_array() {
    assert_eq!(
        read_npy_f32(data("scalar.npy")).unwrap(),
        (vec![], vec![2.5])
    );
    assert_eq!(
        read_npy_f32(data("empty.npy")).unwrap(),
        (vec![0, 3], vec![])
    );
}

#[test]
fn other_element_types_are_dtype_errors_naming_numpys_descr() {
    for (file, descr) in [
        ("f8.npy", "<f8"),
        ("be_f4.npy", ">f4"),
        ("structured.npy", "[('x', '<f4'), ('y', [('z', '<i2')])]"),
    ] {
        let err = read_npy_f32(data(file)).unwrap_err();
        match &err {
            ImportError::Dtype { name, found, .. } => {
                assert_eq!(name, file);
                assert_eq!(found, descr);
            }
            other => panic!("{file}: expected Dtype, got {other:?}"),
        }
    }
}

#[test]
fn numpys_non_finite_weights_are_refused_unless_allowed() {
    let tensors = Tensors::open(data("non_finite.npy")).unwrap();
    let spec = LayerSpec::new("W", "", 4, 2);
    let err = render(&tensors, &spec).unwrap_err();
    match &err {
        ImportError::NonFinite {
            name,
            index,
            flat_index,
            value,
            ..
        } => {
            assert_eq!(name, "non_finite.npy");
            assert_eq!(*flat_index, 5);
            assert_eq!(index, &[0, 1, 1]);
            assert!(value.is_nan());
        }
        other => panic!("expected NonFinite, got {other:?}"),
    }
    let src = render(&tensors, &spec.allow_non_finite(true)).unwrap();
    assert!(src.contains("f32::from_bits(0x7fc01234)"), "{src}");
    assert!(src.contains("f32::from_bits(0xff800000)"), "{src}");
}
