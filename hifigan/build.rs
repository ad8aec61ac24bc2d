//! Imports the network (data/net.toml over data/model.safetensors, the model of
//! tools/hifigan_tail.py) with the importer's network route, and the PyTorch input and
//! output as arrays.

use std::path::Path;

use conv_transpose_import::{read_npy_f32, render_array, write_network_out_dir};

fn main() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    if let Err(e) = write_network_out_dir(
        "model.rs",
        data.join("model.safetensors"),
        data.join("net.toml"),
    ) {
        panic!("importing data/net.toml over data/model.safetensors: {e}");
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
