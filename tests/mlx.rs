//! `from_mlx` and `init_from_mlx` against MLX's own results (tools/mlx_golden.py): weights
//! drawn in MLX's layout, outputs computed by MLX 0.32, so a wrong reading of MLX's layout
//! (grouped layers included) fails here.
//!
//! Tolerance: MLX computes in f32 as we do; each result is within `(n + 1) * u *
//! sum(|terms|)` of the exact value, so the two are within twice that, which is what
//! `common::assert_close` allows. The oracle supplies `n` and `sum(|terms|)`.

mod common;

use std::mem::MaybeUninit;
use std::path::Path;

use common::{arr2, arr3, assert_close, oracle};
use conv_transpose::GroupedConvTranspose1d;

fn take(bytes: &mut &[u8], count: usize) -> Vec<f32> {
    let (head, tail) = bytes.split_at(count * 4);
    *bytes = tail;
    head.chunks_exact(4)
        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

/// MLX's `(COUT, K, CI)` weights in PyTorch's `(CIN, COUT/G, K)` layout, as f64.
fn torch_layout(w: &[f32], cout: usize, k: usize, ci: usize, cg: usize) -> Vec<f64> {
    let cin = cout / cg * ci;
    let mut t = vec![0.0f64; cin * cg * k];
    for co in 0..cout {
        for tap in 0..k {
            for c in 0..ci {
                let input = co / cg * ci + c;
                t[(input * cg + co % cg) * k + tap] = w[(co * k + tap) * ci + c] as f64;
            }
        }
    }
    t
}

macro_rules! mlx_golden {
    ($name:ident, $l:literal, $cin:literal, $cout:literal, $cg:literal, $ci:literal, $k:literal,
     $s:literal, $p:literal, $d:literal, $op:literal, $bias:literal) => {
        #[test]
        fn $name() {
            type Layer = GroupedConvTranspose1d<$l, $cin, $cout, $cg, $k, $s, $p, $d, $op>;
            const N: usize = Layer::OUT_LEN;
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(concat!(
                "tests/data/mlx/",
                stringify!($name),
                ".bin"
            ));
            let data = std::fs::read(&path).unwrap();
            let bytes = &mut &data[..];
            let x = take(bytes, $l * $cin);
            let w = take(bytes, $cout * $k * $ci);
            let b = $bias.then(|| take(bytes, $cout));
            let y_mlx = take(bytes, N * $cout);
            assert!(bytes.is_empty());

            let w_mlx = arr3::<f32, $cout, $k, $ci>(|co, k, c| w[(co * $k + k) * $ci + c]);
            let bias: Option<[f32; $cout]> = b.as_ref().map(|b| core::array::from_fn(|co| b[co]));
            let input = arr2::<f32, $l, $cin>(|i, c| x[i * $cin + c]);

            // Magnitudes for the tolerance, from the oracle on the same weights in
            // PyTorch's layout; the values compared are MLX's.
            let w_torch = torch_layout(&w, $cout, $k, $ci, $cg);
            let x64: Vec<f64> = x.iter().map(|&v| v as f64).collect();
            let b64: Option<Vec<f64>> = b.as_ref().map(|b| b.iter().map(|&v| v as f64).collect());
            let mut reference = oracle(&Layer::GEOMETRY, &x64, &w_torch, b64.as_deref());
            reference.y = y_mlx.iter().map(|&v| v as f64).collect();

            let mut slot = Box::new(MaybeUninit::<Layer>::uninit());
            let in_place = Layer::init_from_mlx(&mut slot, &w_mlx, bias.as_ref());
            let by_value = Layer::from_mlx(&w_mlx, bias.as_ref());
            for (how, layer) in [("init_from_mlx", &*in_place), ("from_mlx", &by_value)] {
                let mut y = arr2::<f32, N, $cout>(|_, _| f32::NAN);
                layer.forward(&input, &mut y);
                assert_close(
                    &format!("{} {how}", stringify!($name)),
                    y.as_flattened(),
                    &reference,
                );
            }
        }
    };
}

include!("data/mlx/cases.rs");
