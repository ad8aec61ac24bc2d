//! Network descriptions: what `render_network` generates for a good one, and, for each
//! kind of bad description, the error variant and a message that names the layer.
//! Nothing panics.

mod common;

use common::*;
use conv_transpose_import::{
    render_network, Activation, Bias, ImportError, Network, Padding, Tensors,
};

/// Three layers: `ups.0` (4 -> 6 channels, K 4), `ups.1` weight-normalised (old style,
/// 6 -> 2 channels in 2 groups, K 3), `post` (2 -> 1, K 5, no bias).
fn tensors() -> Tensors {
    Tensors::from_bytes("model.safetensors", checkpoint(&[])).unwrap()
}

/// The checkpoint, with the tensors named in `drop` left out.
fn checkpoint(drop: &[&str]) -> Vec<u8> {
    let w0 = values(4 * 6 * 4, 1);
    let b0 = values(6, 2);
    let v1 = values(6 * 3, 3);
    let g1: Vec<f32> = (0..6).map(|i| 0.5 + i as f32 * 0.25).collect();
    let b1 = values(2, 4);
    let w2 = values(2 * 5, 5);
    let all: Vec<(&str, &[usize], &[f32])> = vec![
        ("ups.0.weight", &[4, 6, 4], &w0),
        ("ups.0.bias", &[6], &b0),
        ("ups.1.weight_v", &[6, 1, 3], &v1),
        ("ups.1.weight_g", &[6, 1, 1], &g1),
        ("ups.1.bias", &[2], &b1),
        ("post.weight", &[2, 1, 5], &w2),
    ];
    let kept: Vec<_> = all.into_iter().filter(|t| !drop.contains(&t.0)).collect();
    f32_file(&kept)
}

/// Deterministic values in [-1, 1).
fn values(n: usize, seed: u32) -> Vec<f32> {
    (0..n)
        .map(|i| {
            let h = (i as u32).wrapping_mul(2654435761) ^ seed.wrapping_mul(40503);
            (h % 2000) as f32 / 1000.0 - 1.0
        })
        .collect()
}

const GOOD: &str = r#"
name = "NET"
input_len = 5
output_activation = "tanh"
stream_block = 2

[[layer]]
weight = "ups.0.weight"
stride = 2
padding = 1
activation = "leaky_relu(0.1)"

[[layer]]
weight = "ups.1.weight"
stride = 3
padding = [0, 2]
groups = 2
activation = "relu"

[[layer]]
weight = "post.weight"
name = "POST"
stride = 2
causal = true
"#;

fn good() -> Network {
    Network::from_toml("net.toml", GOOD).unwrap()
}

/// `GOOD` with `from` replaced by `to` (which must occur).
fn edited(from: &str, to: &str) -> String {
    assert!(GOOD.contains(from), "{from}");
    GOOD.replacen(from, to, 1)
}

fn render_text(text: &str) -> Result<String, ImportError> {
    let net = Network::from_toml("net.toml", text)?;
    render_network(&tensors(), &net)
}

/// The error inside an `InLayer` for layer `layer` (from 1) with weight `weight`.
fn in_layer<'e>(err: &'e ImportError, layer: usize, weight: &str) -> &'e ImportError {
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("layer {layer} (`{weight}`): ")),
        "{text}"
    );
    match err {
        ImportError::InLayer {
            layer: l,
            weight: w,
            source,
        } => {
            assert_eq!((*l, w.as_str()), (layer, weight), "{err}");
            assert!(std::ptr::eq(err.innermost(), source.as_ref()));
            source
        }
        other => panic!("not InLayer: {other:?}"),
    }
}

fn assert_mentions(err: &ImportError, words: &[&str]) {
    let text = err.to_string();
    for w in words {
        assert!(text.contains(w), "`{w}` not in: {text}");
    }
}

