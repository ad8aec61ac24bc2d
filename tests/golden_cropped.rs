//! Layers whose crops differ between the ends (causal ones among them) against PyTorch's
//! full result cropped as the layer says (tools/golden_cropped.py, committed under
//! tests/data/golden_cropped/), through every constructor, tensor layout and backend.
//!
//! Tolerance as in tests/golden.rs: the rounding bound of each output's own sum; the
//! oracle is held to it against PyTorch too.

mod common;

use common::{check_cropped, Case};
use conv_transpose::CroppedConvTranspose1d;

macro_rules! cropped {
    ($name:ident, $batch:literal, $l:literal, $cin:literal, $cout:literal, $cg:literal,
     $ci:literal, $k:literal, $s:literal, $pl:literal, $pr:literal, $d:literal, $op:literal,
     $bias:literal) => {
        #[test]
        fn $name() {
            type Layer =
                CroppedConvTranspose1d<$l, $cin, $cout, $cg, $k, $s, $pl, $pr, $d, $op, f32>;
            const N: usize = Layer::OUT_LEN;
            let case = Case::golden(
                "golden_cropped",
                stringify!($name),
                &Layer::GEOMETRY,
                $batch,
                4,
                $bias,
            );
            check_cropped::<$l, $cin, $cout, $cg, $ci, $k, $s, $pl, $pr, $d, $op, N, f32>(&case);
        }
    };
}

include!("data/golden_cropped/cases.rs");
