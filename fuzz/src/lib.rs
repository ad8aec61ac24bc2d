//! What the fuzz targets share: reading a file every way the importer offers, and the
//! checks on what comes out when it is accepted.

use conv_transpose_import::{render, try_render_array, ImportError, LayerSpec, Tensors};

/// The bits of every `f32::from_bits(0x........)` in `source`, in order.
pub fn f32_bits(source: &str) -> Vec<u32> {
    source
        .split("f32::from_bits(0x")
        .skip(1)
        .map(|rest| u32::from_str_radix(&rest[..8], 16).expect("8 hex digits"))
        .collect()
}

/// The number of elements of `shape` as the readers count them: zero if any dimension
/// is, else the product.
fn elements(shape: &[usize]) -> Option<usize> {
    if shape.contains(&0) {
        Some(0)
    } else {
        shape.iter().try_fold(1usize, |a, &d| a.checked_mul(d))
    }
}

/// Every error's message is produced (its `Display` must not panic) and says something.
pub fn check_error(e: &ImportError) {
    assert!(!e.to_string().is_empty());
}

/// Opens `bytes` as `file` (its name picks the format), reads every tensor as `f32`,
/// renders each as an array and, where it can be one, as a layer. Returns the tensors if
/// the file was accepted.
pub fn exercise(file: &str, bytes: &[u8]) -> Option<Tensors> {
    let tensors = match Tensors::from_bytes(file, bytes.to_vec()) {
        Ok(t) => t,
        Err(e) => {
            check_error(&e);
            return None;
        }
    };
    let names = tensors.names();
    for name in &names {
        let tensor = match tensors.tensor_f32(name) {
            Ok(t) => t,
            Err(e) => {
                check_error(&e);
                continue;
            }
        };
        assert_eq!(elements(&tensor.shape), Some(tensor.data.len()), "{name}");
        assert!(tensor.data.len() * 4 <= bytes.len());
        match try_render_array("T", &tensor.shape, &tensor.data) {
            Ok(src) => {
                let bits: Vec<u32> = tensor.data.iter().map(|v| v.to_bits()).collect();
                assert_eq!(f32_bits(&src), bits);
            }
            Err(e) => check_error(&e),
        }
        if tensor.shape.len() == 3 {
            for allow in [false, true] {
                let spec = LayerSpec::new("W", name.clone(), 3, 2)
                    .padding(1)
                    .allow_non_finite(allow);
                match render(&tensors, &spec) {
                    Ok(src) => {
                        let bits: Vec<u32> = tensor.data.iter().map(|v| v.to_bits()).collect();
                        assert_eq!(f32_bits(&src), bits);
                        assert!(allow || tensor.data.iter().all(|v| v.is_finite()));
                    }
                    Err(e) => check_error(&e),
                }
            }
        }
    }
    Some(tensors)
}
