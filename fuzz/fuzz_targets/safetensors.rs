//! Any bytes as a `.safetensors` file: opened, every tensor read as `f32` and rendered.
//! An accepted file is read a second way, by the `safetensors` crate's tensor views
//! (safe to call once the importer's guard has passed the file), and every `f32`
//! tensor's values must be those bytes.
#![no_main]

use conv_transpose_import_fuzz::exercise;
use libfuzzer_sys::fuzz_target;
use safetensors::{Dtype, SafeTensors};

fuzz_target!(|data: &[u8]| {
    let Some(tensors) = exercise("fuzz.safetensors", data) else {
        return;
    };
    let st = SafeTensors::deserialize(data).expect("the importer accepted it");
    assert_eq!(tensors.names().len(), st.len());
    for name in tensors.names() {
        let view = st.tensor(&name).expect("a name the importer listed");
        if view.dtype() != Dtype::F32 {
            continue;
        }
        let t = tensors.tensor_f32(&name).expect("an F32 tensor");
        assert_eq!(t.shape, view.shape());
        let bytes: Vec<u8> = t.data.iter().flat_map(|v| v.to_le_bytes()).collect();
        assert_eq!(bytes, view.data());
    }
});
