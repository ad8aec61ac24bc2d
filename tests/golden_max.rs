//! Modular MAX's own results (tools/max_golden.py, max 26.7.0 on the CPU, committed under
//! tests/data/golden_max/): its weight layout `(K, COUT, CIN)` taken as MAX took it, and
//! its padding tuple `(PL, PR)`, which crops the full result's ends separately.
//!
//! MAX computes in f32, so its result is held to the f32 rounding bound of each output's
//! sum against the f64 oracle (which reads the weight through the layout mapping
//! `w_max[k][co][ci] = w_torch[ci][co][k]`); the layer, built with `from_max` from
//! MAX's array and through every other constructor, is then held to the same bound
//! against the oracle on every backend.

mod common;

use common::{arr3, assert_close, backends, check_cropped, check_forms, oracle, Case, Golden};
use conv_transpose::CroppedConvTranspose1d;

macro_rules! max_case {
    ($name:ident, $batch:literal, $l:literal, $cin:literal, $cout:literal, $k:literal,
     $s:literal, $pl:literal, $pr:literal, $d:literal, $op:literal, $bias:literal) => {
        #[test]
        fn $name() {
            type Layer =
                CroppedConvTranspose1d<$l, $cin, $cout, $cout, $k, $s, $pl, $pr, $d, $op, f32>;
            const N: usize = Layer::OUT_LEN;
            let g = Layer::GEOMETRY;
            let name = stringify!($name);
            let file = Golden::read("golden_max", name, &g, $batch, 4, $bias);
            let w_max = arr3::<f32, $k, $cout, $cin>(|k, co, ci| {
                file.w[(k * $cout + co) * $cin + ci] as f32
            });
            // PyTorch's (CIN, COUT, K) for the oracle.
            let w_torch: Vec<f64> = (0..$cin)
                .flat_map(|ci| (0..$cout).map(move |co| (ci, co)))
                .flat_map(|(ci, co)| (0..$k).map(move |k| (ci, co, k)))
                .map(|(ci, co, k)| f64::from(w_max[k][co][ci]))
                .collect();
            let mut case = Case {
                name: name.into(),
                x: file.x,
                w: w_torch,
                bias: file.bias,
                reference: vec![],
            };
            for (x, y_max) in case.x.iter().zip(&file.y) {
                let reference = oracle(&g, x, &case.w, case.bias.as_deref());
                let y_max: Vec<f32> = y_max.iter().map(|&v| v as f32).collect();
                assert_close(&format!("{name}: MAX vs the oracle"), &y_max, &reference);
                case.reference.push(reference);
            }
            let bias: Option<[f32; $cout]> = case
                .bias
                .as_ref()
                .map(|b| core::array::from_fn(|co| b[co] as f32));
            let layer = Box::new(Layer::from_max(&w_max, bias.as_ref()));
            for backend in backends() {
                check_forms::<$l, $cin, $cout, $cout, $k, $s, $pl, $pr, $d, $op, N, f32>(
                    &case,
                    "from_max of MAX's array",
                    &layer,
                    backend,
                );
            }
            check_cropped::<$l, $cin, $cout, $cout, $cin, $k, $s, $pl, $pr, $d, $op, N, f32>(&case);
        }
    };
}

include!("data/golden_max/cases.rs");
