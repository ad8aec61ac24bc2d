//! Any network description (as TOML text) against the committed weight-normalised causal
//! decoder's checkpoint (`decoder/data/model.safetensors`: plain weights, `weight_g` /
//! `weight_v` and `parametrizations` pairs): read, checked and rendered, or refused with
//! an error whose message displays. An accepted description renders every layer it
//! names, and the stream chain over the same statics.
#![no_main]

use std::sync::OnceLock;

use conv_transpose_import::{render_network, Network, Tensors};
use conv_transpose_import_fuzz::check_error;
use libfuzzer_sys::fuzz_target;

fn checkpoint() -> &'static Tensors {
    static CHECKPOINT: OnceLock<Tensors> = OnceLock::new();
    CHECKPOINT.get_or_init(|| {
        let bytes = include_bytes!("../../decoder/data/model.safetensors").to_vec();
        Tensors::from_bytes("model.safetensors", bytes).expect("the committed checkpoint")
    })
}

fuzz_target!(|text: &str| {
    let net = match Network::from_toml("net.toml", text) {
        Ok(net) => net,
        Err(e) => return check_error(&e),
    };
    match render_network(checkpoint(), &net) {
        Ok(source) => {
            assert!(source.contains("::conv_transpose::Chain::new("));
            assert!(source.contains("::conv_transpose::Chain::for_streaming("));
            assert!(source.contains("with_len::<"));
        }
        Err(e) => check_error(&e),
    }
});
