//! The designed interpolators meet the attenuation and ripple their docs promise,
//! measured by evaluating the frequency response of the `f32` taps densely.

use conv_transpose::design::{kaiser_beta, taps_for, transition_width, Interpolator};
use std::f64::consts::PI;

/// |H(f)| at `f` cycles per output sample.
fn gain(taps: &[f32], f: f64) -> f64 {
    let (mut re, mut im) = (0.0, 0.0);
    for (k, &t) in taps.iter().enumerate() {
        let w = 2.0 * PI * f * k as f64;
        re += t as f64 * w.cos();
        im -= t as f64 * w.sin();
    }
    re.hypot(im)
}

/// Worst passband deviation from 1 and worst stopband gain (both relative to S), over
/// 20 points per tap of each band.
fn measure(taps: &[f32], stride: usize, pass_edge: f64, stop_edge: f64) -> (f64, f64) {
    let s = stride as f64;
    let points = 20 * taps.len();
    let nyq_in = 0.5 / s; // the input Nyquist in cycles per output sample
    let mut ripple: f64 = 0.0;
    for i in 0..=points {
        let f = pass_edge * nyq_in * i as f64 / points as f64;
        ripple = ripple.max((gain(taps, f) / s - 1.0).abs());
    }
    let mut stop: f64 = 0.0;
    for i in 0..=points * s as usize {
        let f = stop_edge * nyq_in + (0.5 - stop_edge * nyq_in) * i as f64 / (points as f64 * s);
        stop = stop.max(gain(taps, f) / s);
    }
    (ripple, stop)
}

fn check<const K: usize>(stride: usize, attenuation: f64) {
    let design = Interpolator::for_attenuation(stride, K, attenuation);
    let taps: [f32; K] = design.taps();
    let width = transition_width(K, stride, attenuation);
    let (pass, stop) = (design.cutoff - width / 2.0, design.cutoff + width / 2.0);
    assert!(
        (stop - 1.0).abs() < 1e-12,
        "the stopband starts at the input Nyquist"
    );
    let (ripple, leak) = measure(&taps, stride, pass, stop);
    let delta = 10f64.powf(-attenuation / 20.0);
    let leak_db = -20.0 * leak.log10();
    println!("S={stride} K={K} A={attenuation}: stopband {leak_db:.2} dB, passband ripple {ripple:.2e} (bound {delta:.2e})");
    assert!(
        leak <= delta,
        "S={stride} K={K}: stopband only {leak_db:.2} dB down, wanted {attenuation}"
    );
    assert!(
        ripple <= 1.25 * delta,
        "S={stride} K={K}: passband ripple {ripple:e} above 1.25 x {delta:e}"
    );
    let sum: f32 = taps.iter().sum();
    assert!(
        (sum - stride as f32).abs() < 1e-5 * stride as f32,
        "unity passband gain"
    );
    // A design that asks for less than it needs fails the same check: the bound is tight.
    let loose: [f32; K] =
        Interpolator::new(stride, design.cutoff, kaiser_beta(attenuation - 10.0)).taps();
    let (_, leak) = measure(&loose, stride, pass, stop);
    assert!(leak > delta, "the measurement would notice 10 dB less");
}

#[test]
fn attenuation_and_ripple_as_documented() {
    check::<32>(2, 60.0);
    check::<64>(4, 60.0);
    check::<48>(3, 60.0);
    check::<48>(3, 80.0);
    check::<96>(3, 100.0);
    check::<24>(2, 40.0);
    check::<121>(5, 90.0);
    check::<200>(2, 120.0);
    check::<33>(8, 30.0);
}

#[test]
fn taps_for_inverts_transition_width() {
    for (s, a, k) in [(2, 60.0, 32), (3, 80.0, 48), (4, 100.0, 97)] {
        let w = transition_width(k, s, a);
        assert_eq!(taps_for(s, w, a), k);
    }
}

#[test]
fn symmetric_and_centred() {
    let taps: [f32; 49] = Interpolator::new(3, 1.0, kaiser_beta(70.0)).taps();
    for k in 0..49 {
        assert!((taps[k] - taps[48 - k]).abs() <= 1e-7);
    }
    // The centre tap of a full-band x3 interpolator is 1, the taps at multiples of 3 from
    // it are 0: every input sample passes through unchanged at its own phase.
    assert!((taps[24] - 1.0).abs() < 1e-3, "{}", taps[24]);
    for j in [3, 6, 9, 21] {
        assert!(taps[24 + j].abs() < 1e-6, "{}", taps[24 + j]);
    }
}

#[test]
#[should_panic(expected = "too few taps")]
fn too_few_taps_is_refused() {
    let _ = Interpolator::for_attenuation(4, 8, 100.0);
}
