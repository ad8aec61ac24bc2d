//! Speed of every backend this CPU has, as a multiple of real time.

use std::time::{Duration, Instant};

use conv_transpose::Backend;

use crate::{upsample, Failure, Upsampler, RATE_IN};

/// Times `pass` and returns its best time, the number of runs and the last run's result.
/// The best of at least 3 runs and a quarter of a second (at most 200 runs), or of what
/// 2 s allow for a long file: on a shared machine the best is the least disturbed.
pub fn best_of<T, E>(mut pass: impl FnMut() -> Result<T, E>) -> Result<(Duration, usize, T), E> {
    let (mut best, mut runs, start) = (Duration::MAX, 0, Instant::now());
    loop {
        let t = Instant::now();
        let out = pass()?;
        best = best.min(t.elapsed());
        runs += 1;
        let elapsed = start.elapsed().as_secs_f64();
        if elapsed > 2.0 || (runs >= 3 && (elapsed >= 0.25 || runs >= 200)) {
            return Ok((best, runs, out));
        }
    }
}

/// Times the whole streaming pass on every backend this CPU has and prints it as a
/// multiple of real time, with the largest difference from `output`, the default
/// backend's. Returns whether every backend is within 1e-5 of the output's peak.
pub fn speeds(
    layer: &Upsampler,
    input: &[Vec<[f32; 1]>],
    output: &[Vec<[f32; 1]>],
) -> Result<bool, Failure> {
    let seconds = input[0].len() as f64 / RATE_IN as f64;
    let peak = output
        .iter()
        .flatten()
        .fold(0.0f32, |m, v| m.max(v[0].abs()));
    let default = layer.backend();
    let mut agree = true;
    for (i, &b) in Backend::ALL.iter().filter(|b| b.is_available()).enumerate() {
        let (best, runs, out) = best_of(|| upsample(layer, b, input, None))?;
        let diff = out
            .iter()
            .flatten()
            .zip(output.iter().flatten())
            .fold(0.0f32, |m, (a, b)| m.max((a[0] - b[0]).abs()));
        let ok = diff <= 1e-5 * peak;
        agree &= ok;
        let versus = if b == default {
            "(the default)".to_string()
        } else if diff == 0.0 {
            format!("identical to {default}")
        } else {
            format!(
                "max |diff| {diff:.1e} ({:.1e} of peak) vs {default}{}",
                diff / peak,
                if ok { "" } else { ": TOO LARGE" }
            )
        };
        println!(
            "  {:9} {:7} {:6.0}x real time ({:.3} ms, best of {runs})  {versus}",
            if i == 0 { "speed" } else { "" },
            b.name(),
            seconds / best.as_secs_f64(),
            best.as_secs_f64() * 1e3,
        );
    }
    Ok(agree)
}