#[test]
fn the_description_is_read_with_its_defaults() {
    let net = good();
    assert_eq!(net.name, "NET");
    assert_eq!((net.input_len, net.stream_block), (5, 2));
    assert_eq!(net.output_activation, Activation::Tanh);
    assert!(!net.allow_non_finite);
    assert_eq!(net.layers.len(), 3);
    let l = &net.layers[1];
    assert_eq!(l.padding, Some(Padding::LeftRight(0, 2)));
    assert_eq!((l.groups, l.dilation, l.output_padding), (2, 1, 0));
    assert_eq!(l.bias, Bias::Auto);
    assert_eq!(l.activation, Some(Activation::Relu));
    assert_eq!(net.layers[0].activation, Some(Activation::LeakyRelu(0.1)));
    assert!(net.layers[2].causal);
    assert_eq!(net.layers[2].name.as_deref(), Some("POST"));
    assert_eq!(net.layers[2].activation, None);
}

#[test]
fn every_item_is_generated() {
    let src = render_network(&tensors(), &good()).unwrap();
    // Lengths: 5 -> (4*2 - 2 + 3 + 1) = 10 -> (9*3 - 0 - 2 + 2 + 1) = 28 -> causal 56.
    for line in [
        "pub type NetUps0 = ::conv_transpose::GroupedConvTranspose1d<5, 4, 6, 6, 4, 2, 1, 1, 0, f32>;",
        "pub type NetUps1 = ::conv_transpose::CroppedConvTranspose1d<10, 6, 2, 1, 3, 3, 0, 2, 1, 0, f32>;",
        // Causal: D*(K-1) + OP + 1 - S = 4 + 1 - 2 = 3 on the right.
        "pub type NetPost = ::conv_transpose::CroppedConvTranspose1d<28, 2, 1, 1, 5, 2, 0, 3, 1, 0, f32>;",
        "pub static NET_UPS_0: NetUps0 = NetUps0::from_torch(",
        "pub static NET_UPS_1: NetUps1 = NetUps1::from_torch(",
        "pub static NET_POST: NetPost = NetPost::from_torch(",
        "pub type NetOutputActivation = ::conv_transpose::Tanh;",
        "pub const NET_OUTPUT_ACTIVATION: NetOutputActivation = ::conv_transpose::Tanh;",
        "pub type Net = ::conv_transpose::chain!(",
        "pub static NET: Net = ::conv_transpose::Chain::new(",
        // Stream blocks: 2, then 2*2 = 4, then 4*3 = 12.
        "pub type NetUps0Stream = ::conv_transpose::GroupedConvTranspose1d<2, 4, 6, 6, 4, 2, 1, 1, 0, f32>;",
        "pub type NetUps1Stream = ::conv_transpose::CroppedConvTranspose1d<4, 6, 2, 1, 3, 3, 0, 2, 1, 0, f32>;",
        "pub type NetPostStream = ::conv_transpose::CroppedConvTranspose1d<12, 2, 1, 1, 5, 2, 0, 3, 1, 0, f32>;",
        "pub type NetStream = ::conv_transpose::chain!(",
        "pub static NET_STREAM: NetStream = ::conv_transpose::Chain::for_streaming(",
        "pub type NetStreamState = (",
        "pub const NET_STREAM_STATE: NetStreamState = (",
        "        NET_UPS_0.with_len::<2>(),",
        "        ::conv_transpose::LeakyRelu(0.1),",
        "        NET_UPS_1.with_len::<4>(),",
        "    ::conv_transpose::Relu,",
        "    NET_POST.with_len::<12>(),",
        "        &NET_UPS_0,",
        "    &NET_POST,",
        "        <::conv_transpose::chunk_stream!(NetUps0Stream)>::new(),",
        "    ::conv_transpose::chunk_stream!(NetPostStream),",
    ] {
        assert!(src.lines().any(|l| l == line), "no line `{line}` in:\n{src}");
    }
    // Each weight table once: 96 + 18 + 10 weights, biases 6 + 2 (post has none).
    assert_eq!(f32_bits(&src).len(), 96 + 18 + 10 + 6 + 2);
    assert_eq!(src.matches("::from_torch(").count(), 3);
    assert!(src.contains("bias `ups.0.bias` (6)"), "{src}");
    assert!(src.contains("bias `ups.1.bias` (2)"), "{src}");
    assert!(src.contains("`post.weight`: PyTorch (CIN, COUT/G, K) = (2, 1, 5), f32, from `model.safetensors`; no bias."));
    assert!(src.contains("Folded from weight normalisation: `ups.1.weight_v`"));
    assert!(src.starts_with("// @generated by conv-transpose-import"));
}

