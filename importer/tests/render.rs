//! The generated source: exact bits in PyTorch order, the type's generics, the doc lines,
//! arrays, files for build scripts, and `.npy` input.

mod common;

use common::*;
use conv_transpose_import::{
    default_name, read_npy_f32, render, render_array, render_file, try_render_array,
    type_alias_name, write_to_dir, ImportError, LayerSpec, Tensors,
};

/// Distinct values with awkward bits: every element differs from every other.
fn values(n: usize, seed: u32) -> Vec<f32> {
    (0..n)
        .map(|i| {
            let x = (i as u32).wrapping_mul(2_654_435_761).wrapping_add(seed);
            (x as f32 / u32::MAX as f32 - 0.5) * 3.7 + i as f32 * 1e-3
        })
        .collect()
}

#[test]
fn weight_and_bias_bits_round_trip_in_pytorch_order() {
    // (CIN, COUT, K) = (3, 2, 4), with values decimal printing would mangle.
    let mut w = values(24, 7);
    w[0] = f32::from_bits(0x7fc0_1234); // NaN with a payload
    w[1] = -0.0;
    w[2] = f32::from_bits(1); // smallest subnormal
    w[3] = f32::INFINITY;
    w[4] = 0.1;
    let b = [0.25f32, -1e-30];
    let file = f32_file(&[("ups.0.weight", &[3, 2, 4], &w), ("ups.0.bias", &[2], &b)]);
    let tensors = Tensors::from_bytes("model.safetensors", file).unwrap();
    let spec = LayerSpec::new("UPS0", "ups.0.weight", 10, 2)
        .bias("ups.0.bias")
        .allow_non_finite(true);
    let src = render(&tensors, &spec).unwrap();

    let expected: Vec<u32> = w.iter().chain(&b).map(|v| v.to_bits()).collect();
    assert_eq!(f32_bits(&src), expected, "{src}");
    assert!(
        src.contains("pub static UPS0: Ups0 = Ups0::from_torch(\n"),
        "{src}"
    );
    assert!(
        src.contains("Some(&[f32::from_bits(0x3e800000), f32::from_bits("),
        "{src}"
    );
    // Each innermost K-array starts on a line of its own (K = 4 is too long for one).
    let k_start = format!(
        "            [\n                f32::from_bits(0x{:08x}), f32::from_bits(0x{:08x}),",
        w[4].to_bits(),
        w[5].to_bits()
    );
    assert!(src.contains(&k_start), "{src}");
    assert!(
        src.lines().all(|l| l.len() <= 100 || l.starts_with("///")),
        "{src}"
    );
}

#[test]
fn doc_lines_and_alias_of_a_dense_layer() {
    let w = values(64 * 32 * 16, 1);
    let b = values(32, 2);
    let file = f32_file(&[
        ("ups.0.weight", &[64, 32, 16], &w),
        ("ups.0.bias", &[32], &b),
    ]);
    let tensors = Tensors::from_bytes("some/dir/model.safetensors", file).unwrap();
    let spec = LayerSpec::new("UPS0", "ups.0.weight", 32, 8)
        .padding(4)
        .bias("ups.0.bias")
        .in_channels(64)
        .out_channels(32)
        .kernel(16);
    let src = render(&tensors, &spec).unwrap();
    let mut lines = src.lines();
    assert_eq!(
        lines.next().unwrap(),
        "/// `ups.0.weight`: PyTorch (CIN, COUT/G, K) = (64, 32, 16), f32, from \
         `model.safetensors`; bias `ups.0.bias` (32)."
    );
    assert_eq!(
        lines.next().unwrap(),
        "/// `nn.ConvTranspose1d(64, 32, 16, stride=8, padding=4, output_padding=0, groups=1, \
         dilation=1)` on 32 input frames: 256 output frames."
    );
    assert_eq!(
        lines.next().unwrap(),
        "pub type Ups0 = ::conv_transpose::GroupedConvTranspose1d<32, 64, 32, 32, 16, 8, 4, 1, \
         0, f32>;"
    );
    let bits = f32_bits(&src);
    assert_eq!(bits.len(), w.len() + b.len());
    assert!(bits
        .iter()
        .zip(w.iter().chain(&b))
        .all(|(x, v)| *x == v.to_bits()));
    assert!(
        src.ends_with("    ]),\n);\n"),
        "{}",
        &src[src.len() - 200..]
    );
}

