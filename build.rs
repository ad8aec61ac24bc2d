//! Tells the crate whether the target has the Arm DSP extension, which stable Rust cannot
//! `cfg` on (`target_feature = "dsp"` is unstable): every `thumbv7em` target (Cortex-M4
//! and M7) has it, and a `thumbv8m.main` target (Cortex-M33, M35P, M55, M85) has it when
//! the `arm-dsp` feature says so, since there the extension is optional. The `arm-mve`
//! feature says a `thumbv8m.main` target has Helium (MVE, which implies the DSP
//! extension): Cortex-M55 and M85, built with `-C target-cpu=cortex-m55` (or `m85`).
//!
//! `conv_transpose_armv6m`: ARMv6-M (Cortex-M0, M0+), where the stream copies its blocks
//! with a loop of its own (`kernels::arm::copy`) rather than link `memcpy`.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(conv_transpose_arm_dsp)");
    println!("cargo::rustc-check-cfg=cfg(conv_transpose_armv6m)");
    println!("cargo::rustc-check-cfg=cfg(conv_transpose_arm_mve)");
    println!("cargo::rerun-if-changed=build.rs");
    let target = std::env::var("TARGET").unwrap_or_default();
    let v8m_main = target.starts_with("thumbv8m.main");
    let mve = v8m_main && std::env::var_os("CARGO_FEATURE_ARM_MVE").is_some();
    let dsp = v8m_main && std::env::var_os("CARGO_FEATURE_ARM_DSP").is_some();
    if target.starts_with("thumbv7em") || dsp || mve {
        println!("cargo::rustc-cfg=conv_transpose_arm_dsp");
    }
    if mve {
        println!("cargo::rustc-cfg=conv_transpose_arm_mve");
    }
    if target.starts_with("thumbv6m") {
        println!("cargo::rustc-cfg=conv_transpose_armv6m");
    }
}
