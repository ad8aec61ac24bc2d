//! The imported chain against PyTorch's own output for the same input, on every backend.
//!
//! Tolerance: 1e-6 absolute on outputs of magnitude up to 0.37. Each output sums about a
//! hundred products per layer in f32, in a different order from PyTorch (and fused on the
//! FMA backends); PyTorch's float32 output is itself 5e-8 from the same model in float64
//! (tools/hifigan_tail.py prints it), and the SIMD tanh is within 8 ulp of libm's.

use conv_transpose::{Backend, Layer, Tanh};
use conv_transpose_hifigan::{golden, run, Net, NET, SHAPE};

const TOLERANCE: f32 = 1e-6;

#[test]
fn shapes_come_from_the_checkpoint() {
    assert_eq!(SHAPE, (16, 64, 512, 8));
}

#[test]
fn matches_pytorch_on_every_backend() {
    let mut ran = 0;
    for backend in Backend::ALL.into_iter().filter(|b| b.is_available()) {
        let mut scratch = Net::SCRATCH;
        let mut y = [[f32::NAN; 512]; 8];
        NET.forward_ncl_act_with(backend, &golden::INPUT, &mut scratch, &mut y, Tanh)
            .unwrap();
        let worst = y
            .iter()
            .flatten()
            .zip(golden::OUTPUT.iter().flatten())
            .map(|(a, b)| (a - b).abs())
            .fold(
                0.0f32,
                |m, e| if e.is_nan() { f32::INFINITY } else { m.max(e) },
            );
        eprintln!("{backend}: worst |ours - PyTorch| = {worst:e}");
        assert!(
            worst <= TOLERANCE,
            "{backend}: {worst:e} from PyTorch's output"
        );
        ran += 1;
    }
    // The CI variable names the backends this machine must have.
    if let Ok(list) = std::env::var("CONV_TRANSPOSE_BACKENDS") {
        assert_eq!(
            ran,
            list.split(',').filter(|s| !s.trim().is_empty()).count()
        );
    }
}

#[test]
fn run_is_the_chain_on_the_default_backend() {
    let mut scratch = Net::SCRATCH;
    let mut y = [[f32::NAN; 512]; 8];
    run(&golden::INPUT, &mut scratch, &mut y);
    let mut want = [[f32::NAN; 512]; 8];
    let mut scratch = Net::SCRATCH;
    NET.forward_ncl_act_with(NET.backend(), &golden::INPUT, &mut scratch, &mut want, Tanh)
        .unwrap();
    assert_eq!(y, want);
}
