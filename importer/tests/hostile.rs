//! Hostile files, one test per class: every one is the named `ImportError` kind, found
//! without reading (or allocating) more than the file holds and within a second. The
//! files are built by hand here, byte by byte, following NumPy's format description
//! (`numpy.lib.format`) and the safetensors format (u64 LE header length, JSON header,
//! data).

mod common;

use std::time::{Duration, Instant};

use common::*;
use conv_transpose_import::{
    render, try_render_array, ElementType, ImportError, LayerSpec, Tensors,
};

/// An `.npy` file of format `major.0` with `header` as its header text (no padding
/// added) and the header-length field `len_field` (the header's length if `None`).
fn npy_raw(major: u8, header: &[u8], len_field: Option<u32>, data: &[u8]) -> Vec<u8> {
    let mut out = b"\x93NUMPY".to_vec();
    out.extend([major, 0]);
    let len = len_field.unwrap_or(header.len() as u32);
    if major == 1 {
        out.extend((len as u16).to_le_bytes());
    } else {
        out.extend(len.to_le_bytes());
    }
    out.extend(header);
    out.extend(data);
    out
}

/// A safetensors file: the length field `len_field` (the JSON's length if `None`), the
/// JSON, then `data`.
fn st_raw(json: &str, len_field: Option<u64>, data: &[u8]) -> Vec<u8> {
    let mut out = len_field
        .unwrap_or(json.len() as u64)
        .to_le_bytes()
        .to_vec();
    out.extend(json.as_bytes());
    out.extend(data);
    out
}

/// Opens `bytes` as `file`, timed: the error, which must come within a second.
fn open_err(file: &str, bytes: Vec<u8>) -> ImportError {
    let start = Instant::now();
    let result = Tensors::from_bytes(file, bytes);
    let took = start.elapsed();
    assert!(took < Duration::from_secs(1), "{file}: {took:?}");
    match result {
        Ok(t) => panic!("{file}: opened: {t:?}"),
        Err(e) => e,
    }
}

/// The message of a Format error about `file`, or a panic naming what came instead.
fn format_message(file: &str, err: ImportError) -> String {
    match err {
        ImportError::Format { file: f, message } => {
            assert_eq!(f, file);
            message
        }
        other => panic!("{file}: expected Format, got {other:?}"),
    }
}

fn assert_format(file: &str, bytes: Vec<u8>, words: &[&str]) {
    let message = format_message(file, open_err(file, bytes));
    for w in words {
        assert!(message.contains(w), "{file}: `{w}` not in: {message}");
    }
    assert!(
        message.len() < 1000,
        "{file}: a message of {} bytes",
        message.len()
    );
}

const F4_3: &[u8] = b"{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";

#[test]
fn npy_header_length_beyond_the_file() {
    // The fuzzer's 184-byte file: format 2.0, a header-length field of 3.3 GB, and 172
    // bytes of header text. NumPy's magic and version are the first 8 bytes, the u32
    // length the next 4.
    let mut header = F4_3.to_vec();
    header.resize(172, b' ');
    let bytes = npy_raw(2, &header, Some(3_300_000_000), &[]);
    assert_eq!(bytes.len(), 184);
    assert_format(
        "claims.npy",
        bytes,
        &["3300000000 bytes", "only 172 bytes follow"],
    );
    // Format 1.0: 65535 in the u16 field, 60 bytes there.
    let bytes = npy_raw(1, F4_3, Some(65535), &[0; 2]);
    let follow = format!("only {} bytes follow", F4_3.len() + 2);
    assert_format("v1.npy", bytes, &["65535 bytes", &follow]);
    // Format 3.0, one byte too many.
    let bytes = npy_raw(3, F4_3, Some(F4_3.len() as u32 + 1), &[]);
    assert_format("v3.npy", bytes, &["header length"]);
}

#[test]
fn safetensors_header_length_beyond_the_file() {
    let json = r#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#;
    for claim in [json.len() as u64 + 5, 3_300_000_000, u64::MAX] {
        let bytes = st_raw(json, Some(claim), &[0; 4]);
        assert_format(
            "long.safetensors",
            bytes,
            &[&format!("says {claim} bytes"), "only 58 bytes follow"],
        );
    }
    // Fewer than the 8 bytes of the length itself.
    assert_format("tiny.safetensors", vec![1, 2, 3], &["fewer than the 8"]);
}

