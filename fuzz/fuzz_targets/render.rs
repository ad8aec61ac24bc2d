//! Any layer spec against a small valid checkpoint built in memory from the same input:
//! a weight of up to (4, 4, 4) with arbitrary values (NaN and infinity included), biases
//! of every length up to 8, and tensors of the wrong rank and type. Every hyper-parameter
//! is either small (where the interesting cases are) or any `usize`. An accepted `f32`
//! layer must hold the checkpoint's exact bits; a refused one's error must display.
#![no_main]

use arbitrary::Arbitrary;
use conv_transpose_import::{render, render_file, ElementType, LayerSpec, Tensors};
use conv_transpose_import_fuzz::{check_error, f32_bits};
use libfuzzer_sys::fuzz_target;
use safetensors::tensor::TensorView;
use safetensors::Dtype;

/// A number: mostly small, sometimes anything.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Num {
    Small(u8),
    Any(usize),
}

impl Num {
    fn get(self) -> usize {
        match self {
            Num::Small(n) => usize::from(n % 20),
            Num::Any(n) => n,
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Name {
    Good(u8),
    Any(String),
}

#[derive(Arbitrary, Debug)]
struct Input {
    /// The weight's (CIN, COUT/G, K), each 0..=4.
    dims: [u8; 3],
    values: Vec<f32>,
    name: Name,
    /// Which tensor is the weight, and which the bias (by index into the file's names,
    /// past the end a name that is not there).
    weight: u8,
    bias: Option<u8>,
    len_in: Num,
    stride: Num,
    padding: Num,
    dilation: Num,
    output_padding: Num,
    groups: Num,
    in_channels: Option<Num>,
    out_channels: Option<Num>,
    kernel: Option<Num>,
    q15: bool,
    allow_non_finite: bool,
}

const NAMES: [&str; 5] = ["UPS_0", "A", "LAYER_9", "Self", "SELF"];

fuzz_target!(|input: Input| {
    let [cin, cout_g, k] = input.dims.map(|d| usize::from(d % 5));
    let n = cin * cout_g * k;
    let value = |i: usize| {
        if input.values.is_empty() {
            i as f32 * 0.25 - 1.0
        } else {
            input.values[i % input.values.len()]
        }
    };
    let weight: Vec<f32> = (0..n).map(value).collect();
    let mut tensors: Vec<(String, Dtype, Vec<usize>, Vec<f32>)> =
        vec![("w".into(), Dtype::F32, vec![cin, cout_g, k], weight)];
    for len in 0..=8 {
        let bias: Vec<f32> = (0..len).map(|i| value(n + i)).collect();
        tensors.push((format!("b{len}"), Dtype::F32, vec![len], bias));
    }
    tensors.push((
        "flat".into(),
        Dtype::F32,
        vec![n],
        (0..n).map(value).collect(),
    ));
    tensors.push(("f64".into(), Dtype::F64, vec![1, 1, 1], vec![0.0, 0.0]));
    let bytes: Vec<Vec<u8>> = tensors
        .iter()
        .map(|(_, _, _, v)| v.iter().flat_map(|x| x.to_le_bytes()).collect())
        .collect();
    let views: Vec<(String, TensorView<'_>)> = tensors
        .iter()
        .zip(&bytes)
        .map(|((name, dtype, shape, _), b)| {
            (
                name.clone(),
                TensorView::new(*dtype, shape.clone(), b).unwrap(),
            )
        })
        .collect();
    let file = safetensors::serialize(views, None).unwrap();
    let checkpoint = Tensors::from_bytes("model.safetensors", file).expect("a valid file");

    let names = checkpoint.names();
    let pick = |i: u8| {
        names
            .get(usize::from(i))
            .cloned()
            .unwrap_or_else(|| format!("missing{i}"))
    };
    let mut spec = LayerSpec::new(
        match &input.name {
            Name::Good(i) => NAMES[usize::from(*i) % NAMES.len()].to_string(),
            Name::Any(s) => s.clone(),
        },
        pick(input.weight),
        input.len_in.get(),
        input.stride.get(),
    )
    .padding(input.padding.get())
    .dilation(input.dilation.get())
    .output_padding(input.output_padding.get())
    .groups(input.groups.get())
    .allow_non_finite(input.allow_non_finite);
    spec.bias = input.bias.map(pick);
    spec.in_channels = input.in_channels.map(Num::get);
    spec.out_channels = input.out_channels.map(Num::get);
    spec.kernel = input.kernel.map(Num::get);
    if input.q15 {
        spec.element = ElementType::Q15;
    }

    match render(&checkpoint, &spec) {
        Ok(src) => {
            let find = |name: &str| tensors.iter().find(|t| t.0 == name).unwrap();
            let w = find(&spec.weight);
            let b = spec.bias.as_deref().map(find);
            let all: Vec<f32> =
                w.3.iter()
                    .chain(b.iter().flat_map(|b| &b.3))
                    .copied()
                    .collect();
            assert!(spec.allow_non_finite && !input.q15 || all.iter().all(|v| v.is_finite()));
            let alias = src.lines().find(|l| l.starts_with("pub type ")).unwrap();
            assert!(
                alias.contains(&format!("<{}, {}, ", spec.len_in, w.2[0])),
                "{alias}"
            );
            if !input.q15 {
                let bits: Vec<u32> = all.iter().map(|v| v.to_bits()).collect();
                assert_eq!(f32_bits(&src), bits);
            } else {
                assert!(src.contains(&format!("pub const {}_SHIFT: u32 = ", spec.name)));
            }
            // Twice in one file: refused as a clash of names.
            let err = render_file(&checkpoint, &[spec.clone(), spec]).unwrap_err();
            check_error(&err);
        }
        Err(e) => check_error(&e),
    }
});
