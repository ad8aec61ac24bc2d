//! The `--q15` report: the demo's layer in fixed point.

use std::f64::consts::PI;

use conv_transpose::design::Interpolator;
use conv_transpose::{Backend, ConvTranspose1d, Error, StreamState, Q15};

use crate::reference::interpolate;
use crate::speed::best_of;
use crate::{db, Failure, ATTENUATION_DB, BLOCK, EDGE, K, OP, P, RATE_IN, S};

/// The demo's layer in Q15.
type UpsamplerQ15 = ConvTranspose1d<BLOCK, 1, 1, K, S, P, 1, OP, Q15>;
/// The Q15 figure the example insists on.
const Q15_MIN_SNR_DB: f64 = 80.0;

/// SNR of a full-scale 1 kHz sine through the layer in Q15, and the Q15 speed of every
/// backend. Returns whether the SNR reaches [`Q15_MIN_SNR_DB`] and every backend gives
/// the portable kernel's bits.
pub fn q15() -> Result<bool, Failure> {
    let taps: [f32; K] = Interpolator::for_attenuation(S, K, ATTENUATION_DB)?.taps();
    let q = Q15::taps_for(&taps, S)?;
    let layer = UpsamplerQ15::from_torch(&[[q.taps]], None);
    let frames = RATE_IN as usize; // 1 s
    let sine: Vec<f64> = (0..frames)
        .map(|n| (2.0 * PI * 1_000.0 * n as f64 / RATE_IN as f64).sin())
        .collect();
    let x: Vec<[Q15; 1]> = sine.iter().map(|&v| [Q15::from_f64(v)]).collect();
    let run = |backend| upsample_q15(&layer, backend, &x);
    let out = run(Backend::Scalar)?;
    // The f64 result of the same layer (its Q15 taps, exact in f64) on the unquantised
    // sine: what the fixed-point arithmetic loses. And of the unquantised filter at the
    // same gain: that plus the taps' rounding.
    let snr_of = |h: &[f64]| {
        let reference = interpolate(&sine, h, None);
        let (mut signal, mut noise) = (0.0, 0.0);
        for (y, r) in out[EDGE..out.len() - EDGE].iter().zip(&reference[EDGE..]) {
            let e = y[0].to_f64() - r;
            signal += r * r;
            noise += e * e;
        }
        10.0 * (signal / noise).log10()
    };
    let snr = snr_of(&q.taps.iter().map(|t| t.to_f64()).collect::<Vec<_>>());
    let snr_design = snr_of(
        &taps
            .iter()
            .map(|&t| f64::from(t) * q.gain)
            .collect::<Vec<_>>(),
    );
    let peak = out
        .iter()
        .map(|v| v[0].to_bits().unsigned_abs())
        .max()
        .unwrap_or(0);
    println!(
        "  Q15       taps quantised with headroom (gain {:.4}, {:.2} dB); full-scale 1 kHz sine, 1 s; output peak {peak} of 32767",
        q.gain,
        db(q.gain)
    );
    println!(
        "            SNR {snr:.1} dB against the f64 result of the same layer on the unquantised sine (at least {Q15_MIN_SNR_DB:.0} dB required)"
    );
    println!(
        "            {snr_design:.1} dB against the unquantised filter at the same gain (the taps' rounding included)"
    );
    let seconds = frames as f64 / RATE_IN as f64;
    let mut same = true;
    for (i, &b) in Backend::ALL.iter().filter(|b| b.is_available()).enumerate() {
        let (best, runs, got) = best_of(|| run(b))?;
        let identical = got == out;
        same &= identical;
        println!(
            "  {:9} {:7} {:6.0}x real time ({:.3} ms, best of {runs})  {}",
            if i == 0 { "Q15 speed" } else { "" },
            b.name(),
            seconds / best.as_secs_f64(),
            best.as_secs_f64() * 1e3,
            if identical {
                "bit-identical to scalar"
            } else {
                "DIFFERS from scalar"
            }
        );
    }
    if snr < Q15_MIN_SNR_DB {
        eprintln!("upsample: Q15 SNR {snr:.1} dB is below {Q15_MIN_SNR_DB:.0} dB");
    }
    Ok(snr >= Q15_MIN_SNR_DB && same)
}

/// One Q15 channel through its own stream on `backend`, cut to three times its length.
fn upsample_q15(
    layer: &UpsamplerQ15,
    backend: Backend,
    x: &[[Q15; 1]],
) -> Result<Vec<[Q15; 1]>, Error> {
    let mut state = StreamState::<Q15, 1, { UpsamplerQ15::STREAM_FRAMES }>::new();
    let mut out = Vec::with_capacity(x.len() * S + BLOCK * S);
    let mut y = [[Q15::ZERO; 1]; BLOCK * S];
    for chunk in x.chunks(BLOCK) {
        let mut block = [[Q15::ZERO; 1]; BLOCK];
        block[..chunk.len()].copy_from_slice(chunk);
        let n = layer.process_with(backend, &mut state, &block, &mut y)?;
        out.extend_from_slice(&y[..n]);
    }
    let n = layer.flush_with(backend, &mut state, &mut y)?;
    out.extend_from_slice(&y[..n]);
    out.truncate(x.len() * S);
    Ok(out)
}
