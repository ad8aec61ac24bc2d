//! Designs the firmware's filters with the library (on the host) and computes the output
//! the firmware must produce with an independent f64 loop: the whole signal at once, by
//! scattering each input frame's products, PyTorch's definition of the transposed
//! convolution. Writes both into `$OUT_DIR/expected.rs`.
//!
//! `FIRMWARE_PERTURB=1` adds 1e-3 to one expected value: the firmware must then fail
//! (`.ci/run` checks that it does).

use std::fmt::Write;
use std::path::PathBuf;

use conv_transpose::design::Interpolator;

#[allow(dead_code)]
mod shapes {
    include!("src/shapes.rs");
}
use shapes::*;

/// `y[n] = sum x[i] w[k]` over `i*S + k = n + P`, plus the bias; with the sum of the
/// magnitudes of its terms, for the rounding bound.
fn scatter(x: &[f32], w: &[f32], s: usize, p: usize, op: usize, bias: f32) -> Vec<(f64, f64)> {
    let full = (x.len() - 1) * s + w.len() + op;
    let mut y = vec![(bias as f64, (bias as f64).abs()); full];
    for (i, &xi) in x.iter().enumerate() {
        for (k, &wk) in w.iter().enumerate() {
            let v = xi as f64 * wk as f64;
            y[i * s + k].0 += v;
            y[i * s + k].1 += v.abs();
        }
    }
    y[p..full - p].to_vec()
}

fn array(out: &mut String, name: &str, v: &[f32]) {
    writeln!(out, "pub static {name}: [f32; {}] = [", v.len()).unwrap();
    for x in v {
        writeln!(out, "    {x:?},").unwrap();
    }
    writeln!(out, "];").unwrap();
}

fn main() {
    println!("cargo:rerun-if-changed=src/shapes.rs");
    println!("cargo:rerun-if-changed=memory.x");
    println!("cargo:rerun-if-env-changed=FIRMWARE_PERTURB");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    std::fs::copy("memory.x", out_dir.join("memory.x")).unwrap();
    println!("cargo:rustc-link-search={}", out_dir.display());

    let mono_taps: [f32; MONO_K] = Interpolator::for_attenuation(MONO_S, MONO_K, 60.0).taps();
    let stereo_taps: [[f32; STEREO_K]; 2] = [
        Interpolator::for_attenuation(STEREO_S, STEREO_K, 70.0).taps(),
        Interpolator::new(STEREO_S, 0.5, 4.0).taps(),
    ];

    let mut out = String::new();
    writeln!(out, "pub const MONO_TAPS: [f32; {MONO_K}] = {mono_taps:?};").unwrap();
    writeln!(
        out,
        "pub const STEREO_TAPS: [[[f32; {STEREO_K}]; 1]; 2] = [[{:?}], [{:?}]];",
        stereo_taps[0], stereo_taps[1]
    )
    .unwrap();

    // The rounding bound of an f32 sum of n terms (in any order, fused or not), with a
    // factor 2 of slack: 2 * (n + 1) * 2^-24 * sum |terms|.
    let bound = |n: usize, mag: f64| (2.0 * (n as f64 + 1.0) * 2f64.powi(-24) * mag) as f32;

    let x: Vec<f32> = (0..MONO_BLOCK * MONO_BLOCKS)
        .map(|n| signal(n, 0))
        .collect();
    let y = scatter(&x, &mono_taps, MONO_S, 0, 0, 0.0);
    let mut expected: Vec<f32> = y.iter().map(|v| v.0 as f32).collect();
    if std::env::var("FIRMWARE_PERTURB").is_ok_and(|v| v == "1") {
        expected[y.len() / 2] += 1e-3;
    }
    array(&mut out, "MONO_EXPECTED", &expected);
    let tol: Vec<f32> = y.iter().map(|v| bound(MONO_K / MONO_S + 1, v.1)).collect();
    array(&mut out, "MONO_TOLERANCE", &tol);

    for ch in 0..2 {
        let x: Vec<f32> = (0..STEREO_BLOCK * STEREO_BLOCKS)
            .map(|n| signal(n, ch))
            .collect();
        let y = scatter(
            &x,
            &stereo_taps[ch],
            STEREO_S,
            STEREO_P,
            STEREO_OP,
            STEREO_BIAS[ch],
        );
        let expected: Vec<f32> = y.iter().map(|v| v.0 as f32).collect();
        array(&mut out, &format!("STEREO_EXPECTED_{ch}"), &expected);
        let tol: Vec<f32> = y
            .iter()
            .map(|v| bound(STEREO_K / STEREO_S + 2, v.1))
            .collect();
        array(&mut out, &format!("STEREO_TOLERANCE_{ch}"), &tol);
    }
    std::fs::write(out_dir.join("expected.rs"), out).unwrap();
}
