//! Designs the firmware's filters with the library (on the host) and computes the output
//! the firmware must produce with an independent f64 loop: the whole signal at once, by
//! scattering each input frame's products, PyTorch's definition of the transposed
//! convolution. Writes both into `$OUT_DIR/expected.rs`.
//!
//! The Q15 layers' expected output comes from an integer scatter of the same kind
//! (`q15_scatter`): exact `i64` sums of the raw products plus the bias shifted left by 15,
//! then an arithmetic shift right by 15 and saturation to `i16`, written out here (the
//! library's module docs of `fixed` define it so), not the library's kernels. The device
//! must match those values bit for bit.
//!
//! `FIRMWARE_PERTURB=1` adds 1e-3 to one expected f32 value and 1 to one expected Q15
//! value of each Q15 case: the firmware must then fail (`.ci/run` checks that it does).

use std::fmt::Write;
use std::path::PathBuf;

use conv_transpose::design::Interpolator;
use conv_transpose::Q15;

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

/// The Q15 layer's output, channel by channel: `y[co][n] = sat16(((bias[co] << 15) +
/// sum x[ci][i] * w[ci][co][k]) >> 15)` over `i*S + k = n + P`, the sum exact in `i64`
/// and the shift arithmetic (toward minus infinity). `w` is PyTorch's `[in][out][k]`.
fn q15_scatter(
    x: &[Vec<i16>],
    w: &[Vec<Vec<i16>>],
    s: usize,
    p: usize,
    op: usize,
    bias: &[i16],
) -> Vec<Vec<i16>> {
    let (len, k) = (x[0].len(), w[0][0].len());
    let full = (len - 1) * s + k + op;
    (0..bias.len())
        .map(|co| {
            let mut acc = vec![(bias[co] as i64) << 15; full];
            for (ci, x) in x.iter().enumerate() {
                for (i, &xi) in x.iter().enumerate() {
                    for (k, &wk) in w[ci][co].iter().enumerate() {
                        acc[i * s + k] += xi as i64 * wk as i64;
                    }
                }
            }
            acc[p..full - p]
                .iter()
                .map(|&a| (a >> 15).clamp(i16::MIN as i64, i16::MAX as i64) as i16)
                .collect()
        })
        .collect()
}

