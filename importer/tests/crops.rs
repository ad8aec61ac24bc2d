//! Crops that differ between the ends, and causal layers: `LayerSpec::padding_lr`,
//! `LayerSpec::causal`, their type aliases and their errors; and the command line's
//! `--padding-right`, `--causal`, `--fold-weight-norm` and `--network`.

mod common;

use std::process::{Command, Output};

use common::*;
use conv_transpose_import::{
    render, render_network, CropRight, ElementType, ImportError, LayerSpec, Network, Tensors,
};

/// A (2, 3, 8) weight `up.weight` and its bias.
fn tensors() -> Tensors {
    let w: Vec<f32> = (0..48).map(|i| (i as f32 * 0.37).sin()).collect();
    Tensors::from_bytes(
        "m.safetensors",
        f32_file(&[
            ("up.weight", &[2, 3, 8], &w),
            ("up.bias", &[3], &[0.5, -0.5, 1.0]),
        ]),
    )
    .unwrap()
}

#[test]
fn uneven_crops_render_a_cropped_layer() {
    // (L-1)*S - PL - PR + D*(K-1) + OP + 1 = 9*4 - 1 - 3 + 7 + 1 = 40.
    let spec = LayerSpec::new("UP", "up.weight", 10, 4)
        .padding_lr(1, 3)
        .bias("up.bias");
    let src = render(&tensors(), &spec).unwrap();
    assert_eq!(
        alias_line(&src),
        "pub type Up = ::conv_transpose::CroppedConvTranspose1d<10, 2, 3, 3, 8, 4, 1, 3, 1, 0, f32>;"
    );
    assert!(
        src.contains(
            "`nn.ConvTranspose1d(2, 3, 8, stride=4, padding=0, output_padding=0, groups=1, \
             dilation=1)`, its result cropped by 1 frame(s) on the left and 3 on the right, on \
             10 input frames: 40 output frames."
        ),
        "{src}"
    );
    // Q15 too.
    let q = render(&tensors(), &spec.clone().element(ElementType::Q15)).unwrap();
    assert_eq!(
        alias_line(&q),
        "pub type Up = ::conv_transpose::CroppedConvTranspose1d<10, 2, 3, 3, 8, 4, 1, 3, 1, 0, \
         ::conv_transpose::Q15>;"
    );
}

#[test]
fn equal_crops_render_as_before() {
    let t = tensors();
    let even = render(
        &t,
        &LayerSpec::new("UP", "up.weight", 10, 4).padding_lr(2, 2),
    )
    .unwrap();
    let symmetric = render(&t, &LayerSpec::new("UP", "up.weight", 10, 4).padding(2)).unwrap();
    assert_eq!(even, symmetric);
    assert!(alias_line(&even).contains("GroupedConvTranspose1d<10, 2, 3, 3, 8, 4, 2, 1, 0, f32>"));
}

#[test]
fn a_causal_layer_crops_its_reach_past_a_stride_on_the_right() {
    let t = tensors();
    // K 8, S 4: K - S = 4 on the right; 10 frames give 40.
    let src = render(&t, &LayerSpec::new("UP", "up.weight", 10, 4).causal()).unwrap();
    assert_eq!(
        alias_line(&src),
        "pub type Up = ::conv_transpose::CroppedConvTranspose1d<10, 2, 3, 3, 8, 4, 0, 4, 1, 0, f32>;"
    );
    assert!(src.contains("on the right (causal), on 10 input frames: 40 output frames."));
    // D 2, OP 1, S 4: 2*7 + 1 + 1 - 4 = 12 on the right; still L*S frames.
    let spec = LayerSpec::new("UP", "up.weight", 10, 4)
        .dilation(2)
        .output_padding(1)
        .causal();
    let src = render(&t, &spec).unwrap();
    assert!(
        alias_line(&src).contains("<10, 2, 3, 3, 8, 4, 0, 12, 2, 1, f32>"),
        "{src}"
    );
    assert!(src.contains(": 40 output frames."));
}

