//! Any bytes as a `.npy` file: opened, the tensor read as `f32` and rendered.
#![no_main]

use conv_transpose_import_fuzz::exercise;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(tensors) = exercise("fuzz.npy", data) {
        assert!(tensors.is_npy());
        assert_eq!(tensors.names(), ["fuzz.npy"]);
    }
});