#[test]
fn deeply_nested_npy_headers() {
    // A structured dtype nested 100000 deep (NumPy's reader would recurse in `ast`), and
    // a shape that is a tuple of tuples.
    let deep = format!(
        "{{'descr': {}'<f4'{}, 'fortran_order': False, 'shape': (1,), }}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert_format(
        "deep.npy",
        npy_raw(2, deep.as_bytes(), None, &[0; 4]),
        &["nests more than 16"],
    );
    let nested = format!(
        "{{'descr': '<f4', 'fortran_order': False, 'shape': {}1,{}, }}",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    assert_format(
        "tuples.npy",
        npy_raw(2, nested.as_bytes(), None, &[0; 4]),
        &["non-negative int"],
    );
    // A dict as a value.
    let dict = "{'descr': {'descr': '<f4'}, 'fortran_order': False, 'shape': (1,), }";
    assert_format(
        "dict.npy",
        npy_raw(1, dict.as_bytes(), None, &[0; 4]),
        &["a string in quotes"],
    );
}

#[test]
fn very_long_npy_header_literals() {
    // A 4 MB dtype string: parsed in linear time; its type is unknown, so the length is
    // not checked at opening and the element type is refused when read, the message cut.
    let long = format!(
        "{{'descr': '<{}', 'fortran_order': False, 'shape': (1,), }}",
        "f".repeat(4 << 20)
    );
    let start = Instant::now();
    let t = Tensors::from_bytes("long.npy", npy_raw(2, long.as_bytes(), None, &[0; 4])).unwrap();
    let err = t.tensor_f32("").unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(1));
    match err {
        ImportError::Dtype { found, .. } => assert!(found.len() < 200, "{} bytes", found.len()),
        other => panic!("expected Dtype, got {other:?}"),
    }
    // 4 MB of padding is whitespace, as Python's is: the file is valid.
    let mut padded = F4_3.to_vec();
    padded.resize(4 << 20, b' ');
    padded.push(b'\n');
    Tensors::from_bytes("padded.npy", npy_raw(2, &padded, None, &[0; 12])).unwrap();
    // A shape of 65 dimensions, one beyond NumPy's limit.
    let dims = vec!["1"; 65].join(", ");
    let h = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': ({dims}), }}");
    assert_format(
        "dims.npy",
        npy_raw(1, h.as_bytes(), None, &[0; 4]),
        &["more than 64 dimensions"],
    );
    // A 4 MB key.
    let key = format!("{{'{}': 1}}", "k".repeat(4 << 20));
    assert_format(
        "key.npy",
        npy_raw(2, key.as_bytes(), None, &[]),
        &["unknown key", "..."],
    );
}

#[test]
fn unterminated_npy_strings() {
    for (file, header) in [
        ("key.npy", "{'descr"),
        ("value.npy", "{'descr': '<f4"),
        (
            "newline.npy",
            "{'descr': '<f4\n', 'fortran_order': False, 'shape': (1,), }",
        ),
        (
            "quotes.npy",
            "{'descr': \"<f4', 'fortran_order': False, 'shape': (1,), }",
        ),
        ("nested.npy", "{'descr': [('x', '<f4"),
    ] {
        assert_format(
            file,
            npy_raw(1, header.as_bytes(), None, &[0; 4]),
            &["not terminated"],
        );
    }
}

#[test]
fn huge_numbers_in_an_npy_shape() {
    for (shape, words) in [
        // 2^64, one beyond u64 (and usize) on this host.
        ("(18446744073709551616,)", &["usize::MAX"][..]),
        (
            "(99999999999999999999999999999999999999999999,)",
            &["usize::MAX"],
        ),
        ("(-1,)", &["negative"]),
        ("(1e9,)", &["non-negative int"]),
        ("(0x10,)", &["non-negative int"]),
        ("(10_000,)", &["non-negative int"]),
    ] {
        let h = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}");
        assert_format("huge.npy", npy_raw(1, h.as_bytes(), None, &[0; 4]), words);
    }
    // A dimension of 10^6 digits: scanned once, refused.
    let h = format!(
        "{{'descr': '<f4', 'fortran_order': False, 'shape': ({},), }}",
        "9".repeat(1_000_000)
    );
    assert_format(
        "digits.npy",
        npy_raw(2, h.as_bytes(), None, &[0; 4]),
        &["1000000 digits"],
    );
}

