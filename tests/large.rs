//! A layer of HiFi-GAN v1's size (512 -> 256 channels, K = 16, S = 8: 8 MiB of f32
//! weights) built and run on the default test thread, whose stack is 2 MiB: the layer
//! and its buffers never pass through the stack. CI runs this in debug and release.

mod common;

use std::mem::MaybeUninit;

use common::{arr2, arr3, assert_close, oracle, Rng};
use conv_transpose::ConvTranspose1d;

type HifiganUp1 = ConvTranspose1d<32, 512, 256, 16, 8>;
const N: usize = HifiganUp1::OUT_LEN;

#[test]
fn hifigan_up1_on_the_default_stack() {
    assert!(core::mem::size_of::<HifiganUp1>() >= 8 << 20);
    assert_eq!(N, 31 * 8 + 15 + 1);

    let mut rng = Rng::new(7);
    let w: Vec<f64> = rng
        .vec(512 * 256 * 16)
        .into_iter()
        .map(|v| v as f32 as f64 / 64.0)
        .collect();
    let b: Vec<f64> = rng.vec(256).into_iter().map(|v| v as f32 as f64).collect();
    let x: Vec<f64> = rng
        .vec(32 * 512)
        .into_iter()
        .map(|v| v as f32 as f64)
        .collect();

    let torch = arr3::<f32, 512, 256, 16>(|ci, co, k| w[(ci * 256 + co) * 16 + k] as f32);
    let mlx = arr3::<f32, 256, 16, 512>(|co, k, ci| w[(ci * 256 + co) * 16 + k] as f32);
    let bias: [f32; 256] = core::array::from_fn(|co| b[co] as f32);
    let input = arr2::<f32, 32, 512>(|i, c| x[i * 512 + c] as f32);
    let reference = oracle(&HifiganUp1::GEOMETRY, &x, &w, Some(&b));

    let mut slot = Box::<HifiganUp1>::new_uninit();
    let from_torch: &HifiganUp1 = HifiganUp1::init_from_torch(&mut slot, &torch, Some(&bias));
    let mut slot_mlx = Box::<HifiganUp1>::new_uninit();
    let from_mlx: &HifiganUp1 = HifiganUp1::init_from_mlx(&mut slot_mlx, &mlx, Some(&bias));
    check(from_torch, &input, &reference, "init_from_torch");
    check(from_mlx, &input, &reference, "init_from_mlx");

    #[cfg(feature = "std")]
    {
        let boxed: Box<HifiganUp1> = HifiganUp1::boxed_from_torch(&torch, Some(&bias));
        check(&boxed, &input, &reference, "boxed_from_torch");
    }
}

fn check(layer: &HifiganUp1, x: &[[f32; 512]; 32], reference: &common::Reference, what: &str) {
    let mut y = arr2::<f32, N, 256>(|_, _| f32::NAN);
    layer.forward(x, &mut y);
    assert_close(what, y.as_flattened(), reference);
}

/// Building in place writes every byte of the slot, whatever was there before.
#[test]
fn init_overwrites_stale_slot() {
    type Small = ConvTranspose1d<3, 2, 2, 3, 2>;
    let w = [
        [[1.0f32, 2.0, 3.0], [4.0, 5.0, 6.0]],
        [[7.0, 8.0, 9.0], [10.0, 11.0, 12.0]],
    ];
    let stale = Small::from_torch(&[[[f32::NAN; 3]; 2]; 2], Some(&[f32::NAN; 2]));
    let mut slot = MaybeUninit::new(stale);
    let layer = *Small::init_from_torch(&mut slot, &w, None);
    assert_eq!(layer, Small::from_torch(&w, None));
}
