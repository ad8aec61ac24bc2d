//! Tells the crate whether the target has the Arm DSP extension, which stable Rust cannot
//! `cfg` on (`target_feature = "dsp"` is unstable): every `thumbv7em` target (Cortex-M4
//! and M7) has it, and a `thumbv8m.main` target (Cortex-M33, M35P, M55, M85) has it when
//! the `arm-dsp` feature says so, since there the extension is optional.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(conv_transpose_arm_dsp)");
    println!("cargo::rerun-if-changed=build.rs");
    let target = std::env::var("TARGET").unwrap_or_default();
    let opted_in = std::env::var_os("CARGO_FEATURE_ARM_DSP").is_some();
    if target.starts_with("thumbv7em") || (opted_in && target.starts_with("thumbv8m.main")) {
        println!("cargo::rustc-cfg=conv_transpose_arm_dsp");
    }
}