#[test]
fn shape_products_that_overflow_usize() {
    // npy: 2^40 cubed.
    let big = 1usize << 40;
    let bytes = npy_file("<f4", &[big, big, big], false, &[]);
    assert_format("big.npy", bytes, &["overflows usize"]);
    // Four bytes an element: 2^62 elements overflow as bytes.
    let bytes = npy_file("<f4", &[1 << 62], false, &[]);
    assert_format("bytes.npy", bytes, &["overflows usize"]);
    // safetensors: the same shape, offsets that fit.
    let json =
        format!(r#"{{"w":{{"dtype":"F32","shape":[{big},{big},{big}],"data_offsets":[0,4]}}}}"#);
    assert_format(
        "big.safetensors",
        st_raw(&json, None, &[0; 4]),
        &["`w`", "overflows usize"],
    );
    // Eight tensors whose offsets add up to just under 2^64 (safetensors 0.8 adds the last
    // one's end to the header length unchecked).
    let n: u64 = (1 << 61) - 1;
    let entries: Vec<String> = (0..8u64)
        .map(|i| {
            format!(
                r#""t{i}":{{"dtype":"U8","shape":[{n}],"data_offsets":[{},{}]}}"#,
                i * n,
                (i + 1) * n
            )
        })
        .collect();
    let json = format!("{{{}}}", entries.join(","));
    assert_format(
        "offsets.safetensors",
        st_raw(&json, None, &[]),
        &["lies outside the data"],
    );
}

#[test]
fn data_larger_than_the_file() {
    // npy: a million elements announced, three present.
    let bytes = npy_file("<f4", &[1_000_000], false, &f32_bytes(&[1.0; 3]));
    assert_format(
        "short.npy",
        bytes,
        &["4000000 data bytes", "12 data", "truncated"],
    );
    // ... and too much data is as wrong.
    let bytes = npy_file("<f4", &[1], false, &f32_bytes(&[1.0; 3]));
    assert_format("long.npy", bytes, &["4 data bytes", "12 data"]);
    // safetensors: offsets beyond the data.
    let json = r#"{"w":{"dtype":"F32","shape":[1000],"data_offsets":[0,4000]}}"#;
    assert_format(
        "short.safetensors",
        st_raw(json, None, &[0; 4]),
        &["`w`", "0..4000 of 4"],
    );
    // Offsets that fit but do not match the shape.
    let json = r#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#;
    assert_format(
        "mismatch.safetensors",
        st_raw(json, None, &[0; 4]),
        &["needs 8 bytes", "give 4"],
    );
    // Two tensors over the same bytes, and a gap.
    let json = r#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#;
    assert_format(
        "overlap.safetensors",
        st_raw(json, None, &[0; 4]),
        &["overlap or leave a gap"],
    );
    let json = r#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#;
    assert_format(
        "gap.safetensors",
        st_raw(json, None, &[0; 8]),
        &["starts at data byte 4"],
    );
    // A key twice (serde would keep the last).
    let json = r#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#;
    assert_format(
        "twice.safetensors",
        st_raw(json, None, &[0; 4]),
        &["`a` appears twice"],
    );
    // Metadata that is not a map of strings.
    let json = format!(
        r#"{{"__metadata__":{}1{}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert_format(
        "deep.safetensors",
        st_raw(&json, None, &[]),
        &["JSON", "expected a map"],
    );
    // JSON nested beyond serde_json's limit in a field that is not read: skipped by the
    // guard without recursion, refused by the safetensors crate (which buffers it).
    let json = format!(
        r#"{{"w":{{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":{}1{}}}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert_format(
        "deep.safetensors",
        st_raw(&json, None, &[0; 4]),
        &["recursion limit"],
    );
}

/// A file with weight `w` (1, 2, 3) whose element 4 is `bad`, and bias `b` (2).
fn with_weight(bad: f32, bias: [f32; 2]) -> Tensors {
    let mut w = [0.5f32; 6];
    w[4] = bad;
    Tensors::from_bytes(
        "m.safetensors",
        f32_file(&[("w", &[1, 2, 3], &w), ("b", &[2], &bias)]),
    )
    .unwrap()
}

#[test]
fn non_finite_weights_are_refused_naming_the_tensor_and_element() {
    let spec = LayerSpec::new("W", "w", 4, 2).bias("b");
    for bad in [
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::from_bits(0xffc0_0001),
    ] {
        let err = render(&with_weight(bad, [0.0; 2]), &spec).unwrap_err();
        let text = err.to_string();
        match err {
            ImportError::NonFinite {
                name,
                index,
                value,
                flat_index,
                element,
            } => {
                assert_eq!(name, "w");
                assert_eq!(flat_index, 4);
                // C order in (1, 2, 3): 4 = 0 * 6 + 1 * 3 + 1.
                assert_eq!(index, [0, 1, 1]);
                assert_eq!(value.to_bits(), bad.to_bits());
                assert_eq!(element, ElementType::F32);
            }
            other => panic!("expected NonFinite, got {other:?}"),
        }
        for words in [
            "tensor `w`",
            "element 4",
            "(0, 1, 1)",
            "allow_non_finite",
            "--allow-non-finite",
        ] {
            assert!(text.contains(words), "`{words}` not in: {text}");
        }
    }
    // In the bias.
    let err = render(&with_weight(1.0, [0.0, f32::NAN]), &spec).unwrap_err();
    assert!(
        matches!(err, ImportError::NonFinite { ref name, flat_index: 1, ref index, .. }
            if name == "b" && index == &[1]),
        "{err:?}"
    );
}

#[test]
fn non_finite_weights_are_kept_when_allowed_but_never_in_q15() {
    let spec = LayerSpec::new("W", "w", 4, 2)
        .bias("b")
        .allow_non_finite(true);
    let bad = f32::from_bits(0x7fc0_0abc);
    let src = render(&with_weight(bad, [f32::NEG_INFINITY, 0.0]), &spec).unwrap();
    let mut w = [0.5f32; 6];
    w[4] = bad;
    let bits: Vec<u32> = w
        .iter()
        .chain(&[f32::NEG_INFINITY, 0.0])
        .map(|v| v.to_bits())
        .collect();
    assert_eq!(f32_bits(&src), bits, "{src}");
    // A Q15 layer cannot hold them, allowed or not.
    let err = render(&with_weight(bad, [0.0; 2]), &spec.element(ElementType::Q15)).unwrap_err();
    assert!(
        matches!(
            err,
            ImportError::NonFinite {
                element: ElementType::Q15,
                flat_index: 4,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("Q15"), "{err}");
}

#[test]
fn arrays_of_empty_arrays_and_deep_ranks_are_refused_when_rendered() {
    // Shape (2^62, 0): no data, but 2^62 empty arrays to write.
    let bytes = npy_file("<f4", &[1 << 62, 0], false, &[]);
    let t = Tensors::from_bytes("empty.npy", bytes)
        .unwrap()
        .tensor_f32("")
        .unwrap();
    assert_eq!(t.shape, [1 << 62, 0]);
    let start = Instant::now();
    let err = try_render_array("T", &t.shape, &t.data).unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(1));
    assert!(matches!(err, ImportError::Shape { .. }), "{err:?}");
    // A few empty arrays are fine.
    let src = try_render_array("T", &[3, 0], &[]).unwrap();
    assert_eq!(src, "pub static T: [[f32; 0]; 3] = [[], [], []];\n");
    // 33 dimensions are more than the writer nests.
    let err = try_render_array("T", &[1; 33], &[1.0]).unwrap_err();
    assert!(matches!(err, ImportError::Shape { .. }), "{err:?}");
    try_render_array("T", &[1; 32], &[1.0]).unwrap();
}