#[test]
fn bias_keys() {
    let named = render_text(&edited(
        "weight = \"ups.1.weight\"",
        "weight = \"ups.1.weight\"\nbias = \"ups.1.bias\"",
    ))
    .unwrap();
    assert!(named.contains("bias `ups.1.bias` (2)"), "{named}");
    // ups.1.bias has 2 elements, post gives 1 channel: a shape error in layer 3.
    let err = render_text(&edited(
        "weight = \"post.weight\"",
        "weight = \"post.weight\"\nbias = \"ups.1.bias\"",
    ))
    .unwrap_err();
    assert!(matches!(
        *in_layer(&err, 3, "post.weight"),
        ImportError::Shape { .. }
    ));

    let off = render_text(&edited(
        "weight = \"ups.0.weight\"",
        "weight = \"ups.0.weight\"\nbias = false",
    ))
    .unwrap();
    assert!(!off.contains("`ups.0.bias`"), "{off}");

    let err = render_text(&edited(
        "weight = \"post.weight\"",
        "weight = \"post.weight\"\nbias = true",
    ))
    .unwrap_err();
    let inner = in_layer(&err, 3, "post.weight");
    assert!(
        matches!(*inner, ImportError::MissingTensor { ref name, .. } if name == "post.bias"),
        "{inner:?}"
    );
}

// The bad descriptions the brief lists, one test each.

