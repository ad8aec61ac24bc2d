//! The command's output compiles, and round-trips the checkpoint's bits exactly.
//!
//! `data/ups2_command.rs` is what `conv-transpose-import` prints for `ups.2` (the
//! importer's `tests/snapshot.rs` keeps it current). Here it is compiled, and every
//! weight and bias is compared, as bits, with the tensors read from `model.safetensors`
//! by the `safetensors` crate directly.

use conv_transpose_hifigan::NET_UPS_2;
use safetensors::{Dtype, SafeTensors};

include!("data/ups2_command.rs");

fn tensor(st: &SafeTensors<'_>, name: &str) -> (Vec<usize>, Vec<u32>) {
    let t = st.tensor(name).unwrap();
    assert_eq!(t.dtype(), Dtype::F32);
    let bits = t
        .data()
        .chunks_exact(4)
        .map(|b| u32::from_le_bytes(b.try_into().unwrap()))
        .collect();
    (t.shape().to_vec(), bits)
}

#[test]
fn command_output_round_trips_the_bits() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/model.safetensors"
    ))
    .unwrap();
    let st = SafeTensors::deserialize(&bytes).unwrap();
    let (shape, w) = tensor(&st, "ups.2.weight");
    assert_eq!(shape, [16, 8, 4]);
    let (_, b) = tensor(&st, "ups.2.bias");
    assert_eq!(CmdUps2::OUT_LEN, 512);

    for ci in 0..16 {
        for co in 0..8 {
            for k in 0..4 {
                assert_eq!(
                    CMD_UPS2.weight(k, ci, co).to_bits(),
                    w[(ci * 8 + co) * 4 + k],
                    "w[{ci}][{co}][{k}]"
                );
            }
        }
    }
    let bias: Vec<u32> = CMD_UPS2
        .bias()
        .unwrap()
        .iter()
        .map(|v| v.to_bits())
        .collect();
    assert_eq!(bias, b);

    // The command and the build script's library call wrote the same layer.
    let bits =
        |l: &CmdUps2| -> Vec<u32> { l.packed_weights().iter().map(|v| v.to_bits()).collect() };
    assert_eq!(bits(&CMD_UPS2), bits(&NET_UPS_2));
}
