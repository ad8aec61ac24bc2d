//! The `conv-transpose-import` binary: same text as `render`, exit codes 0, 1 and 2.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::*;
use conv_transpose_import::{render, ElementType, LayerSpec, Tensors};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_conv-transpose-import"))
        .args(args)
        .output()
        .expect("run the binary")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A model file with a grouped layer and its bias, in a fresh directory.
fn model(test: &str) -> std::path::PathBuf {
    let dir = temp_dir(test);
    let path = dir.join("model.safetensors");
    let w: Vec<f32> = (0..4 * 3 * 5).map(|i| (i as f32).sin()).collect();
    let b = [0.1f32, 0.2, 0.3, 0.4, 0.5, 0.6];
    std::fs::write(
        &path,
        f32_file(&[("ups.0.weight", &[4, 3, 5], &w), ("ups.0.bias", &[6], &b)]),
    )
    .unwrap();
    path
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn prints_what_render_returns() {
    let path = model("same");
    let out = run(&[
        path_str(&path),
        "--weight",
        "ups.0.weight",
        "--bias=ups.0.bias",
        "--len",
        "9",
        "--stride",
        "3",
        "--padding",
        "1",
        "--dilation",
        "2",
        "--output-padding",
        "1",
        "--groups",
        "2",
        "--in-channels",
        "4",
        "--out-channels",
        "6",
        "--kernel",
        "5",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let spec = LayerSpec::new("UPS_0", "ups.0.weight", 9, 3)
        .bias("ups.0.bias")
        .padding(1)
        .dilation(2)
        .output_padding(1)
        .groups(2)
        .in_channels(4)
        .out_channels(6)
        .kernel(5);
    let expected = render(&Tensors::open(&path).unwrap(), &spec).unwrap();
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
}

#[test]
fn q15_and_name_flags() {
    let path = model("q15");
    let out = run(&[
        path_str(&path),
        "--weight",
        "ups.0.weight",
        "--len",
        "4",
        "--stride",
        "2",
        "--groups",
        "2",
        "--name",
        "MY_LAYER",
        "--q15",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let spec = LayerSpec::new("MY_LAYER", "ups.0.weight", 4, 2)
        .groups(2)
        .element(ElementType::Q15);
    let expected = render(&Tensors::open(&path).unwrap(), &spec).unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text, expected);
    assert!(text.contains("pub const MY_LAYER_SHIFT: u32 = "), "{text}");
}

#[test]
fn npy_file_needs_no_weight_flag() {
    let dir = temp_dir("cli-npy");
    let path = dir.join("conv_post.weight.npy");
    std::fs::write(
        &path,
        npy_file("<f4", &[1, 1, 3], false, &f32_bytes(&[1.0, 2.0, 3.0])),
    )
    .unwrap();
    let out = run(&[path_str(&path), "--len", "4", "--stride", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("pub static CONV_POST: ConvPost = ConvPost::from_torch("),
        "{text}"
    );
}

#[test]
fn missing_tensor_exits_1_with_the_message() {
    let path = model("missing");
    let out = run(&[
        path_str(&path),
        "--weight",
        "ups.9.weight",
        "--len",
        "4",
        "--stride",
        "2",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(err.contains("has no tensor `ups.9.weight`"), "{err}");
    assert!(err.contains("`ups.0.bias`, `ups.0.weight`"), "{err}");
    assert!(err.contains("model.safetensors"), "{err}");
}

#[test]
fn bad_files_and_hyperparameters_exit_1() {
    let dir = temp_dir("cli-bad");
    let path = dir.join("bad.safetensors");
    std::fs::write(&path, b"\x05\x00\x00\x00\x00\x00\x00\x00{oops").unwrap();
    let out = run(&[
        path_str(&path),
        "--weight",
        "w",
        "--len",
        "4",
        "--stride",
        "2",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("bad.safetensors"), "{}", stderr(&out));

    let path = model("cli-op");
    let out = run(&[
        path_str(&path),
        "--weight",
        "ups.0.weight",
        "--len",
        "4",
        "--stride",
        "2",
        "--groups",
        "2",
        "--output-padding",
        "2",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("layer `UPS_0`: the output padding 2"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn usage_errors_exit_2() {
    let path = model("usage");
    let file = path_str(&path);
    let cases: &[&[&str]] = &[
        &[
            file,
            "--weight",
            "ups.0.weight",
            "--len",
            "4",
            "--stride",
            "2",
            "--frobnicate",
        ],
        &[
            file,
            "--weight",
            "ups.0.weight",
            "--len",
            "four",
            "--stride",
            "2",
        ],
        &[file, "--weight", "ups.0.weight", "--len", "4"],
        &[file, "--len", "4", "--stride", "2"],
        &["--weight", "w", "--len", "4", "--stride", "2"],
        &[
            file,
            "--weight",
            "ups.0.weight",
            "--len",
            "4",
            "--stride",
            "2",
            "--len",
            "5",
        ],
        &[
            file,
            "other.safetensors",
            "--weight",
            "w",
            "--len",
            "4",
            "--stride",
            "2",
        ],
        &[file, "--weight", "ups.0.weight", "--len", "4", "--stride"],
    ];
    for args in cases {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(
            stderr(&out).starts_with("error: "),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let out = run(&[file, "--frobnicate"]);
    assert!(
        stderr(&out).contains("unknown option `--frobnicate`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn help_exits_0_with_the_usage() {
    for flag in ["--help", "-h"] {
        let out = run(&[flag]);
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("USAGE:"), "{text}");
        for option in [
            "--weight",
            "--bias",
            "--output-padding",
            "--q15",
            "--kernel",
        ] {
            assert!(text.contains(option), "{option} missing from {text}");
        }
    }
}

#[test]
fn allow_non_finite_flag() {
    let dir = temp_dir("cli-non-finite");
    let path = dir.join("model.safetensors");
    let w = [0.5f32, f32::NAN, f32::INFINITY];
    std::fs::write(&path, f32_file(&[("w", &[1, 1, 3], &w)])).unwrap();
    let args = [
        path_str(&path),
        "--weight",
        "w",
        "--len",
        "4",
        "--stride",
        "2",
    ];
    // Refused by default: exit 1, the tensor and the element named.
    let out = run(&args);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    for words in [
        "tensor `w`",
        "element 1",
        "(0, 0, 1)",
        "NaN",
        "--allow-non-finite",
    ] {
        assert!(err.contains(words), "`{words}` not in: {err}");
    }
    // Kept with the flag, bit for bit.
    let out = run(&[&args[..], &["--allow-non-finite"]].concat());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let bits: Vec<u32> = w.iter().map(|v| v.to_bits()).collect();
    assert_eq!(f32_bits(&text), bits, "{text}");
    // A flag, not an option with a value; once only; and no help for Q15.
    let out = run(&[&args[..], &["--allow-non-finite=yes"]].concat());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--allow-non-finite takes no value"));
    let out = run(&[&args[..], &["--allow-non-finite", "--allow-non-finite"]].concat());
    assert_eq!(out.status.code(), Some(2));
    let out = run(&[&args[..], &["--allow-non-finite", "--q15"]].concat());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("Q15"), "{}", stderr(&out));
    // --help documents it.
    let out = run(&["--help"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("--allow-non-finite"));
}
