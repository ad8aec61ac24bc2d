//! Layers whose crops differ between the ends (causal ones among them) against PyTorch's
//! full result cropped as the layer says (tools/golden_cropped.py, committed under
//! tests/data/golden_cropped/), through every constructor, tensor layout and backend.
//!
//! Tolerance as in tests/golden.rs: the rounding bound of each output's own sum; the
//! oracle is held to it against PyTorch too.

mod common;

use std::path::Path;

use common::{assert_close, check_cropped, oracle, Case};
use conv_transpose::CroppedConvTranspose1d;

/// Reads `count` little-endian values of `width` bytes (4: f32, 8: f64) as f64.
fn take(bytes: &mut &[u8], count: usize, width: usize) -> Vec<f64> {
    let (head, tail) = bytes.split_at(count * width);
    *bytes = tail;
    head.chunks_exact(width)
        .map(|c| match width {
            4 => f32::from_le_bytes(c.try_into().unwrap()) as f64,
            _ => f64::from_le_bytes(c.try_into().unwrap()),
        })
        .collect()
}

macro_rules! cropped {
    ($name:ident, $batch:literal, $l:literal, $cin:literal, $cout:literal, $cg:literal,
     $ci:literal, $k:literal, $s:literal, $pl:literal, $pr:literal, $d:literal, $op:literal,
     $bias:literal) => {
        #[test]
        fn $name() {
            type Layer =
                CroppedConvTranspose1d<$l, $cin, $cout, $cg, $k, $s, $pl, $pr, $d, $op, f32>;
            const N: usize = Layer::OUT_LEN;
            let g = Layer::GEOMETRY;
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data/golden_cropped")
                .join(concat!(stringify!($name), ".bin"));
            let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let bytes = &mut &data[..];
            let width = 4;
            // x is (B, CIN, L) and y (B, COUT, N): PyTorch's channels-first tensors.
            let x_ncl = take(bytes, $batch * $cin * $l, width);
            let w = take(bytes, $cin * $cg * $k, width);
            let bias = $bias.then(|| take(bytes, $cout, width));
            let y_ncl = take(bytes, $batch * $cout * N, 8);
            assert!(bytes.is_empty(), "{}: trailing bytes", path.display());

            let to_nlc = |t: &[f64], c: usize, len: usize| -> Vec<f64> {
                (0..len)
                    .flat_map(|i| (0..c).map(move |ch| t[ch * len + i]))
                    .collect()
            };
            let mut case = Case {
                name: stringify!($name).into(),
                x: vec![],
                w,
                bias,
                reference: vec![],
            };
            for b in 0..$batch {
                let x = to_nlc(&x_ncl[b * $cin * $l..][..$cin * $l], $cin, $l);
                let torch_y = to_nlc(&y_ncl[b * $cout * N..][..$cout * N], $cout, N);
                let mut reference = oracle(&g, &x, &case.w, case.bias.as_deref());
                // The oracle sums in f64 too: it must agree with PyTorch to f64 rounding.
                let oracle_y: Vec<f64> = std::mem::replace(&mut reference.y, torch_y);
                assert_close::<f64>(
                    concat!(stringify!($name), " oracle vs torch"),
                    &oracle_y,
                    &reference,
                );
                case.x.push(x);
                case.reference.push(reference);
            }
            check_cropped::<$l, $cin, $cout, $cg, $ci, $k, $s, $pl, $pr, $d, $op, N, f32>(&case);
        }
    };
}

include!("data/golden_cropped/cases.rs");
