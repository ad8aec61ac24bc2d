//! Puts the target's memory map where cortex-m-rt's `link.x` looks for `memory.x`: the
//! micro:bit's (nRF51, Cortex-M0) for thumbv6m, the MPS2 AN386's (Cortex-M4F) otherwise.
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=memory");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let target = std::env::var("TARGET").unwrap();
    let memory = if target.starts_with("thumbv6m") {
        "memory/microbit.x"
    } else {
        "memory/mps2-an386.x"
    };
    std::fs::copy(memory, out.join("memory.x")).unwrap();
    println!("cargo:rustc-link-search={}", out.display());
}
