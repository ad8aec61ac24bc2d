//! Averaged (Welch) magnitude spectra for the upsampling demo, on `realfft`.

use std::f64::consts::PI;

use realfft::RealFftPlanner;

/// Periodic Hann: its halves overlapped by `n / 2` add up to a constant, and its sidelobes
/// fall fast enough that a tone's leakage 10 kHz away stays far below the images (an
/// unwindowed spectrum leaks about -90 dB there).
fn hann(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| 0.5 - 0.5 * (2.0 * PI * i as f64 / n as f64).cos())
        .collect()
}

/// The averaged magnitude spectrum of `channels` (all at one rate) in dB, `n / 2 + 1`
/// bins of `rate / n` Hz: Hann windows of `n` samples overlapping by half, power
/// averaged over windows and channels, scaled so that a sine of amplitude `a` centred
/// on a bin reads `20 log10(a)` (a full-scale sine is 0 dB). A signal shorter than one
/// window is zero-padded; with `n` the signal's length it is one window over all of it.
pub fn welch_db(channels: &[Vec<f64>], n: usize) -> Vec<f64> {
    let fft = RealFftPlanner::<f64>::new().plan_fft_forward(n);
    let window = hann(n);
    let gain = window.iter().sum::<f64>() / 2.0; // a sine's peak: a * sum(w) / 2
    let mut frame = fft.make_input_vec();
    let mut bins = fft.make_output_vec();
    let mut sum = vec![0.0; bins.len()];
    let mut count = 0usize;
    for x in channels {
        // Windows every n/2 samples, and one more that ends at the end of the signal if
        // they leave any of it out (a window running past the end into zeros would cut
        // the signal off, and the step would leak everywhere).
        let last = x.len().saturating_sub(n);
        let mut starts: Vec<usize> = (0..=last).step_by(n / 2).collect();
        if starts.last() != Some(&last) {
            starts.push(last);
        }
        for start in starts {
            for (i, f) in frame.iter_mut().enumerate() {
                *f = x.get(start + i).copied().unwrap_or(0.0) * window[i];
            }
            fft.process(&mut frame, &mut bins)
                .expect("buffers made by the plan");
            for (s, b) in sum.iter_mut().zip(&bins) {
                *s += b.norm_sqr();
            }
            count += 1;
        }
    }
    sum.iter()
        .map(|&s| 10.0 * (s / count as f64 / (gain * gain)).max(1e-30).log10())
        .collect()
}
