//! Malformed files and wrong specs: each gives the right `ImportError`, naming the file,
//! tensor or layer, and nothing panics.

mod common;

use common::*;
use conv_transpose_import::{read_npy_f32, render, ImportError, LayerSpec, Tensors};
use safetensors::Dtype;

/// A valid file: weight `ups.0.weight` (2, 3, 4) and bias `ups.0.bias` (3).
fn good_file() -> Vec<u8> {
    let w: Vec<f32> = (0..24).map(|i| i as f32 * 0.125 - 1.0).collect();
    f32_file(&[
        ("ups.0.weight", &[2, 3, 4], &w),
        ("ups.0.bias", &[3], &[0.5, -0.5, 0.25]),
    ])
}

fn good_spec() -> LayerSpec {
    LayerSpec::new("UPS_0", "ups.0.weight", 8, 2).bias("ups.0.bias")
}

/// `render` of `spec` on the good file.
fn render_good(spec: &LayerSpec) -> Result<String, ImportError> {
    render(
        &Tensors::from_bytes("model.safetensors", good_file()).unwrap(),
        spec,
    )
}

fn assert_mentions(err: &ImportError, words: &[&str]) {
    let text = err.to_string();
    for w in words {
        assert!(text.contains(w), "`{w}` not in: {text}");
    }
}

#[test]
fn the_good_file_renders() {
    render_good(&good_spec()).unwrap();
}

#[test]
fn every_truncation_of_a_safetensors_file_is_a_format_error() {
    let bytes = good_file();
    for len in 0..bytes.len() {
        let err = Tensors::from_bytes("cut.safetensors", bytes[..len].to_vec()).unwrap_err();
        assert!(
            matches!(err, ImportError::Format { ref file, .. } if file == "cut.safetensors"),
            "length {len}: {err:?}"
        );
        assert_mentions(&err, &["cut.safetensors", "safetensors"]);
    }
    // A byte too many is just as wrong.
    let mut long = bytes.clone();
    long.push(0);
    let err = Tensors::from_bytes("long.safetensors", long).unwrap_err();
    assert!(matches!(err, ImportError::Format { .. }), "{err:?}");
}

#[test]
fn garbage_header_json_is_a_format_error_with_the_parsers_words() {
    let json = b"{\"w\": {\"dtype\": \"F32\", \"shape\": [1], oops";
    let mut bytes = (json.len() as u64).to_le_bytes().to_vec();
    bytes.extend(json);
    let err = Tensors::from_bytes("bad.safetensors", bytes).unwrap_err();
    assert!(matches!(err, ImportError::Format { .. }), "{err:?}");
    assert_mentions(&err, &["bad.safetensors", "JSON"]);

    // Valid JSON, wrong content: an unknown dtype.
    let json = br#"{"w":{"dtype":"F99","shape":[1],"data_offsets":[0,4]}}"#;
    let mut bytes = (json.len() as u64).to_le_bytes().to_vec();
    bytes.extend(json);
    bytes.extend([0; 4]);
    let err = Tensors::from_bytes("bad.safetensors", bytes).unwrap_err();
    assert!(matches!(err, ImportError::Format { .. }), "{err:?}");

    // A header length far beyond the file.
    let mut bytes = u64::MAX.to_le_bytes().to_vec();
    bytes.extend(b"{}");
    let err = Tensors::from_bytes("huge.safetensors", bytes).unwrap_err();
    assert!(matches!(err, ImportError::Format { .. }), "{err:?}");
}

#[test]
fn offsets_that_overflow_are_a_format_error() {
    // Eight tensors of 2^61 - 1 bytes each declare offsets that add up to just under
    // 2^64; the file length check then overflows inside the reader.
    let n: u64 = (1 << 61) - 1;
    let mut entries = Vec::new();
    for i in 0..8u64 {
        entries.push(format!(
            r#""t{i}":{{"dtype":"U8","shape":[{n}],"data_offsets":[{},{}]}}"#,
            i * n,
            (i + 1) * n
        ));
    }
    let json = format!("{{{}}}", entries.join(","));
    let mut bytes = (json.len() as u64).to_le_bytes().to_vec();
    bytes.extend(json.as_bytes());
    let err = Tensors::from_bytes("overflow.safetensors", bytes).unwrap_err();
    assert!(matches!(err, ImportError::Format { .. }), "{err:?}");
}

