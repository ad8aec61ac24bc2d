//! Test data: small safetensors and `.npy` files built in memory, and a reader for the
//! literals of generated source.
#![allow(dead_code)]

use safetensors::tensor::TensorView;
use safetensors::Dtype;

/// Little-endian bytes of `values`.
pub fn f32_bytes(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// A safetensors file of `(name, dtype, shape, raw little-endian data)`.
pub fn safetensors_file(tensors: &[(&str, Dtype, &[usize], Vec<u8>)]) -> Vec<u8> {
    let views: Vec<(String, TensorView<'_>)> = tensors
        .iter()
        .map(|(name, dtype, shape, data)| {
            (
                name.to_string(),
                TensorView::new(*dtype, shape.to_vec(), data).expect("valid test tensor"),
            )
        })
        .collect();
    safetensors::serialize(views, None).expect("serialize")
}

/// A safetensors file of `f32` tensors.
pub fn f32_file(tensors: &[(&str, &[usize], &[f32])]) -> Vec<u8> {
    let owned: Vec<(&str, Dtype, &[usize], Vec<u8>)> = tensors
        .iter()
        .map(|(n, s, d)| (*n, Dtype::F32, *s, f32_bytes(d)))
        .collect();
    safetensors_file(&owned)
}

/// A `.npy` file (format 1.0) with dtype `descr`, written by hand: magic, version, header
/// length, the header dict padded with spaces to a multiple of 64 bytes, then `data`.
pub fn npy_file(descr: &str, shape: &[usize], fortran: bool, data: &[u8]) -> Vec<u8> {
    let shape_text = match shape {
        [d] => format!("({d},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    npy_file_raw(descr, &shape_text, fortran, data)
}

/// [`npy_file`] with the shape written as given (any Python text).
pub fn npy_file_raw(descr: &str, shape_text: &str, fortran: bool, data: &[u8]) -> Vec<u8> {
    let dict = format!(
        "{{'descr': '{descr}', 'fortran_order': {}, 'shape': {shape_text}, }}",
        if fortran { "True" } else { "False" }
    );
    let mut header = dict.into_bytes();
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(b' ');
    }
    header.push(b'\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend((header.len() as u16).to_le_bytes());
    out.extend(header);
    out.extend(data);
    out
}

/// The bits of every `f32::from_bits(0x........)` in `source`, in order.
pub fn f32_bits(source: &str) -> Vec<u32> {
    source
        .split("f32::from_bits(0x")
        .skip(1)
        .map(|rest| u32::from_str_radix(&rest[..8], 16).expect("8 hex digits"))
        .collect()
}

/// The bits of every `Q15::from_bits(...)` in `source`, in order.
pub fn q15_bits(source: &str) -> Vec<i16> {
    source
        .split("Q15::from_bits(")
        .skip(1)
        .map(|rest| rest[..rest.find(')').unwrap()].parse().expect("an i16"))
        .collect()
}

/// The line of `source` that declares the type alias.
pub fn alias_line(source: &str) -> &str {
    source
        .lines()
        .find(|l| l.starts_with("pub type "))
        .expect("a type alias")
}

/// A fresh directory for a test's files.
pub fn temp_dir(test: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "conv-transpose-import-{}-{test}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}
