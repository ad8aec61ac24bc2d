//! Imports the checkpoint (data/model.safetensors, written by tools/hifigan_tail.py) with
//! the importer's library call, and the PyTorch input and output as arrays.

use std::path::Path;

use conv_transpose_import::{read_npy_f32, render_array, write_out_dir, LayerSpec};

fn main() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    // nn.ConvTranspose1d(64, 32, 16, stride=8, padding=4), (32, 16, 4, stride=2,
    // padding=1), (16, 8, 4, stride=2, padding=1); 16 input frames.
    let specs = [
        LayerSpec::new("UPS0", "ups.0.weight", 16, 8)
            .bias("ups.0.bias")
            .padding(4),
        LayerSpec::new("UPS1", "ups.1.weight", 128, 2)
            .bias("ups.1.bias")
            .padding(1),
        LayerSpec::new("UPS2", "ups.2.weight", 256, 2)
            .bias("ups.2.bias")
            .padding(1),
    ];
    if let Err(e) = write_out_dir("model.rs", data.join("model.safetensors"), &specs) {
        panic!("importing data/model.safetensors: {e}");
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