#[test]
fn f64_and_i64_tensors_are_dtype_errors_suggesting_float() {
    let f64_data: Vec<u8> = (0..24).flat_map(|i| (i as f64).to_le_bytes()).collect();
    let i64_data: Vec<u8> = (0..3i64).flat_map(|i| i.to_le_bytes()).collect();
    let file = safetensors_file(&[
        ("ups.0.weight", Dtype::F64, &[2, 3, 4], f64_data),
        ("ups.0.bias", Dtype::I64, &[3], i64_data),
        ("ok.weight", Dtype::F32, &[2, 3, 4], f32_bytes(&[0.5; 24])),
    ]);
    let tensors = Tensors::from_bytes("model.safetensors", file).unwrap();
    let err = render(&tensors, &good_spec()).unwrap_err();
    match &err {
        ImportError::Dtype {
            name,
            found,
            expected,
        } => {
            assert_eq!(name, "ups.0.weight");
            assert_eq!(found, "F64");
            assert_eq!(*expected, "F32");
        }
        other => panic!("expected Dtype, got {other:?}"),
    }
    assert_mentions(&err, &["ups.0.weight", "F64", ".float()"]);

    let spec = LayerSpec::new("OK", "ok.weight", 8, 2).bias("ups.0.bias");
    let err = render(&tensors, &spec).unwrap_err();
    assert!(
        matches!(err, ImportError::Dtype { ref found, .. } if found == "I64"),
        "{err:?}"
    );
    assert_mentions(&err, &["ups.0.bias", "I64", ".float()"]);
}

#[test]
fn missing_weight_and_bias_list_what_the_file_has() {
    let mut spec = good_spec();
    spec.weight = "ups.1.weight".into();
    let err = render_good(&spec).unwrap_err();
    match &err {
        ImportError::MissingTensor {
            file,
            name,
            available,
        } => {
            assert_eq!(file, "model.safetensors");
            assert_eq!(name, "ups.1.weight");
            assert_eq!(available, &["ups.0.bias", "ups.0.weight"]);
        }
        other => panic!("expected MissingTensor, got {other:?}"),
    }
    assert_mentions(
        &err,
        &[
            "model.safetensors",
            "`ups.1.weight`",
            "`ups.0.bias`, `ups.0.weight`",
        ],
    );

    let err = render_good(&good_spec().bias("ups.0.b")).unwrap_err();
    assert!(matches!(err, ImportError::MissingTensor { ref name, .. } if name == "ups.0.b"));
    assert_mentions(&err, &["`ups.0.b`", "`ups.0.weight`"]);
}

#[test]
fn a_long_list_of_names_is_cut_and_weight_norm_is_pointed_out() {
    let names: Vec<String> = (0..30).map(|i| format!("ups.{i:02}.weight_v")).collect();
    let tensors: Vec<(&str, &[usize], &[f32])> = names
        .iter()
        .map(|n| (n.as_str(), &[1usize][..], &[1.0f32][..]))
        .collect();
    let t = Tensors::from_bytes("wn.safetensors", f32_file(&tensors)).unwrap();
    let err = render(&t, &LayerSpec::new("UPS_0", "ups.00.weight", 4, 2)).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("`ups.19.weight_v`"), "{text}");
    assert!(!text.contains("`ups.20.weight_v`"), "{text}");
    assert!(text.contains("and 10 more"), "{text}");
    assert!(text.contains("remove_weight_norm"), "{text}");
}

