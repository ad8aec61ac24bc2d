//! The run-time shape rules: `Geometry::len_out` (and its helpers, crops on either side)
//! and `output_padding_for`, for any `usize` arguments, against PyTorch's formulas evaluated
//! here in `i128`, where nothing overflows.
#![no_main]

use arbitrary::Arbitrary;
use conv_transpose::{output_padding_for, Geometry};
use libfuzzer_sys::fuzz_target;

/// A number: mostly small (where the rules bite), sometimes anything.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Num {
    Small(u8),
    Any(usize),
}

impl Num {
    fn get(self) -> usize {
        match self {
            Num::Small(n) => usize::from(n % 24),
            Num::Any(n) => n,
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Input {
    len_in: Num,
    in_channels: Num,
    out_channels: Num,
    groups: Num,
    kernel: Num,
    stride: Num,
    padding: Num,
    padding_right: Num,
    dilation: Num,
    output_padding: Num,
    wanted: Num,
}

/// PyTorch's output length, or `None` where a layer of this shape is refused.
fn reference_len(g: &Geometry) -> Option<usize> {
    let [l, cin, cout, gr, k, s, pl, pr, d, op] = [
        g.len_in,
        g.in_channels,
        g.out_channels,
        g.groups,
        g.kernel,
        g.stride,
        g.padding,
        g.padding_right,
        g.dilation,
        g.output_padding,
    ]
    .map(|v| v as i128);
    if [l, cin, cout, gr, k, s, d].contains(&0) || cin % gr != 0 || cout % gr != 0 {
        return None;
    }
    if op >= s && op >= d {
        return None;
    }
    // The kernels index the uncropped result, so it and the crop must fit a `usize`
    // (a product of two `usize`s that passes `i128::MAX` certainly does not).
    let full = (l - 1)
        .checked_mul(s)?
        .checked_add((k - 1).checked_mul(d)?)?
        + op
        + 1;
    let max = usize::MAX as i128;
    if full > max || pl + pr > max {
        return None;
    }
    let n = full - pl - pr;
    (n >= 1).then(|| usize::try_from(n).ok()).flatten()
}

/// `(L-1)*S - 2*P + D*(K-1) + 1`, or `None` where it is beyond any `usize` (a product
/// passes `i128::MAX`).
fn unpadded(l: usize, k: usize, s: usize, p: usize, d: usize) -> Option<i128> {
    let [l, k, s, p, d] = [l, k, s, p, d].map(|v| v as i128);
    ((l - 1).checked_mul(s)? - 2 * p)
        .checked_add((k - 1).checked_mul(d)?)?
        .checked_add(1)
}

fuzz_target!(|input: Input| {
    let g = Geometry {
        len_in: input.len_in.get(),
        in_channels: input.in_channels.get(),
        out_channels: input.out_channels.get(),
        groups: input.groups.get(),
        kernel: input.kernel.get(),
        stride: input.stride.get(),
        padding: input.padding.get(),
        padding_right: input.padding_right.get(),
        dilation: input.dilation.get(),
        output_padding: input.output_padding.get(),
    };
    assert_eq!(g.len_out(), reference_len(&g), "{g:?}");
    if g.groups != 0 {
        assert_eq!(g.in_per_group(), g.in_channels / g.groups);
        assert_eq!(g.out_per_group(), g.out_channels / g.groups);
    }
    // The exact product, saturated at `usize::MAX` (zero if any factor is).
    let factors = [g.len_in, g.in_channels, g.out_per_group(), g.kernel];
    let flops = if factors.contains(&0) {
        0
    } else {
        factors
            .into_iter()
            .try_fold(2u128, |a, v| a.checked_mul(v as u128))
            .map_or(usize::MAX, |f| usize::try_from(f).unwrap_or(usize::MAX))
    };
    assert_eq!(g.flops(), flops);

    // `output_padding_for`: the OP whose layer gives `wanted` frames, if PyTorch allows one.
    let (l, k, s, p, d) = (g.len_in, g.kernel, g.stride, g.padding, g.dilation);
    let wanted = input.wanted.get();
    let got = output_padding_for(l, k, s, p, d, wanted);
    let valid = l > 0 && k > 0 && s > 0 && d > 0 && wanted > 0;
    // PyTorch's choice, where the crate has a layer of that shape (its uncropped length
    // fits a `usize`); PyTorch's padding is symmetric.
    let mono = Geometry {
        in_channels: 1,
        out_channels: 1,
        groups: 1,
        padding_right: p,
        ..g
    };
    let want = if valid {
        unpadded(l, k, s, p, d)
            .map(|u| wanted as i128 - u)
            .filter(|op| (0..s as i128).contains(op))
            .map(|op| op as usize)
            .filter(|&op| {
                reference_len(&Geometry {
                    output_padding: op,
                    ..mono
                }) == Some(wanted)
            })
    } else {
        None
    };
    assert_eq!(got, want, "L {l} K {k} S {s} P {p} D {d} wanted {wanted}");
    if let Some(op) = got {
        // The layer with that OP exists and has exactly `wanted` frames.
        let layer = Geometry {
            output_padding: op,
            ..mono
        };
        assert_eq!(layer.len_out(), Some(wanted));
    }
});
