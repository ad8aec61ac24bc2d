//! A chain streamed block by block against the whole-signal chain, bit for bit, on every
//! backend: random splits of the input into pieces (many of one frame), stream layers of
//! other block lengths than the whole-signal ones (views of the same weights), padded,
//! causal and dilated layers, activations between the layers and after the last, `f32`
//! and `Q15`, and two signals in a row on one state.

mod common;

use common::{backends_for, Rng};
use conv_transpose::{
    chain, chunk_stream, Backend, Chain, CroppedConvTranspose1d, Element, Layer, LeakyRelu, Relu,
    StreamOf, Tanh, Q15,
};

/// Piece lengths adding up to `total`: a third of them one frame, the rest up to 9.
fn pieces(rng: &mut Rng, total: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut left = total;
    while left > 0 {
        let u = (rng.uniform() + 1.0) / 2.0;
        let n = if u < 0.33 { 1 } else { 1 + (u * 9.0) as usize };
        let n = n.min(left);
        out.push(n);
        left -= n;
    }
    out
}

trait Sample: Element {
    fn from_unit(v: f64) -> Self;
    fn backends() -> Vec<Backend>;
}

impl Sample for f32 {
    fn from_unit(v: f64) -> Self {
        v as f32
    }
    fn backends() -> Vec<Backend> {
        backends_for::<f32>()
    }
}

impl Sample for Q15 {
    fn from_unit(v: f64) -> Self {
        Q15::from_f64(v * 0.5)
    }
    fn backends() -> Vec<Backend> {
        // Q15 is exact: every backend this CPU runs it on, compared with the others.
        Backend::ALL
            .into_iter()
            .filter(|&b| {
                let probe = CroppedConvTranspose1d::<1, 1, 1, 1, 1, 1, 0, 0, 1, 0, Q15>::from_torch(
                    &[[[Q15::ZERO]]],
                    None,
                );
                probe
                    .forward_with(b, &[[Q15::ZERO]], &mut [[Q15::ZERO]])
                    .is_ok()
            })
            .collect()
    }
}

fn weights<T: Sample, const A: usize, const B: usize, const C: usize>(
    rng: &mut Rng,
    scale: f64,
) -> [[[T; C]; B]; A] {
    core::array::from_fn(|_| {
        core::array::from_fn(|_| core::array::from_fn(|_| T::from_unit(rng.uniform() * scale)))
    })
}

/// Streams `x` through `net` on `state` in random pieces, twice (the state must be ready
/// for a second signal), and checks both against `whole`'s output.
#[allow(clippy::too_many_arguments)]
fn check<T, N, St, G, const CI: usize, const CO: usize>(
    what: &str,
    net: &N,
    state: &mut St,
    x: &[[T; CI]],
    whole: &[[T; CO]],
    backend: Backend,
    act: G,
    seed: u64,
) where
    T: Sample,
    N: Streams<T, St, G, CI, CO>,
    G: conv_transpose::Activation,
{
    let mut rng = Rng::new(seed);
    for round in 0..2 {
        let mut got: Vec<[T; CO]> = Vec::new();
        let mut at = 0;
        for n in pieces(&mut rng, x.len()) {
            net.push(backend, state, &x[at..at + n], act, &mut got);
            at += n;
        }
        net.finish(backend, state, act, &mut got);
        assert_eq!(
            got.len(),
            whole.len(),
            "{what} round {round} on {backend}: frames"
        );
        assert!(
            got == whole,
            "{what} round {round} on {backend}: differs from the whole chain"
        );
    }
}

/// A chain and the state that streams it.
trait Streams<T, St, G, const CI: usize, const CO: usize> {
    fn push(&self, b: Backend, st: &mut St, x: &[[T; CI]], act: G, out: &mut Vec<[T; CO]>);
    fn finish(&self, b: Backend, st: &mut St, act: G, out: &mut Vec<[T; CO]>);
}

impl<T, A, F, B, St, G, const M: usize, const C: usize, const CI: usize, const CO: usize>
    Streams<T, St, G, CI, CO> for Chain<A, F, B, M, C>