#[test]
fn shape_errors_name_the_tensor_and_both_shapes() {
    // Rank 2.
    let t = Tensors::from_bytes("m.safetensors", f32_file(&[("w2", &[2, 3], &[0.0; 6])])).unwrap();
    let err = render(&t, &LayerSpec::new("W", "w2", 4, 2)).unwrap_err();
    assert!(
        matches!(err, ImportError::Shape { ref found, .. } if found == &[2, 3]),
        "{err:?}"
    );
    assert_mentions(&err, &["`w2`", "(CIN, COUT/groups, K)", "found (2, 3)"]);

    // Wrong K against --kernel.
    let err = render_good(&good_spec().kernel(5).in_channels(2)).unwrap_err();
    assert!(matches!(err, ImportError::Shape { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "tensor `ups.0.weight`: expected shape (2, COUT/groups, 5), found (2, 3, 4)"
    );

    // Wrong output channels, in the brief's words.
    let err = render_good(&good_spec().out_channels(6).in_channels(2).kernel(4)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "tensor `ups.0.weight`: expected shape (2, 6, 4), found (2, 3, 4)"
    );

    // Bias of the wrong length.
    let file = f32_file(&[("w", &[2, 3, 4], &[0.0; 24]), ("b", &[4], &[0.0; 4])]);
    let t = Tensors::from_bytes("m.safetensors", file).unwrap();
    let err = render(&t, &LayerSpec::new("W", "w", 4, 2).bias("b")).unwrap_err();
    assert!(
        matches!(err, ImportError::Shape { ref name, .. } if name == "b"),
        "{err:?}"
    );
    assert_mentions(&err, &["tensor `b`", "expected shape (3)", "found (4)"]);

    // CIN = 2 not divisible by groups = 3 (the middle dimension alone would allow it).
    let err = render_good(&good_spec().groups(3)).unwrap_err();
    assert!(matches!(err, ImportError::Shape { .. }), "{err:?}");
    assert_mentions(
        &err,
        &[
            "`ups.0.weight`",
            "divisible by groups = 3",
            "found (2, 3, 4)",
        ],
    );

    // A zero dimension.
    let t = Tensors::from_bytes("m.safetensors", f32_file(&[("z", &[2, 0, 4], &[])])).unwrap();
    let err = render(&t, &LayerSpec::new("Z", "z", 4, 2)).unwrap_err();
    assert!(matches!(err, ImportError::Shape { .. }), "{err:?}");
}

#[test]
fn bad_hyperparameters_name_the_layer() {
    let cases: Vec<(LayerSpec, &[&str])> = vec![
        (
            LayerSpec::new("UPS_0", "ups.0.weight", 8, 0),
            &["stride", "at least 1"],
        ),
        (good_spec().dilation(0), &["dilation", "at least 1"]),
        (good_spec().groups(0), &["groups", "at least 1"]),
        (
            LayerSpec::new("UPS_0", "ups.0.weight", 0, 2),
            &["input length", "at least 1"],
        ),
        // OP must be below max(S, D) = 2.
        (
            good_spec().output_padding(2),
            &["output padding 2", "max(stride 2, dilation 1)"],
        ),
        // L = 1, K = 4, S = 2: (1-1)*2 - 2*2 + 3 + 1 = 0 frames.
        (
            LayerSpec::new("UPS_0", "ups.0.weight", 1, 2).padding(2),
            &["output length", "= 0 is less than 1"],
        ),
        (
            good_spec().out_channels(7).groups(2),
            &["out_channels 7", "groups 2"],
        ),
        (
            LayerSpec::new("ups0", "ups.0.weight", 8, 2),
            &["SCREAMING_CASE"],
        ),
        (
            LayerSpec::new("0UPS", "ups.0.weight", 8, 2),
            &["identifier"],
        ),
        (LayerSpec::new("SELF", "ups.0.weight", 8, 2), &["`Self`"]),
        (
            LayerSpec::new("UPS_0", "ups.0.weight", usize::MAX, 2),
            &["overflows usize"],
        ),
    ];
    for (spec, words) in cases {
        let err = render_good(&spec).unwrap_err();
        assert!(
            matches!(err, ImportError::Hyperparameters { ref name, .. } if *name == spec.name),
            "{spec:?}: {err:?}"
        );
        assert_mentions(&err, &[&format!("layer `{}`", spec.name)]);
        assert_mentions(&err, words);
    }
}

#[test]
fn npy_with_f64_dtype_is_a_dtype_error() {
    let dir = temp_dir("npy-f64");
    let path = dir.join("w.npy");
    let data: Vec<u8> = (0..24).flat_map(|i| (i as f64).to_le_bytes()).collect();
    std::fs::write(&path, npy_file("<f8", &[2, 3, 4], false, &data)).unwrap();
    let err = read_npy_f32(&path).unwrap_err();
    assert!(
        matches!(err, ImportError::Dtype { ref found, .. } if found == "<f8"),
        "{err:?}"
    );
    assert_mentions(&err, &["w.npy", "<f8", ".float()"]);
    let t = Tensors::open(&path).unwrap();
    let err = render(&t, &LayerSpec::new("W", "", 4, 2)).unwrap_err();
    assert!(matches!(err, ImportError::Dtype { .. }), "{err:?}");
    // Big-endian float32 is refused too.
    let err = Tensors::from_bytes("be.npy", npy_file(">f4", &[1], false, &[0; 4]))
        .unwrap()
        .tensor_f32("")
        .unwrap_err();
    assert!(matches!(err, ImportError::Dtype { .. }), "{err:?}");
}

#[test]
fn every_truncation_of_an_npy_file_is_a_format_error() {
    let bytes = npy_file("<f4", &[2, 3, 4], false, &f32_bytes(&[0.5; 24]));
    Tensors::from_bytes("w.npy", bytes.clone()).unwrap();
    for len in 0..bytes.len() {
        let err = Tensors::from_bytes("w.npy", bytes[..len].to_vec()).unwrap_err();
        assert!(
            matches!(err, ImportError::Format { ref file, .. } if file == "w.npy"),
            "length {len}: {err:?}"
        );
        assert_mentions(&err, &["w.npy", ".npy"]);
    }
    // A truncated f64 file is a Format error (found first), not a Dtype one.
    let bytes = npy_file("<f8", &[3], false, &[0; 20]);
    let err = Tensors::from_bytes("d.npy", bytes).unwrap_err();
    assert!(matches!(err, ImportError::Format { .. }), "{err:?}");
    assert_mentions(&err, &["truncated"]);
}

#[test]
fn hostile_npy_headers_are_format_errors() {
    // A shape whose product overflows.
    let big = 1usize << 40;
    let bytes = npy_file("<f4", &[big, big, big], false, &[]);
    let err = Tensors::from_bytes("big.npy", bytes).unwrap_err();
    assert!(matches!(err, ImportError::Format { .. }), "{err:?}");
    // Not a Python literal.
    let mut bytes = b"\x93NUMPY\x01\x00\x06\x00{'a': ".to_vec();
    bytes.extend([0; 8]);
    let err = Tensors::from_bytes("junk.npy", bytes).unwrap_err();
    assert!(matches!(err, ImportError::Format { .. }), "{err:?}");
    // A negative dimension; a dimension beyond u64; a shape that is no tuple.
    for shape in ["(-1,)", "(99999999999999999999999,)", "'abc'", "(1.5,)"] {
        let bytes = npy_file_raw("<f4", shape, false, &[0; 4]);
        let err = Tensors::from_bytes("odd.npy", bytes).unwrap_err();
        assert!(
            matches!(err, ImportError::Format { .. }),
            "{shape}: {err:?}"
        );
    }
    // Deeply nested brackets in the header text.
    let deep = format!("{}1{}", "(".repeat(20_000), ")".repeat(20_000));
    let bytes = npy_file_raw("<f4", &deep, false, &[0; 4]);
    let err = Tensors::from_bytes("deep.npy", bytes).unwrap_err();
    assert!(matches!(err, ImportError::Format { .. }), "{err:?}");
    // An object (pickled) array.
    let err = Tensors::from_bytes("obj.npy", npy_file("|O", &[1], false, &[0; 8]))
        .and_then(|t| t.tensor_f32(""))
        .unwrap_err();
    assert!(
        matches!(err, ImportError::Dtype { .. } | ImportError::Format { .. }),
        "{err:?}"
    );
}

#[test]
fn a_missing_file_is_an_io_error_naming_it() {
    let err = Tensors::open("/nonexistent/model.safetensors").unwrap_err();
    assert!(matches!(err, ImportError::Io { .. }), "{err:?}");
    assert_mentions(&err, &["/nonexistent/model.safetensors"]);
    assert!(std::error::Error::source(&err).is_some());
    // A .npy bias that does not exist.
    let dir = temp_dir("npy-missing-bias");
    let path = dir.join("w.npy");
    std::fs::write(
        &path,
        npy_file("<f4", &[1, 1, 2], false, &f32_bytes(&[1.0, 2.0])),
    )
    .unwrap();
    let t = Tensors::open(&path).unwrap();
    let err = render(
        &t,
        &LayerSpec::new("W", "", 4, 2).bias("/nonexistent/b.npy"),
    )
    .unwrap_err();
    assert!(matches!(err, ImportError::Io { .. }), "{err:?}");
    assert_mentions(&err, &["/nonexistent/b.npy"]);
}
