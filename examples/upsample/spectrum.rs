//! Spectra for the upsampling demo: an FFT, averaged (Welch) magnitude spectra and a
//! Goertzel filter for single frequencies.
//!
//! The FFT is written here rather than taken from `rustfft`: about forty lines cover the
//! sizes the demo needs (`2^a * 3^b`, so that the 16 kHz input and the 48 kHz output get
//! bins of the same width: 2048 and 6144 points, 7.8 Hz each), and the example keeps to
//! two small dev-dependencies.

use std::f64::consts::PI;

#[derive(Clone, Copy, Default)]
struct Complex {
    re: f64,
    im: f64,
}

impl Complex {
    fn mul(self, o: Complex) -> Complex {
        Complex {
            re: self.re * o.re - self.im * o.im,
            im: self.re * o.im + self.im * o.re,
        }
    }
    fn add(self, o: Complex) -> Complex {
        Complex {
            re: self.re + o.re,
            im: self.im + o.im,
        }
    }
}

/// A forward FFT of one size `n = 2^a * 3^b`: mixed radix 2 and 3, decimation in time.
pub struct Fft {
    /// `e^(-2 pi i j / n)` for `j` in `0..n`.
    twiddles: Vec<Complex>,
}

impl Fft {
    pub fn new(n: usize) -> Fft {
        let mut m = n;
        while m.is_multiple_of(2) {
            m /= 2;
        }
        while m.is_multiple_of(3) {
            m /= 3;
        }
        assert!(n > 0 && m == 1, "Fft: the size must be 2^a * 3^b");
        let twiddles = (0..n)
            .map(|j| {
                let a = -2.0 * PI * j as f64 / n as f64;
                Complex {
                    re: a.cos(),
                    im: a.sin(),
                }
            })
            .collect();
        Fft { twiddles }
    }

    /// `|X[k]|^2` for `k` in `0..=n/2` of the real signal `x` (`n` samples).
    pub fn power(&self, x: &[f64], power: &mut [f64]) {
        let n = self.twiddles.len();
        let input: Vec<Complex> = x.iter().map(|&re| Complex { re, im: 0.0 }).collect();
        let mut out = vec![Complex::default(); n];
        self.transform(&input, 1, &mut out, 1);
        for (p, c) in power.iter_mut().zip(&out[..=n / 2]) {
            *p = c.re * c.re + c.im * c.im;
        }
    }

    /// The DFT of `x[0], x[stride], ...` (`out.len()` points) into `out`; `step` is
    /// `n / out.len()`, the twiddle stride at this depth.
    fn transform(&self, x: &[Complex], stride: usize, out: &mut [Complex], step: usize) {
        let n = out.len();
        if n == 1 {
            out[0] = x[0];
            return;
        }
        let p = if n.is_multiple_of(2) { 2 } else { 3 };
        let m = n / p;
        for r in 0..p {
            let sub = &mut out[r * m..(r + 1) * m];
            self.transform(&x[r * stride..], stride * p, sub, step * p);
        }
        // X[k + q m] = sum over r of W_n^(r (k + q m)) Y_r[k], where Y_r is the DFT of the
        // r-th decimated sequence, stored at out[r m ..]: each k reads and writes the
        // same p slots.
        let w = |j: usize| self.twiddles[(j * step) % self.twiddles.len()];
        for k in 0..m {
            let mut y = [Complex::default(); 3];
            for (r, y) in y.iter_mut().enumerate().take(p) {
                *y = out[r * m + k];
            }
            for q in 0..p {
                let mut sum = Complex::default();
                for (r, y) in y.iter().enumerate().take(p) {
                    sum = sum.add(y.mul(w(r * (k + q * m))));
                }
                out[k + q * m] = sum;
            }
        }
    }
}

fn hann(n: usize) -> Vec<f64> {
    // Periodic Hann: its overlapped halves add up to a constant.
    (0..n)
        .map(|i| 0.5 - 0.5 * (2.0 * PI * i as f64 / n as f64).cos())
        .collect()
}

/// The averaged magnitude spectrum of `channels` (all at one rate) in dB, `n / 2 + 1`
/// bins of `rate / n` Hz: Hann windows of `n` samples overlapping by half, power
/// averaged over windows and channels, scaled so that a sine of amplitude `a` centred
/// on a bin reads `20 log10(a)` (a full-scale sine is 0 dB). A signal shorter than one
/// window is zero-padded.
pub fn welch_db(channels: &[Vec<f64>], n: usize) -> Vec<f64> {
    let fft = Fft::new(n);
    let window = hann(n);
    let gain = window.iter().sum::<f64>() / 2.0; // a sine's peak: a * sum(w) / 2
    let mut sum = vec![0.0; n / 2 + 1];
    let mut power = vec![0.0; n / 2 + 1];
    let mut frame = vec![0.0; n];
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
            fft.power(&frame, &mut power);
            for (s, p) in sum.iter_mut().zip(&power) {
                *s += p;
            }
            count += 1;
        }
    }
    sum.iter()
        .map(|&s| 10.0 * (s / count as f64 / (gain * gain)).max(1e-30).log10())
        .collect()
}

/// Amplitude of the component at `freq`: Goertzel over the Hann-windowed signal (an
/// unwindowed one leaks about -90 dB this far from a tone, hiding the images).
pub fn amplitude(signal: &[f64], rate: f64, freq: f64) -> f64 {
    let w = 2.0 * PI * freq / rate;
    let (mut s1, mut s2) = (0.0, 0.0);
    let last = (signal.len() - 1) as f64;
    for (n, &v) in signal.iter().enumerate() {
        let hann = 0.5 - 0.5 * (2.0 * PI * n as f64 / last).cos();
        let s = v * hann + 2.0 * w.cos() * s1 - s2;
        s2 = s1;
        s1 = s;
    }
    // Hann's coherent gain is 1/2.
    (s1 * s1 + s2 * s2 - 2.0 * w.cos() * s1 * s2).sqrt() * 4.0 / signal.len() as f64
}
