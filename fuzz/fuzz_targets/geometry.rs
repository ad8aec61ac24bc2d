//! The run-time shape rules: `Geometry::len_out` (and its helpers) and
//! `output_padding_for`, for any `usize` arguments, against PyTorch's formulas evaluated
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
    dilation: Num,
    output_padding: Num,
    wanted: Num,
}

/// PyTorch's output length, or `None` where a layer of this shape is refused.
fn reference_len(g: &Geometry) -> Option<usize> {
    let [l, cin, cout, gr, k, s, p, d, op] = [
        g.len_in,
        g.in_channels,
        g.out_channels,
        g.groups,
        g.kernel,
        g.stride,
        g.padding,
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
    let n = (l - 1) * s - 2 * p + d * (k - 1) + op + 1;
    (n >= 1).then(|| usize::try_from(n).ok()).flatten()
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
        dilation: input.dilation.get(),
        output_padding: input.output_padding.get(),
    };
    assert_eq!(g.len_out(), reference_len(&g), "{g:?}");
    if g.groups != 0 {
        assert_eq!(g.in_per_group(), g.in_channels / g.groups);
        assert_eq!(g.out_per_group(), g.out_channels / g.groups);
    }
    let flops = 2u128
        * g.len_in as u128
        * g.in_channels as u128
        * g.out_per_group() as u128
        * g.kernel as u128;
    assert_eq!(g.flops() as u128, flops.min(usize::MAX as u128));

    // `output_padding_for`: the OP whose layer gives `wanted` frames, if PyTorch allows one.
    let (l, k, s, p, d) = (g.len_in, g.kernel, g.stride, g.padding, g.dilation);
    let wanted = input.wanted.get();
    let got = output_padding_for(l, k, s, p, d, wanted);
    let valid = l > 0 && k > 0 && s > 0 && d > 0 && wanted > 0;
    let unpadded = (l as i128 - 1) * s as i128 - 2 * p as i128 + d as i128 * (k as i128 - 1) + 1;
    let op = wanted as i128 - unpadded;
    let want = (valid && (0..s as i128).contains(&op)).then_some(op as usize);
    assert_eq!(got, want, "L {l} K {k} S {s} P {p} D {d} wanted {wanted}");
    if let Some(op) = got {
        // The layer with that OP exists and has exactly `wanted` frames.
        let layer = Geometry {
            output_padding: op,
            in_channels: 1,
            out_channels: 1,
            groups: 1,
            ..g
        };
        assert_eq!(layer.len_out(), Some(wanted));
    }
});
