//! The f64 reference the f32 stream is measured against, and the SNR.

use crate::progress::Progress;
use crate::{BLOCK, REF_TAPS, S};

/// `10 log10(sum ref^2 / sum (out - ref)^2)` over every channel of `out` against each
/// reference filter (odd lengths, centred) applied to `x` in f64, leaving out `skip`
/// output frames at each end.
pub fn snr(x: &[Vec<f64>], out: &[Vec<f64>], filters: [&[f64]; 2], skip: usize) -> [f64; 2] {
    let mut progress = Progress::new("reference", x.len() * x[0].len());
    filters.map(|h| {
        let (mut signal, mut noise) = (0.0, 0.0);
        for (x, y) in x.iter().zip(out) {
            // Only the long filter takes long enough to report.
            let p = (h.len() == REF_TAPS).then_some(&mut progress);
            let reference = interpolate(x, h, p);
            let range = skip..y.len() - skip;
            for (y, r) in y[range.clone()].iter().zip(&reference[range]) {
                signal += r * r;
                noise += (y - r) * (y - r);
            }
        }
        progress.done();
        10.0 * (signal / noise).log10()
    })
}

/// The f64 reference: `y[n] = sum over i of x[i] h[n + C - S i]` with `C` the centre tap,
/// the same alignment as the layer's, by polyphase dot products.
pub fn interpolate(x: &[f64], h: &[f64], mut progress: Option<&mut Progress>) -> Vec<f64> {
    let centre = h.len() / 2;
    // Phase r holds h[r], h[r + S], ... reversed, to run forward along the input.
    let phases: Vec<Vec<f64>> = (0..S)
        .map(|r| h.iter().skip(r).step_by(S).rev().copied().collect())
        .collect();
    let pad = phases[0].len();
    let mut padded = vec![0.0; x.len() + 2 * pad];
    padded[pad..pad + x.len()].copy_from_slice(x);
    let mut y = vec![0.0; x.len() * S];
    for (n, y) in y.iter_mut().enumerate() {
        let t = n + centre;
        let (q, g) = (t / S, &phases[t % S]);
        // x[q - j] for j = g.len() - 1 down to 0, in padded coordinates.
        let window = &padded[q + pad + 1 - g.len()..=q + pad];
        let mut acc = [0.0; 4];
        let (wc, gc) = (window.chunks_exact(4), g.chunks_exact(4));
        let tail: f64 = wc
            .remainder()
            .iter()
            .zip(gc.remainder())
            .map(|(a, b)| a * b)
            .sum();
        for (w, g) in wc.zip(gc) {
            for i in 0..4 {
                acc[i] += w[i] * g[i];
            }
        }
        *y = acc.iter().sum::<f64>() + tail;
        if let Some(p) = progress.as_deref_mut().filter(|_| n % (BLOCK * S) == 0) {
            p.advance(BLOCK);
        }
    }
    y
}