fn i16_array(out: &mut String, name: &str, v: &[i16]) {
    writeln!(out, "pub static {name}: [i16; {}] = {v:?};", v.len()).unwrap();
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
    println!("cargo:rerun-if-changed=memory");
    println!("cargo:rerun-if-env-changed=FIRMWARE_MACHINE");
    println!("cargo:rerun-if-env-changed=FIRMWARE_PERTURB");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    // The QEMU machine the image runs on (`run.sh` names it; see .cargo/config.toml):
    // its memory map and name. By default the micro:bit (nRF51, Cortex-M0) for thumbv6m,
    // the MPS2 AN505 (Cortex-M33) for thumbv8m.main and the MPS2 AN386 (Cortex-M4F)
    // otherwise.
    let target = std::env::var("TARGET").unwrap();
    let machine = std::env::var("FIRMWARE_MACHINE").unwrap_or_else(|_| {
        if target.starts_with("thumbv6m") {
            "microbit"
        } else if target.starts_with("thumbv8m.main") {
            "mps2-an505"
        } else {
            "mps2-an386"
        }
        .into()
    });
    let (memory, core) = match machine.as_str() {
        "microbit" => (
            "memory/microbit.x",
            "a Cortex-M0 (QEMU microbit, no FPU, no DSP)",
        ),
        "mps2-an386" => ("memory/mps2-an386.x", "a Cortex-M4F (QEMU mps2-an386)"),
        // The AN500 FPGA image has the AN386's memory map.
        "mps2-an500" => ("memory/mps2-an386.x", "a Cortex-M7 (QEMU mps2-an500)"),
        "mps2-an505" => ("memory/mps2-an505.x", "a Cortex-M33 (QEMU mps2-an505)"),
        "mps3-an547" => ("memory/mps3-an547.x", "a Cortex-M55 (QEMU mps3-an547)"),
        other => panic!("FIRMWARE_MACHINE={other}: not a machine this firmware knows"),
    };
    std::fs::copy(memory, out_dir.join("memory.x")).unwrap();
    println!("cargo:rustc-link-search={}", out_dir.display());

    let mono_taps: [f32; MONO_K] = Interpolator::for_attenuation(MONO_S, MONO_K, 60.0)
        .expect("the mono x3 filter design (60 dB)")
        .taps();
    let stereo_taps: [[f32; STEREO_K]; 2] = [
        Interpolator::for_attenuation(STEREO_S, STEREO_K, 70.0)
            .expect("the stereo filter design of channel 0 (70 dB)")
            .taps(),
        Interpolator::new(STEREO_S, 0.5, 4.0)
            .expect("the stereo filter design of channel 1 (cutoff 0.5, beta 4)")
            .taps(),
    ];

    let perturb = std::env::var("FIRMWARE_PERTURB").is_ok_and(|v| v == "1");
    println!("cargo::rustc-check-cfg=cfg(firmware_hifigan)");
    println!("cargo::rustc-check-cfg=cfg(firmware_perturb)");
    println!("cargo:rerun-if-env-changed=FIRMWARE_PERTURB");
    if target.starts_with("thumbv7em") {
        println!("cargo:rustc-cfg=firmware_hifigan");
    }
    if perturb {
        println!("cargo:rustc-cfg=firmware_perturb");
    }
    let mut out = String::new();
    writeln!(out, "pub const MACHINE: &str = {core:?};").unwrap();
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
    if perturb {
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

    // Mono x3 in Q15: the same design, quantised with the headroom.
    let q = Q15::taps_for(&mono_taps, MONO_S).expect("quantising the mono x3 taps to Q15");
    let q_taps: [i16; MONO_K] = q.taps.map(Q15::to_bits);
    writeln!(
        out,
        "pub const MONO_Q15_TAPS: [i16; {MONO_K}] = {q_taps:?};"
    )
    .unwrap();
    writeln!(out, "pub const MONO_Q15_GAIN: f64 = {:?};", q.gain).unwrap();
    let x: Vec<i16> = (0..MONO_BLOCK * Q15_BLOCKS)
        .map(|n| q15_input(n, &q_taps))
        .collect();
    let w = vec![vec![q_taps.to_vec()]];
    let mut y = q15_scatter(&[x], &w, MONO_S, 0, 0, &[0]).remove(0);
    // The headroom holds: nothing saturates, though the last block reaches full scale.
    let peak = y.iter().map(|&v| (v as i32).abs()).max().unwrap();
    assert!(
        peak < i16::MAX as i32 && peak > 32000,
        "mono Q15 peak {peak}"
    );
    if perturb {
        let at = y.len() / 2;
        y[at] = y[at].wrapping_add(1);
    }
    i16_array(&mut out, "MONO_Q15_EXPECTED", &y);

    // The saturating dense Q15 case.
    let x: Vec<Vec<i16>> = (0..SAT_C)
        .map(|ch| {
            (0..SAT_BLOCK * SAT_BLOCKS)
                .map(|n| sat_input(n, ch))
                .collect()
        })
        .collect();
    let w: Vec<Vec<Vec<i16>>> = SAT_TAPS
        .iter()
        .map(|o| o.iter().map(|k| k.to_vec()).collect())
        .collect();
    let mut y = q15_scatter(&x, &w, SAT_S, SAT_P, SAT_OP, &SAT_BIAS);
    let count = |v: i16| y.iter().flatten().filter(|&&y| y == v).count();
    let (high, low, all) = (count(i16::MAX), count(i16::MIN), y.len() * y[0].len());
    assert!(
        high >= 10 && low >= 10 && high + low + 10 <= all,
        "saturating case: {high} at MAX, {low} at MIN of {all}"
    );
    if perturb {
        // A saturated output, so that the clipping itself is what is checked.
        let at = y[1].iter().position(|&v| v == i16::MIN).unwrap();
        y[1][at] += 1;
    }
    for (ch, y) in y.iter().enumerate() {
        i16_array(&mut out, &format!("SAT_EXPECTED_{ch}"), y);
    }
    std::fs::write(out_dir.join("expected.rs"), out).unwrap();
}