#[test]
fn a_channel_mismatch_names_both_layers() {
    // ups.1 in one group takes 6 channels and gives 1 * 1 = 1, but post takes 2 (its
    // bias left out, which would show the mistake first).
    let err = render_text(&edited("groups = 2\n", "bias = false\n")).unwrap_err();
    assert!(
        matches!(
            err,
            ImportError::Channels {
                layer: 3,
                in_channels: 2,
                out_channels: 1,
                previous_groups: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert_mentions(
        &err,
        &[
            "layer 3 (`post.weight`) takes 2 input channels",
            "layer 2 (`ups.1.weight`) gives 1",
            "groups",
        ],
    );
}

#[test]
fn a_missing_tensor_names_the_layer() {
    let t = Tensors::from_bytes("model.safetensors", checkpoint(&["post.weight"])).unwrap();
    let err = render_network(&t, &good()).unwrap_err();
    let inner = in_layer(&err, 3, "post.weight");
    assert!(
        matches!(*inner, ImportError::MissingTensor { ref name, .. } if name == "post.weight"),
        "{inner:?}"
    );
    assert_mentions(&err, &["layer 3", "`post.weight`", "model.safetensors"]);
}

#[test]
fn a_weight_norm_pair_with_a_half_missing_names_the_missing_tensor() {
    for (drop, present) in [
        ("ups.1.weight_g", "ups.1.weight_v"),
        ("ups.1.weight_v", "ups.1.weight_g"),
    ] {
        let t = Tensors::from_bytes("model.safetensors", checkpoint(&[drop])).unwrap();
        let err = render_network(&t, &good()).unwrap_err();
        let inner = in_layer(&err, 2, "ups.1.weight");
        assert!(
            matches!(*inner, ImportError::WeightNorm { ref missing, present: ref there, .. }
                if missing == drop && there == present),
            "{inner:?}"
        );
        assert_mentions(&err, &["layer 2", &format!("`{drop}`"), "is missing"]);
        assert!(err.to_string().contains(&format!("`{present}` is there")));
    }
    // New style: original0 without original1.
    let v = values(6 * 3, 1);
    let w0 = values(4 * 6 * 4, 1);
    let w2 = values(2 * 5, 5);
    let t = Tensors::from_bytes(
        "new.safetensors",
        f32_file(&[
            ("ups.0.weight", &[4, 6, 4], &w0),
            (
                "ups.1.parametrizations.weight.original0",
                &[6, 1, 1],
                &v[..6],
            ),
            ("post.weight", &[2, 1, 5], &w2),
        ]),
    )
    .unwrap();
    let err = render_network(&t, &good()).unwrap_err();
    let inner = in_layer(&err, 2, "ups.1.weight");
    assert!(
        matches!(*inner, ImportError::WeightNorm { ref missing, .. }
            if missing == "ups.1.parametrizations.weight.original1"),
        "{inner:?}"
    );
}

#[test]
fn a_non_finite_weight_is_refused_unless_allowed() {
    let mut w2 = values(2 * 5, 5);
    w2[7] = f32::NAN;
    let w0 = values(4 * 6 * 4, 1);
    let v1 = values(6 * 3, 3);
    let g1 = [1.0f32; 6];
    let t = || {
        Tensors::from_bytes(
            "nan.safetensors",
            f32_file(&[
                ("ups.0.weight", &[4, 6, 4], &w0),
                ("ups.1.weight_v", &[6, 1, 3], &v1),
                ("ups.1.weight_g", &[6, 1, 1], &g1),
                ("post.weight", &[2, 1, 5], &w2),
            ]),
        )
        .unwrap()
    };
    let err = render_network(&t(), &good()).unwrap_err();
    let inner = in_layer(&err, 3, "post.weight");
    assert!(
        matches!(*inner, ImportError::NonFinite { flat_index: 7, ref index, .. } if index == &[1, 0, 2]),
        "{inner:?}"
    );
    assert_mentions(&err, &["layer 3", "allow_non_finite = true"]);

    // The opt-in, in the file.
    let net = Network::from_toml("net.toml", &format!("allow_non_finite = true\n{GOOD}")).unwrap();
    assert!(net.allow_non_finite);
    let src = render_network(&t(), &net).unwrap();
    assert!(f32_bits(&src).contains(&f32::NAN.to_bits()));
}

#[test]
fn a_zero_norm_weight_norm_gives_nan_and_is_refused() {
    // One slice of v all zero: g / 0 is infinite, 0 * inf is NaN, as in PyTorch.
    let mut v1 = values(6 * 3, 3);
    v1[3..6].fill(0.0);
    let w0 = values(4 * 6 * 4, 1);
    let w2 = values(2 * 5, 5);
    let g1 = [1.0f32; 6];
    let t = Tensors::from_bytes(
        "zero.safetensors",
        f32_file(&[
            ("ups.0.weight", &[4, 6, 4], &w0),
            ("ups.1.weight_v", &[6, 1, 3], &v1),
            ("ups.1.weight_g", &[6, 1, 1], &g1),
            ("post.weight", &[2, 1, 5], &w2),
        ]),
    )
    .unwrap();
    let err = render_network(&t, &good()).unwrap_err();
    let inner = in_layer(&err, 2, "ups.1.weight");
    assert!(
        matches!(*inner, ImportError::NonFinite { flat_index: 3, value, .. } if value.is_nan()),
        "{inner:?}"
    );
}

#[test]
fn an_unknown_key_is_refused() {
    // In a layer: named by its number and weight, and the line of its entry.
    let err = render_text(&edited("padding = 1\n", "padding = 1\nstrid = 2\n")).unwrap_err();
    let inner = in_layer(&err, 1, "ups.0.weight");
    assert!(
        matches!(*inner, ImportError::Description { ref message, .. } if message.contains("unknown field `strid`")),
        "{inner:?}"
    );
    assert_mentions(&err, &["net.toml", "line 7"]);

    // At the top level: TOML's message, with the line.
    let err = render_text(&format!("inpt_len = 3\n{GOOD}")).unwrap_err();
    assert!(
        matches!(err, ImportError::Description { ref file, .. } if file == "net.toml"),
        "{err:?}"
    );
    assert_mentions(&err, &["unknown field `inpt_len`", "line 1"]);
}

#[test]
fn an_activation_on_the_last_layer_is_refused() {
    let err = render_text(&edited(
        "causal = true\n",
        "causal = true\nactivation = \"tanh\"\n",
    ))
    .unwrap_err();
    let inner = in_layer(&err, 3, "post.weight");
    assert!(
        matches!(*inner, ImportError::Description { ref message, .. } if message.contains("output_activation")),
        "{inner:?}"
    );
}

#[test]
fn a_crop_that_leaves_no_output_is_refused() {
    // Layer 2 over 10 frames: (10-1)*3 - 40 - 2 + 2 + 1 < 1.
    let err = render_text(&edited("padding = [0, 2]", "padding = [40, 2]")).unwrap_err();
    let inner = in_layer(&err, 2, "ups.1.weight");
    assert!(
        matches!(*inner, ImportError::Hyperparameters { ref name, ref message }
            if name == "NET_UPS_1" && message.contains("less than 1")),
        "{inner:?}"
    );
    assert_mentions(&err, &["PL - PR", "- 40 - 2", "too much cropping"]);
    // Symmetric padding says so.
    let err = render_text(&edited("padding = 1\n", "padding = 9\n")).unwrap_err();
    let inner = in_layer(&err, 1, "ups.0.weight");
    assert!(
        matches!(*inner, ImportError::Hyperparameters { ref message, .. } if message.contains("too much padding")),
        "{inner:?}"
    );
}

// More bad descriptions.

#[test]
fn a_stream_block_that_gives_no_output_is_refused() {
    // One frame into ups.0 with padding 3: (1-1)*2 - 6 + 3 + 1 < 1, though the whole
    // signal (5 frames) is fine.
    let err = render_text(
        &edited("padding = 1\n", "padding = 3\n").replace("stream_block = 2", "stream_block = 1"),
    )
    .unwrap_err();
    let inner = in_layer(&err, 1, "ups.0.weight");
    assert!(
        matches!(*inner, ImportError::Hyperparameters { ref message, .. } if message.contains("stream_block")),
        "{inner:?}"
    );
}

#[test]
fn a_causal_layer_with_a_kernel_shorter_than_its_stride_is_refused() {
    // post: K 5, S 7: D*(K-1) + OP + 1 - S = -2.
    let err = render_text(&edited("stride = 2\ncausal", "stride = 7\ncausal")).unwrap_err();
    let inner = in_layer(&err, 3, "post.weight");
    assert!(
        matches!(*inner, ImportError::Hyperparameters { ref message, .. } if message.contains("negative")),
        "{inner:?}"
    );
    assert_mentions(&err, &["= -2"]);
    // And causal with a padding.
    let err = render_text(&edited("causal = true", "causal = true\npadding = 1")).unwrap_err();
    let inner = in_layer(&err, 3, "post.weight");
    assert!(
        matches!(*inner, ImportError::Description { .. }),
        "{inner:?}"
    );
}

#[test]
fn unknown_activations_and_bad_values_name_the_layer() {
    let err = render_text(&edited("\"relu\"", "\"gelu\"")).unwrap_err();
    let inner = in_layer(&err, 2, "ups.1.weight");
    assert_mentions(inner, &["unknown activation `gelu`"]);
    for bad in ["leaky_relu(x)", "leaky_relu(inf)", "leaky_relu(0.1"] {
        let err = render_text(&edited("\"relu\"", &format!("\"{bad}\""))).unwrap_err();
        in_layer(&err, 2, "ups.1.weight");
    }
    let err = render_text(&edited("stride = 3", "stride = -3")).unwrap_err();
    in_layer(&err, 2, "ups.1.weight");
    let err = render_text(&edited("padding = [0, 2]", "padding = [0, 2, 4]")).unwrap_err();
    in_layer(&err, 2, "ups.1.weight");
    let err = render_text(&edited("stride = 3", "stride = 0")).unwrap_err();
    let inner = in_layer(&err, 2, "ups.1.weight");
    assert!(
        matches!(*inner, ImportError::Hyperparameters { .. }),
        "{inner:?}"
    );
    // The output activation: TOML's message with the line.
    let err = render_text(&GOOD.replace("\"tanh\"", "\"sigmoid\"")).unwrap_err();
    assert!(matches!(err, ImportError::Description { .. }), "{err:?}");
    assert_mentions(&err, &["unknown activation `sigmoid`"]);
}

#[test]
fn description_level_errors() {
    for (text, words) in [
        ("this is not toml", vec!["net.toml"]),
        ("name = \"NET\"\n", vec!["input_len"]),
        (
            "name = \"NET\"\ninput_len = 4\n[[layer]]\nweight = \"ups.0.weight\"\nstride = 2\n",
            vec!["at least two"],
        ),
        (
            &GOOD.replace("\"NET\"", "\"net\"")[..],
            vec!["SCREAMING_CASE"],
        ),
        (
            &GOOD.replace("input_len = 5", "input_len = 0")[..],
            vec!["input_len"],
        ),
        (
            &GOOD.replace("stream_block = 2", "stream_block = 0")[..],
            vec!["stream_block"],
        ),
        (
            "name = \"NET\"\ninput_len = 4\n[layer]\nweight = \"a\"\n",
            vec!["net.toml"],
        ),
    ] {
        let err = render_text(text).unwrap_err();
        assert!(
            matches!(err, ImportError::Description { .. }),
            "{text}: {err:?}"
        );
        assert_mentions(&err, &words);
    }
}

#[test]
fn names_that_clash_are_refused() {
    // Two layers both named UPS_0.
    let err = render_text(&edited(
        "weight = \"ups.1.weight\"",
        "weight = \"ups.1.weight\"\nname = \"UPS_0\"",
    ))
    .unwrap_err();
    let inner = in_layer(&err, 2, "ups.1.weight");
    assert!(
        matches!(*inner, ImportError::Hyperparameters { .. }),
        "{inner:?}"
    );
    assert_mentions(&err, &["NET_UPS_0", "clashes"]);
    // A layer named STREAM would make `NetStream`, the stream chain's alias.
    let err = render_text(&edited("name = \"POST\"", "name = \"STREAM\"")).unwrap_err();
    in_layer(&err, 3, "post.weight");
    // A lower-case layer name.
    let err = render_text(&edited("name = \"POST\"", "name = \"post\"")).unwrap_err();
    let inner = in_layer(&err, 3, "post.weight");
    assert_mentions(inner, &["SCREAMING_CASE"]);
}

#[test]
fn a_npy_file_is_refused() {
    let dir = temp_dir("network-npy");
    let path = dir.join("w.npy");
    std::fs::write(
        &path,
        npy_file("<f4", &[1, 1, 2], false, &f32_bytes(&[1.0, 2.0])),
    )
    .unwrap();
    let err = render_network(&Tensors::open(&path).unwrap(), &good()).unwrap_err();
    assert!(matches!(err, ImportError::Format { .. }), "{err:?}");
    assert_mentions(&err, &["safetensors"]);
}

#[test]
fn files_are_read_and_written() {
    let dir = temp_dir("network-files");
    let model = dir.join("model.safetensors");
    let desc = dir.join("net.toml");
    std::fs::write(&model, checkpoint(&[])).unwrap();
    std::fs::write(&desc, GOOD).unwrap();
    let net = Network::open(&desc).unwrap();
    assert_eq!(net.file, desc.display().to_string());
    let out = net.write_to_dir(&dir, "net.rs", &model).unwrap();
    let written = std::fs::read_to_string(out).unwrap();
    assert_eq!(
        written,
        render_network(&Tensors::open(&model).unwrap(), &net).unwrap()
    );
    let err = Network::open(dir.join("nope.toml")).unwrap_err();
    assert!(matches!(err, ImportError::Io { .. }), "{err:?}");
    std::fs::write(&desc, b"name = \"\xff\"").unwrap();
    let err = Network::open(&desc).unwrap_err();
    assert!(matches!(err, ImportError::Description { .. }), "{err:?}");
    // Outside a build script.
    if std::env::var_os("OUT_DIR").is_none() {
        let err = conv_transpose_import::write_network_out_dir("n.rs", &model, &desc).unwrap_err();
        assert!(err.to_string().contains("OUT_DIR"), "{err}");
    }
}
