//! Chains: the same outputs as running their layers one by one (with the activation in
//! between applied by `forward_act`), on every backend, both layouts, nested, and for
//! fixed point. Compile-time shape errors are in tests/ui/fail_chain_*.rs.

mod common;

use common::{backends, Rng};
use conv_transpose::{
    Backend, Chain, ConvTranspose1d, DepthwiseConvTranspose1d, Error, Layer, LeakyRelu, Relu, Tanh,
    Q15,
};

type Up1 = ConvTranspose1d<12, 6, 5, 8, 4, 2>; // 12 x 6 -> 48 x 5
type Up2 = ConvTranspose1d<48, 5, 3, 4, 2, 1>; // 48 x 5 -> 96 x 3
type Dw = DepthwiseConvTranspose1d<96, 3, 3, 1>; // 96 x 3 -> 98 x 3

fn weights<const A: usize, const B: usize, const C: usize>(rng: &mut Rng) -> [[[f32; C]; B]; A] {
    core::array::from_fn(|_| {
        core::array::from_fn(|_| core::array::from_fn(|_| rng.uniform() as f32))
    })
}

#[test]
fn two_and_three_layers_match_layer_by_layer() {
    let mut rng = Rng::new(21);
    let up1 = Up1::from_torch(
        &weights(&mut rng),
        Some(&core::array::from_fn(|_| rng.uniform() as f32)),
    );
    let up2 = Up2::from_torch(&weights(&mut rng), None);
    let dw = Dw::from_torch(&weights(&mut rng), Some(&[0.1, -0.2, 0.3]));
    let x: [[f32; 6]; 12] =
        core::array::from_fn(|_| core::array::from_fn(|_| rng.uniform() as f32));
    let x_ncl: [[f32; 12]; 6] = core::array::from_fn(|c| core::array::from_fn(|i| x[i][c]));

    type Two<'a> = Chain<&'a Up1, LeakyRelu, &'a Up2, 48, 5>;
    let two: Two = Chain::new(&up1, LeakyRelu(0.1), &up2);
    // Owned layers and a nested chain.
    type Three<'a> = Chain<Two<'a>, Relu, Dw, 96, 3>;
    let three: Three = Chain::new(two, Relu, dw);
    assert_eq!(<Three as Layer>::LEN_OUT, 98);
    assert_eq!(<Three as Layer>::COUT, 3);

    for backend in backends() {
        // Layer by layer.
        let mut m1 = [[f32::NAN; 5]; 48];
        let mut m2 = [[f32::NAN; 3]; 96];
        let mut want = [[f32::NAN; 3]; 98];
        up1.forward_act_with(backend, &x, &mut m1, LeakyRelu(0.1))
            .unwrap();
        up2.forward_act_with(backend, &m1, &mut m2, Relu).unwrap();
        dw.forward_act_with(backend, &m2, &mut want, Tanh).unwrap();

        let mut scratch = Three::SCRATCH;
        let mut y = [[f32::NAN; 3]; 98];
        three
            .forward_act_with(backend, &x, &mut scratch, &mut y, Tanh)
            .unwrap();
        assert_eq!(y, want, "{backend}: NLC chain");
        // The scratch holds the intermediate tensors.
        assert_eq!(scratch.0 .1, m1, "{backend}: first intermediate");
        assert_eq!(scratch.1, m2, "{backend}: second intermediate");

        // Channels first: the same numbers transposed (each layer's NCL pass is checked
        // against its NLC pass elsewhere; here, layer by layer in NCL).
        let mut n1 = [[f32::NAN; 48]; 5];
        let mut n2 = [[f32::NAN; 96]; 3];
        let mut want_ncl = [[f32::NAN; 98]; 3];
        up1.forward_ncl_act_with(backend, &x_ncl, &mut n1, LeakyRelu(0.1))
            .unwrap();
        up2.forward_ncl_act_with(backend, &n1, &mut n2, Relu)
            .unwrap();
        dw.forward_ncl_act_with(backend, &n2, &mut want_ncl, Tanh)
            .unwrap();
        let mut scratch = Three::SCRATCH;
        let mut y_ncl = [[f32::NAN; 98]; 3];
        three
            .forward_ncl_act_with(backend, &x_ncl, &mut scratch, &mut y_ncl, Tanh)
            .unwrap();
        assert_eq!(y_ncl, want_ncl, "{backend}: NCL chain");
    }

    // The default backend, without a final activation.
    let mut scratch = Three::SCRATCH;
    let mut y = [[f32::NAN; 3]; 98];
    three.forward(&x, &mut scratch, &mut y);
    let mut m1 = [[0.0; 5]; 48];
    let mut m2 = [[0.0; 3]; 96];
    let mut want = [[0.0; 3]; 98];
    up1.forward_act(&x, &mut m1, LeakyRelu(0.1));
    up2.forward_act(&m1, &mut m2, Relu);
    dw.forward(&m2, &mut want);
    assert_eq!(y, want);
}

#[test]
fn unavailable_backend_writes_nothing() {
    let up1 = Up1::from_torch(&[[[0.5; 8]; 5]; 6], None);
    let up2 = Up2::from_torch(&[[[0.5; 4]; 3]; 5], None);
    let net: Chain<_, _, _, 48, 5> = Chain::new(up1, Relu, up2);
    let bad = if cfg!(target_arch = "x86_64") {
        Backend::Neon
    } else {
        Backend::Avx2
    };
    let mut scratch = <Chain<Up1, Relu, Up2, 48, 5>>::SCRATCH;
    let mut y = [[7.0f32; 3]; 96];
    assert_eq!(
        net.forward_act_with(bad, &[[1.0; 6]; 12], &mut scratch, &mut y, Relu),
        Err(Error::BackendUnavailable { backend: bad })
    );
    assert!(y.iter().flatten().all(|&v| v == 7.0));
}

#[test]
fn q15_chain_is_exact_on_every_backend() {
    type A = ConvTranspose1d<40, 1, 1, 12, 3, 0, 1, 0, Q15>;
    type B = ConvTranspose1d<129, 1, 1, 6, 2, 2, 1, 0, Q15>;
    let mut rng = Rng::new(5);
    let q = |v: f64| Q15::from_f64(v);
    let a = A::from_torch(
        &[[core::array::from_fn(|_| q(rng.uniform() * 0.2))]],
        Some(&[q(0.01)]),
    );
    let b = B::from_torch(&[[core::array::from_fn(|_| q(rng.uniform() * 0.3))]], None);
    let net: Chain<&A, LeakyRelu, &B, 129, 1> = Chain::new(&a, LeakyRelu(0.25), &b);
    let x: [[Q15; 1]; 40] = core::array::from_fn(|_| [q(rng.uniform() * 0.9)]);
    let mut first = None;
    for backend in Backend::ALL {
        let mut mid = [[Q15::ZERO; 1]; 129];
        if a.forward_act_with(backend, &x, &mut mid, LeakyRelu(0.25))
            .is_err()
        {
            continue;
        }
        let mut want = [[Q15::MIN; 1]; B::OUT_LEN];
        b.forward_act_with(backend, &mid, &mut want, Tanh).unwrap();
        let mut scratch = <Chain<&A, LeakyRelu, &B, 129, 1>>::SCRATCH;
        let mut y = [[Q15::MIN; 1]; B::OUT_LEN];
        net.forward_act_with(backend, &x, &mut scratch, &mut y, Tanh)
            .unwrap();
        assert_eq!(y, want, "{backend}");
        match &first {
            None => first = Some(y),
            Some(f) => assert_eq!(f, &y, "{backend} differs from the portable kernel"),
        }
    }
}
