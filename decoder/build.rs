//! Imports the network (data/net.toml over data/model.safetensors, both written by
//! tools/causal_decoder.py) with the importer's network route, and PyTorch's input and
//! output as arrays.

use std::path::Path;

use conv_transpose_import::{read_npy_f32, render_array, write_network_out_dir, Network};

/// The same tensors under other hyper-parameters, from a description in memory: crops
/// that differ between the ends, dilation and output padding, ReLU and nothing between
/// the layers, no bias on the first, blocks of three frames. PyTorch has no such model;
/// tests/stream.rs checks its stream against its whole signal.
const VARIANT: &str = r#"
name = "VARIANT"
input_len = 7
stream_block = 3
output_activation = "leaky_relu(0.2)"

[[layer]]
weight = "ups.0.weight"
bias = false
stride = 4
padding = [1, 3]
activation = "relu"

[[layer]]
weight = "ups.1.weight"
bias = "ups.1.bias"
stride = 2
padding = 1
dilation = 2
output_padding = 1
groups = 2
activation = "identity"

[[layer]]
weight = "ups.2.weight"
name = "LAST"
stride = 3
causal = true
"#;

fn main() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    if let Err(e) = write_network_out_dir(
        "decoder.rs",
        data.join("model.safetensors"),
        data.join("net.toml"),
    ) {
        panic!("importing data/net.toml over data/model.safetensors: {e}");
    }

    let variant = Network::from_toml("VARIANT in build.rs", VARIANT)
        .and_then(|net| net.write_out_dir("variant.rs", data.join("model.safetensors")));
    if let Err(e) = variant {
        panic!("importing the variant network: {e}");
    }

    let mut golden = String::new();
    for (file, name) in [("input.npy", "INPUT"), ("output.npy", "OUTPUT")] {
        let path = data.join(file);
        println!("cargo:rerun-if-changed={}", path.display());
        let (shape, values) = read_npy_f32(&path).unwrap_or_else(|e| panic!("{e}"));
        // (1, C, L): drop the batch axis.
        assert_eq!(shape[0], 1, "{file}: batch of one");
        golden += &render_array(name, &shape[1..], &values);
    }
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("golden.rs");
    std::fs::write(out, golden).unwrap();
}