#[test]
fn alias_generics_of_a_grouped_layer() {
    // groups = 2: CIN = 4, COUT/G = 3 so COUT = 6, K = 2.
    let w = values(4 * 3 * 2, 3);
    let file = f32_file(&[("g.weight", &[4, 3, 2], &w)]);
    let tensors = Tensors::from_bytes("g.safetensors", file).unwrap();
    let spec = LayerSpec::new("G", "g.weight", 5, 2).groups(2);
    let src = render(&tensors, &spec).unwrap();
    assert_eq!(
        alias_line(&src),
        "pub type G = ::conv_transpose::GroupedConvTranspose1d<5, 4, 6, 3, 2, 2, 0, 1, 0, f32>;"
    );
    assert!(src.contains(
        "nn.ConvTranspose1d(4, 6, 2, stride=2, padding=0, output_padding=0, \
         groups=2, dilation=1, bias=False)` on 5 input frames: 10 output frames."
    ));
    assert!(src.contains("    None,\n);\n"), "{src}");
    assert_eq!(
        f32_bits(&src),
        w.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
    );
}

#[test]
fn alias_generics_with_padding_dilation_and_output_padding() {
    // (L-1)*S - 2P + D*(K-1) + OP + 1 = 6*3 - 4 + 2*4 + 1 + 1 = 24 (OP = 1 < max(3, 2)).
    let w = values(2 * 3 * 5, 4);
    let file = f32_file(&[
        ("up.weight", &[2, 3, 5], &w),
        ("up.bias", &[3], &[1.0, 2.0, 3.0]),
    ]);
    let tensors = Tensors::from_bytes("m.safetensors", file).unwrap();
    let spec = LayerSpec::new("UP_SAMPLE_1", "up.weight", 7, 3)
        .padding(2)
        .dilation(2)
        .output_padding(1)
        .bias("up.bias");
    let src = render(&tensors, &spec).unwrap();
    assert_eq!(
        alias_line(&src),
        "pub type UpSample1 = ::conv_transpose::GroupedConvTranspose1d<7, 2, 3, 3, 5, 3, 2, 2, 1, \
         f32>;"
    );
    assert!(
        src.contains("on 7 input frames: 24 output frames."),
        "{src}"
    );
    assert!(src.contains("pub static UP_SAMPLE_1: UpSample1 = UpSample1::from_torch("));
}

#[test]
fn long_kernels_wrap_at_100_columns() {
    let w = values(40, 5);
    let file = f32_file(&[("w", &[1, 1, 40], &w)]);
    let tensors = Tensors::from_bytes("m.safetensors", file).unwrap();
    let src = render(&tensors, &LayerSpec::new("W", "w", 3, 1)).unwrap();
    assert!(
        src.lines().all(|l| l.len() <= 100 || l.starts_with("///")),
        "{src}"
    );
    assert!(src.lines().count() > 10, "{src}");
    assert_eq!(f32_bits(&src).len(), 40);
}

#[test]
fn names_and_aliases() {
    assert_eq!(default_name("ups.0.weight"), "UPS_0");
    assert_eq!(default_name("conv_post.weight"), "CONV_POST");
    assert_eq!(default_name("0.weight"), "LAYER_0");
    assert_eq!(default_name("decoder.ups.3.weight.npy"), "DECODER_UPS_3");
    assert_eq!(default_name("weight"), "WEIGHT");
    assert_eq!(type_alias_name("UPS_0"), "Ups0");
    assert_eq!(type_alias_name("UPS0"), "Ups0");
    assert_eq!(type_alias_name("CONV_POST"), "ConvPost");
}

#[test]
fn render_file_has_a_header_and_every_layer_and_refuses_clashing_names() {
    let file = f32_file(&[
        ("a", &[1, 1, 2], &[1.0, 2.0]),
        ("b", &[1, 1, 3], &[3.0, 4.0, 5.0]),
    ]);
    let tensors = Tensors::from_bytes("two.safetensors", file).unwrap();
    let specs = [
        LayerSpec::new("A", "a", 4, 2),
        LayerSpec::new("B", "b", 4, 2),
    ];
    let text = render_file(&tensors, &specs).unwrap();
    assert!(
        text.starts_with("// @generated by conv-transpose-import"),
        "{text}"
    );
    assert!(text.lines().next().unwrap().contains("`two.safetensors`"));
    assert!(text.contains("pub static A: A = A::from_torch("));
    assert!(text.contains("pub static B: B = B::from_torch("));
    assert_eq!(f32_bits(&text).len(), 5);

    let clash = [
        LayerSpec::new("UPS_0", "a", 4, 2),
        LayerSpec::new("UPS0", "b", 4, 2),
    ];
    let err = render_file(&tensors, &clash).unwrap_err();
    assert!(matches!(err, ImportError::Hyperparameters { .. }), "{err}");
    assert!(err.to_string().contains("Ups0"), "{err}");
}

