//! The command's output for one layer of the HiFi-GAN checkpoint is the file that
//! `hifigan/tests/command.rs` compiles and checks bit for bit against the checkpoint:
//! this test keeps that file what the command prints today. If the output format changes
//! on purpose, regenerate it (from importer/):
//!
//! ```sh
//! cargo run -p conv-transpose-import -- ../hifigan/data/model.safetensors --weight ups.2.weight \
//!     --bias ups.2.bias --len 256 --stride 2 --padding 1 --name CMD_UPS2 \
//!     > ../hifigan/tests/data/ups2_command.rs
//! ```

use std::process::Command;

#[test]
fn command_output_is_the_compiled_snapshot() {
    let out = Command::new(env!("CARGO_BIN_EXE_conv-transpose-import"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "../hifigan/data/model.safetensors",
            "--weight",
            "ups.2.weight",
            "--bias",
            "ups.2.bias",
            "--len",
            "256",
            "--stride",
            "2",
            "--padding",
            "1",
            "--name",
            "CMD_UPS2",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let snapshot = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../hifigan/tests/data/ups2_command.rs"),
    )
    .unwrap();
    assert!(
        out.stdout == snapshot,
        "the command's output differs from hifigan/tests/data/ups2_command.rs (see this file's docs)"
    );
}