where
    T: Sample,
    A: Layer<Elem = T>,
    F: conv_transpose::Activation,
    B: Layer<Elem = T>,
    St: StreamOf<Self>,
    G: conv_transpose::Activation,
{
    fn push(&self, b: Backend, st: &mut St, x: &[[T; CI]], act: G, out: &mut Vec<[T; CO]>) {
        self.push_act_with(b, st, x, act, |y| out.extend_from_slice(y))
            .unwrap();
    }
    fn finish(&self, b: Backend, st: &mut St, act: G, out: &mut Vec<[T; CO]>) {
        self.finish_act_with(b, st, act, |y| out.extend_from_slice(y))
            .unwrap();
    }
}

/// Two layers: 6 channels -> 4 (K = 8, S = 4, P = 2, with a bias) -> 2 (causal, K = 6,
/// S = 3, dilated by 1, grouped by 2), LeakyReLU between, `act` after.
macro_rules! two_layers {
    ($t:ty, $act:expr, $seed:expr) => {{
    type T = $t;
    let (act, seed) = ($act, $seed);
    type Up1<const L: usize, E> = CroppedConvTranspose1d<L, 6, 4, 4, 8, 4, 2, 2, 1, 0, E>;
    type Up2<const L: usize, E> = CroppedConvTranspose1d<L, 4, 2, 1, 6, 3, 0, 3, 1, 0, E>;
    const L: usize = 10;
    const MID: usize = Up1::<L, T>::OUT_LEN;
    let mut rng = Rng::new(seed);
    let up1 = Up1::<L, T>::from_torch(
        &weights::<T, 6, 4, 8>(&mut rng, 0.5),
        Some(&core::array::from_fn(|_| T::from_unit(rng.uniform() * 0.2))),
    );
    let up2 = Up2::<MID, T>::from_torch(&weights::<T, 4, 1, 6>(&mut rng, 0.5), None);
    let whole: chain!(&Up1<L, T>, LeakyRelu, &Up2<MID, T>) =
        Chain::new(&up1, LeakyRelu(0.1), &up2);
    let x: [[T; 6]; L] =
        core::array::from_fn(|_| core::array::from_fn(|_| T::from_unit(rng.uniform())));
    // Stream layers: blocks of 1 and of 3 frames (the first one's block output is 4, so
    // the second layer's blocks straddle them), and blocks of 2 and 8.
    for backend in T::backends() {
        let mut y = [[T::ZERO; 2]; Up2::<MID, T>::OUT_LEN];
        let mut scratch = <chain!(&Up1<L, T>, LeakyRelu, &Up2<MID, T>)>::SCRATCH;
        whole
            .forward_act_with(backend, &x, &mut scratch, &mut y, act)
            .unwrap();
        {
            let net: chain!(&Up1<1, T>, LeakyRelu, &Up2<3, T>) =
                Chain::for_streaming(up1.with_len::<1>(), LeakyRelu(0.1), up2.with_len::<3>());
            let mut state = (
                <chunk_stream!(Up1<1, T>)>::new(),
                <chunk_stream!(Up2<3, T>)>::new(),
            );
            check("blocks 1/3", &net, &mut state, &x, &y, backend, act, seed);
        }
        {
            let net: chain!(&Up1<2, T>, LeakyRelu, &Up2<8, T>) =
                Chain::for_streaming(up1.with_len::<2>(), LeakyRelu(0.1), up2.with_len::<8>());
            let mut state = (
                <chunk_stream!(Up1<2, T>)>::new(),
                <chunk_stream!(Up2<8, T>)>::new(),
            );
            check("blocks 2/8", &net, &mut state, &x, &y, backend, act, seed + 1);
        }
    }
    }};
}

#[test]
fn f32_two_layers() {
    two_layers!(f32, Tanh, 1);
    two_layers!(f32, conv_transpose::Identity, 2);
}

