//! PyTorch's own results (tools/golden.py, committed under tests/data/) against every
//! constructor (PyTorch, MLX and MAX weight layouts) and every tensor layout.
//!
//! Tolerance: each output is compared with PyTorch's float64 result within the rounding
//! bound of its sum, `2 * (n + 2) * u * sum(|terms|)` (see `common::assert_close`), where
//! the oracle supplies `n` and `sum(|terms|)` from the same inputs. The oracle itself is
//! held to the same bound against PyTorch, so it is checked here too.

mod common;

use std::path::Path;

use common::{check_layer, Case};
use conv_transpose::{output_padding_for, GroupedConvTranspose1d};

macro_rules! golden {
    ($name:ident, $t:ty, $batch:literal, $l:literal, $cin:literal, $cout:literal, $cg:literal,
     $ci:literal, $k:literal, $s:literal, $p:literal, $d:literal, $op:literal, $bias:literal) => {
        #[test]
        fn $name() {
            type Layer = GroupedConvTranspose1d<$l, $cin, $cout, $cg, $k, $s, $p, $d, $op, $t>;
            const N: usize = Layer::OUT_LEN;
            let case = Case::golden(
                "golden",
                stringify!($name),
                &Layer::GEOMETRY,
                $batch,
                core::mem::size_of::<$t>(),
                $bias,
            );
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