#[test]
fn write_to_dir_writes_the_rendered_file() {
    let dir = common::temp_dir("write");
    let path = dir.join("model.safetensors");
    std::fs::write(&path, f32_file(&[("w", &[2, 1, 2], &[1.0, 2.0, 3.0, 4.0])])).unwrap();
    let specs = [LayerSpec::new("W", "w", 3, 2)];
    let out = write_to_dir(&dir, "model.rs", &path, &specs).unwrap();
    assert_eq!(out, dir.join("model.rs"));
    let written = std::fs::read_to_string(&out).unwrap();
    let tensors = Tensors::open(&path).unwrap();
    assert_eq!(written, render_file(&tensors, &specs).unwrap());

    let missing = write_to_dir(&dir, "x.rs", dir.join("nope.safetensors"), &specs).unwrap_err();
    assert!(matches!(missing, ImportError::Io { .. }), "{missing}");
    assert!(
        missing.to_string().contains("nope.safetensors"),
        "{missing}"
    );
}

#[test]
fn write_out_dir_needs_out_dir() {
    // Integration tests run without OUT_DIR set (it is set for build scripts only).
    if std::env::var_os("OUT_DIR").is_none() {
        let err = conv_transpose_import::write_out_dir("m.rs", "m.safetensors", &[]).unwrap_err();
        assert!(err.to_string().contains("OUT_DIR"), "{err}");
    }
}

#[test]
fn npy_weight_with_npy_bias() {
    let dir = common::temp_dir("npy");
    let w = values(2 * 3 * 4, 9);
    let wpath = dir.join("ups.1.weight.npy");
    let bpath = dir.join("ups.1.bias.npy");
    std::fs::write(&wpath, npy_file("<f4", &[2, 3, 4], false, &f32_bytes(&w))).unwrap();
    std::fs::write(
        &bpath,
        npy_file("<f4", &[3], false, &f32_bytes(&[0.5, 1.5, -2.5])),
    )
    .unwrap();
    let tensors = Tensors::open(&wpath).unwrap();
    assert!(tensors.is_npy());
    let spec = LayerSpec::new("UPS_1", "", 6, 2).bias(bpath.display().to_string());
    let src = render(&tensors, &spec).unwrap();
    let expected: Vec<u32> = w
        .iter()
        .chain(&[0.5, 1.5, -2.5])
        .map(|v| v.to_bits())
        .collect();
    assert_eq!(f32_bits(&src), expected);
    assert!(src.starts_with("/// `ups.1.weight.npy`: PyTorch (CIN, COUT/G, K) = (2, 3, 4)"));
    assert!(src.contains("bias `ups.1.bias.npy` (3)"), "{src}");
}

#[test]
fn fortran_order_npy_is_read_in_c_order() {
    // C order [[1, 2, 3], [4, 5, 6]] is stored column by column in Fortran order.
    let dir = common::temp_dir("fortran");
    let path = dir.join("a.npy");
    let stored = [1.0f32, 4.0, 2.0, 5.0, 3.0, 6.0];
    std::fs::write(&path, npy_file("<f4", &[2, 3], true, &f32_bytes(&stored))).unwrap();
    let (shape, data) = read_npy_f32(&path).unwrap();
    assert_eq!(shape, [2, 3]);
    assert_eq!(data, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
}

#[test]
fn arrays_of_one_two_and_three_dimensions() {
    let short = render_array("X", &[2], &[1.0, -2.0]);
    assert_eq!(
        short,
        "pub static X: [f32; 2] = [f32::from_bits(0x3f800000), f32::from_bits(0xc0000000)];\n"
    );
    let one = render_array("X", &[3], &[1.0, -2.0, 0.5]);
    assert_eq!(
        one,
        "pub static X: [f32; 3] = [\n    f32::from_bits(0x3f800000), f32::from_bits(0xc0000000), \
         f32::from_bits(0x3f000000),\n];\n"
    );
    let data = values(2 * 3, 1);
    let two = render_array("Y", &[2, 3], &data);
    assert!(two.starts_with("pub static Y: [[f32; 3]; 2] = ["), "{two}");
    assert!(two.ends_with("];\n"), "{two}");
    assert_eq!(
        f32_bits(&two),
        data.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
    );
    let data = values(4 * 3 * 5, 2);
    let three = render_array("EXPECTED_OUT", &[4, 3, 5], &data);
    assert!(
        three.starts_with("pub static EXPECTED_OUT: [[[f32; 5]; 3]; 4] = [\n"),
        "{three}"
    );
    assert_eq!(
        f32_bits(&three),
        data.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
    );
    // Brackets balance and nest to depth 3.
    let mut depth = 0i32;
    let mut max = 0;
    for c in three.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ => {}
        }
        max = max.max(depth);
    }
    assert_eq!((depth, max), (0, 3));

    assert!(matches!(
        try_render_array("Z", &[2, 2], &[1.0]),
        Err(ImportError::Shape { .. })
    ));
    assert!(matches!(
        try_render_array("lower", &[1], &[1.0]),
        Err(ImportError::Hyperparameters { .. })
    ));
}