#[test]
fn q15_two_layers() {
    two_layers!(Q15, Relu, 3);
    two_layers!(Q15, LeakyRelu(0.25), 4);
}

/// Three layers as a nested chain, HiFi-GAN-like (16 -> 8 -> 4 -> 1 channels), the
/// stream one frame a block at the start.
#[test]
#[cfg_attr(
    miri,
    ignore = "the two-layer cases take the same paths; this one is slow under Miri"
)]
fn f32_three_layers_nested() {
    type U1<const L: usize> = CroppedConvTranspose1d<L, 16, 8, 8, 16, 8, 4, 4, 1, 0>;
    type U2<const L: usize> = CroppedConvTranspose1d<L, 8, 4, 4, 4, 2, 1, 1, 1, 0>;
    type U3<const L: usize> = CroppedConvTranspose1d<L, 4, 1, 1, 4, 2, 1, 1, 2, 1>;
    const L: usize = 6;
    const M1: usize = U1::<L>::OUT_LEN;
    const M2: usize = U2::<M1>::OUT_LEN;
    let mut rng = Rng::new(7);
    let u1 = U1::<L>::from_torch(&weights(&mut rng, 0.3), Some(&[0.05; 8]));
    let u2 = U2::<M1>::from_torch(&weights(&mut rng, 0.3), Some(&[-0.05; 4]));
    let u3 = U3::<M2>::from_torch(&weights(&mut rng, 0.3), None);
    // The whole chain holds copies of the layers (layers are `Copy`), so that its type
    // names no lifetime (the type macros cannot take one in an alias).
    type Inner = chain!(U1<L>, LeakyRelu, U2<M1>);
    let whole: chain!(Inner, LeakyRelu, U3<M2>) =
        Chain::new(Chain::new(u1, LeakyRelu(0.1), u2), LeakyRelu(0.1), u3);
    let x: [[f32; 16]; L] =
        core::array::from_fn(|_| core::array::from_fn(|_| rng.uniform() as f32));
    let stream: chain!(chain!(&U1<1>, LeakyRelu, &U2<8>), LeakyRelu, &U3<16>) =
        Chain::for_streaming(
            Chain::for_streaming(u1.with_len::<1>(), LeakyRelu(0.1), u2.with_len::<8>()),
            LeakyRelu(0.1),
            u3.with_len::<16>(),
        );
    for backend in backends_for::<f32>() {
        let mut y = [[0.0f32; 1]; U3::<M2>::OUT_LEN];
        let mut scratch = <chain!(Inner, LeakyRelu, U3<M2>)>::SCRATCH;
        whole
            .forward_act_with(backend, &x, &mut scratch, &mut y, Tanh)
            .unwrap();
        let mut state = (
            (<chunk_stream!(U1<1>)>::new(), <chunk_stream!(U2<8>)>::new()),
            <chunk_stream!(U3<16>)>::new(),
        );
        check(
            "three layers",
            &stream,
            &mut state,
            &x,
            &y,
            backend,
            Tanh,
            9,
        );
    }
}

/// An unavailable backend streams nothing and leaves the state as it was.
#[test]
fn unavailable_backend_touches_nothing() {
    type U<const L: usize> = CroppedConvTranspose1d<L, 1, 1, 1, 2, 2, 0, 0, 1, 0>;
    let u = U::<1>::from_torch(&[[[1.0, 0.5]]], None);
    let net: chain!(&U<1>, Relu, &U<2>) = Chain::for_streaming(&u, Relu, u.with_len::<2>());
    let mut state = (<chunk_stream!(U<1>)>::new(), <chunk_stream!(U<2>)>::new());
    let missing = Backend::ALL.into_iter().find(|b| !b.is_available());
    if let Some(b) = missing {
        let mut emitted = 0;
        let r = net.push_act_with(b, &mut state, &[[1.0f32]], Relu, |y: &[[f32; 1]]| {
            emitted += y.len()
        });
        assert!(r.is_err());
        assert_eq!(emitted, 0);
        assert_eq!(state.0.buffered(), 0);
    }
}