fn hyper_message(err: &ImportError) -> &str {
    match err {
        ImportError::Hyperparameters { name, message } => {
            assert_eq!(name, "UP");
            message
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn bad_crops_are_named_errors() {
    let t = tensors();
    // K 8, S 9: 7 + 1 - 9 = -1.
    let err = render(&t, &LayerSpec::new("UP", "up.weight", 10, 9).causal()).unwrap_err();
    let m = hyper_message(&err);
    assert!(m.contains("negative") && m.contains("= -1"), "{m}");
    // Causal with a left crop.
    let mut spec = LayerSpec::new("UP", "up.weight", 10, 4).causal();
    spec.padding = 1;
    let err = render(&t, &spec).unwrap_err();
    assert!(hyper_message(&err).contains("causal"), "{err}");
    // Nothing left: 9*4 - 30 - 20 + 7 + 1 < 1.
    let err = render(
        &t,
        &LayerSpec::new("UP", "up.weight", 10, 4).padding_lr(30, 20),
    )
    .unwrap_err();
    let m = hyper_message(&err);
    assert!(
        m.contains(
            "(L-1)*S - PL - PR + D*(K-1) + OP + 1 = (10-1)*4 - 30 - 20 + 1*(8-1) + 0 + 1 = -6"
        ) && m.contains("too much cropping"),
        "{m}"
    );
    // Huge crops and dilations overflow into errors, not panics.
    let err = render(
        &t,
        &LayerSpec::new("UP", "up.weight", 10, 4).padding_lr(usize::MAX, usize::MAX),
    )
    .unwrap_err();
    hyper_message(&err);
    let err = render(
        &t,
        &LayerSpec::new("UP", "up.weight", 10, 1)
            .dilation(usize::MAX)
            .causal(),
    )
    .unwrap_err();
    hyper_message(&err);
    assert_eq!(
        LayerSpec::new("UP", "w", 1, 1).padding_right,
        CropRight::SameAsLeft
    );
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_conv-transpose-import"))
        .args(args)
        .output()
        .expect("run the binary")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `tensors()` as a file, and its path.
fn model_file(test: &str) -> (std::path::PathBuf, String) {
    let dir = temp_dir(test);
    let path = dir.join("m.safetensors");
    let w: Vec<f32> = (0..48).map(|i| (i as f32 * 0.37).sin()).collect();
    let v: Vec<f32> = (0..3 * 2 * 4).map(|i| (i as f32 * 0.11).cos()).collect();
    std::fs::write(
        &path,
        f32_file(&[
            ("up.weight", &[2, 3, 8], &w),
            ("up.bias", &[3], &[0.5, -0.5, 1.0]),
            ("post.weight_g", &[3, 1, 1], &[0.5, 1.5, 2.0]),
            ("post.weight_v", &[3, 2, 4], &v),
        ]),
    )
    .unwrap();
    let s = path.display().to_string();
    (dir, s)
}

#[test]
fn the_command_line_crops_as_the_spec_does() {
    let (_dir, path) = model_file("cli-crops");
    let t = Tensors::open(&path).unwrap();
    let out = run(&[
        &path,
        "--weight",
        "up.weight",
        "--len",
        "10",
        "--stride",
        "4",
        "--padding",
        "1",
        "--padding-right",
        "3",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let spec = LayerSpec::new("UP", "up.weight", 10, 4).padding_lr(1, 3);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        render(&t, &spec).unwrap()
    );

    let out = run(&[
        &path,
        "--weight",
        "up.weight",
        "--len",
        "10",
        "--stride",
        "4",
        "--causal",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let spec = LayerSpec::new("UP", "up.weight", 10, 4).causal();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        render(&t, &spec).unwrap()
    );

    // --causal sets both crops: a usage error with either.
    for extra in ["--padding", "--padding-right"] {
        let out = run(&[
            &path,
            "--weight",
            "up.weight",
            "--len",
            "10",
            "--stride",
            "4",
            "--causal",
            extra,
            "1",
        ]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains("--causal"), "{}", stderr(&out));
    }
    // A causal kernel shorter than its stride: exit 1, the layer named.
    let out = run(&[
        &path,
        "--weight",
        "up.weight",
        "--len",
        "10",
        "--stride",
        "9",
        "--causal",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("layer `UP`"), "{}", stderr(&out));
}

#[test]
fn the_command_line_folds_weight_norm_when_asked() {
    let (_dir, path) = model_file("cli-fold");
    let args = [
        &path[..],
        "--weight",
        "post.weight",
        "--len",
        "4",
        "--stride",
        "2",
    ];
    let out = run(&args);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("--fold-weight-norm"),
        "{}",
        stderr(&out)
    );
    let mut with = args.to_vec();
    with.push("--fold-weight-norm");
    let out = run(&with);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let spec = LayerSpec::new("POST", "post.weight", 4, 2).fold_weight_norm(true);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        render(&Tensors::open(&path).unwrap(), &spec).unwrap()
    );
}

#[test]
fn the_command_line_renders_a_network() {
    let (dir, path) = model_file("cli-network");
    let desc = dir.join("net.toml");
    std::fs::write(
        &desc,
        "name = \"NET\"\ninput_len = 6\n\n[[layer]]\nweight = \"up.weight\"\nstride = 4\n\
         padding = [1, 3]\nactivation = \"relu\"\n\n[[layer]]\nweight = \"post.weight\"\n\
         stride = 2\ncausal = true\n",
    )
    .unwrap();
    let desc = desc.display().to_string();
    let out = run(&[&path, "--network", &desc]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let want = render_network(
        &Tensors::open(&path).unwrap(),
        &Network::open(&desc).unwrap(),
    );
    let got = String::from_utf8(out.stdout).unwrap();
    assert_eq!(got, want.unwrap());
    assert!(got.contains("pub static NET_STREAM: NetStream"), "{got}");

    // Layer options do not go with --network.
    let out = run(&[&path, "--network", &desc, "--stride", "2"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--stride"), "{}", stderr(&out));
    // A bad description: exit 1, the layer named.
    std::fs::write(&desc, "name = \"NET\"\ninput_len = 6\n[[layer]]\nweight = \"nope.weight\"\nstride = 2\n[[layer]]\nweight = \"post.weight\"\nstride = 2\n").unwrap();
    let out = run(&[&path, "--network", &desc]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("layer 1 (`nope.weight`)"),
        "{}",
        stderr(&out)
    );
    // --allow-non-finite is the description's allow_non_finite.
    std::fs::write(
        &desc,
        "name = \"NET\"\ninput_len = 6\n[[layer]]\nweight = \"a.weight\"\nstride = 2\n\
         [[layer]]\nweight = \"b.weight\"\nstride = 2\n",
    )
    .unwrap();
    let nan = dir.join("nan.safetensors");
    std::fs::write(
        &nan,
        f32_file(&[
            ("a.weight", &[1, 2, 2], &[1.0, f32::INFINITY, 0.5, 0.25]),
            ("b.weight", &[2, 1, 2], &[1.0, 2.0, 3.0, 4.0]),
        ]),
    )
    .unwrap();
    let nan = nan.display().to_string();
    let out = run(&[&nan, "--network", &desc]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("layer 1 (`a.weight`)"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("inf"), "{}", stderr(&out));
    let out = run(&[&nan, "--network", &desc, "--allow-non-finite"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(f32_bits(&String::from_utf8(out.stdout).unwrap()).contains(&f32::INFINITY.to_bits()));
}
