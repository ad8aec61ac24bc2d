//! PyTorch's own results (tools/golden.py, committed under tests/data/) against every
//! constructor (PyTorch, MLX and MAX weight layouts) and every tensor layout.
//!
//! Tolerance: each output is compared with PyTorch's float64 result within the rounding
//! bound of its sum, `2 * (n + 2) * u * sum(|terms|)` (see `common::assert_close`), where
//! the oracle supplies `n` and `sum(|terms|)` from the same inputs. The oracle itself is
//! held to the same bound against PyTorch, so it is checked here too.

mod common;

use std::path::Path;

use common::{assert_close, check_layer, oracle, Case};
use conv_transpose::{output_padding_for, GroupedConvTranspose1d};

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

macro_rules! golden {
    ($name:ident, $t:ty, $batch:literal, $l:literal, $cin:literal, $cout:literal, $cg:literal,
     $ci:literal, $k:literal, $s:literal, $p:literal, $d:literal, $op:literal, $bias:literal) => {
        #[test]
        fn $name() {
            type Layer = GroupedConvTranspose1d<$l, $cin, $cout, $cg, $k, $s, $p, $d, $op, $t>;
            const N: usize = Layer::OUT_LEN;
            let g = Layer::GEOMETRY;
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data/golden")
                .join(concat!(stringify!($name), ".bin"));
            let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let bytes = &mut &data[..];
            let width = core::mem::size_of::<$t>();
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
            check_layer::<$l, $cin, $cout, $cg, $ci, $k, $s, $p, $d, $op, N, $t>(&case);
        }
    };
}

include!("data/golden/cases.rs");

/// `output_padding_for` against PyTorch's `forward(x, output_size=[wanted])`.
#[test]
fn output_padding_matches_torch() {
    let table = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/output_padding.txt"),
    )
    .unwrap();
    let mut rows = 0;
    for line in table.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split_whitespace().collect();
        let n: Vec<usize> = f[..6].iter().map(|v| v.parse().unwrap()).collect();
        let want = match f[6] {
            "none" => None,
            op => Some(op.parse::<usize>().unwrap()),
        };
        assert_eq!(
            output_padding_for(n[0], n[1], n[2], n[3], n[4], n[5]),
            want,
            "L K S P D wanted = {n:?}"
        );
        rows += 1;
    }
    assert!(rows > 500, "only {rows} rows read");
}
