//! Tells the crate whether the target has the Arm DSP extension, which stable Rust cannot
//! `cfg` on (`target_feature = "dsp"` is unstable): every `thumbv7em` target (Cortex-M4
//! and M7) has it.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(conv_transpose_arm_dsp)");
    println!("cargo::rerun-if-changed=build.rs");
    let target = std::env::var("TARGET").unwrap_or_default();
    if target.starts_with("thumbv7em") {
        println!("cargo::rustc-cfg=conv_transpose_arm_dsp");
    }
}
