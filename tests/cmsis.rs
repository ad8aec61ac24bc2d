//! Q15 and Q31 mono interpolation against CMSIS-DSP's own `arm_fir_interpolate_q15` /
//! `arm_fir_interpolate_q31`, bit for bit, on every backend that runs them.
//!
//! `tools/cmsis_golden.py` ran CMSIS-DSP (PyPI's `cmsisdsp`) over signals cut into several
//! blocks through one interpolator instance and wrote `tests/data/cmsis/<case>.txt`: the
//! taps (time order), the input and CMSIS's output. A CMSIS interpolator by `S` with taps
//! `b` is the mono layer `ConvTranspose1d<L, 1, 1, K, S, 0, 1, 0, T>` with weight `[[b]]`:
//! - streamed block by block with the files' block size (with `P = 0` each block writes
//!   exactly `L * S` frames), the concatenation is CMSIS's output;
//! - one `forward` over the whole signal gives it as the first `inputs * S` frames.
//!
//! The `q31_*_wrap` cases use full-scale inputs and taps, where CMSIS's `(q31_t)(sum >> 31)`
//! wraps: there the crate gives the file's `exact` line (the exact sum, saturated) and
//! differs from CMSIS in exactly `differs` frames.

use conv_transpose::{Backend, ConvTranspose1d, Element, Error, StreamState, Q15, Q31};

/// What the test needs of a fixed-point element.
trait Fixed: Element {
    const KIND: &'static str;
    fn from_raw(v: i64) -> Self;
    fn raw(self) -> i64;
}

impl Fixed for Q15 {
    const KIND: &'static str = "q15";
    fn from_raw(v: i64) -> Self {
        Q15::from_bits(i16::try_from(v).expect("a Q15 sample"))
    }
    fn raw(self) -> i64 {
        self.to_bits().into()
    }
}

impl Fixed for Q31 {
    const KIND: &'static str = "q31";
    fn from_raw(v: i64) -> Self {
        Q31::from_bits(i32::try_from(v).expect("a Q31 sample"))
    }
    fn raw(self) -> i64 {
        self.to_bits().into()
    }
}

/// One file of `tests/data/cmsis`.
#[derive(Default)]
struct Golden {
    kind: String,
    stride: usize,
    block: usize,
    taps: Vec<i64>,
    input: Vec<i64>,
    output: Vec<i64>,
    exact: Option<Vec<i64>>,
    differs: Option<usize>,
}

fn parse(name: &str, text: &str) -> Golden {
    let mut g = Golden::default();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let mut words = line.split_whitespace();
        let key = words.next().unwrap();
        let ints = |words: core::str::SplitWhitespace| -> Vec<i64> {
            words
                .map(|w| {
                    w.parse()
                        .unwrap_or_else(|e| panic!("{name}: {key}: {w:?}: {e}"))
                })
                .collect()
        };
        let one = |words: core::str::SplitWhitespace| -> usize {
            let v = ints(words);
            assert_eq!(v.len(), 1, "{name}: {key} takes one value");
            v[0] as usize
        };
        match key {
            "type" => g.kind = words.next().unwrap().to_owned(),
            "stride" => g.stride = one(words),
            "block" => g.block = one(words),
            "taps" => g.taps = ints(words),
            "input" => g.input = ints(words),
            "output" => g.output = ints(words),
            "exact" => g.exact = Some(ints(words)),
            "differs" => g.differs = Some(one(words)),
            _ => panic!("{name}: unknown line {key:?}"),
        }
    }
    g
}

fn raw<T: Fixed>(y: &[[T; 1]]) -> Vec<i64> {
    y.iter().map(|f| f[0].raw()).collect()
}

/// The first frame where `got` and `want` differ, for the failure message.
fn first_diff(got: &[i64], want: &[i64]) -> String {
    match got.iter().zip(want).position(|(a, b)| a != b) {
        Some(i) => format!("frame {i}: got {}, want {}", got[i], want[i]),
        None => format!("lengths {} and {}", got.len(), want.len()),
    }
}

/// `BL`: the file's block size, `N = BL * S`, `FR`: the block layer's `STREAM_FRAMES`;
/// `WL`: all inputs, `WN`: the whole layer's `OUT_LEN`.
fn check<
    T: Fixed,
    const K: usize,
    const S: usize,
    const BL: usize,
    const N: usize,
    const FR: usize,
    const WL: usize,
    const WN: usize,
>(
    name: &str,
    text: &str,
) {
    type Layer<const L: usize, const K: usize, const S: usize, T> =
        ConvTranspose1d<L, 1, 1, K, S, 0, 1, 0, T>;

    let g = parse(name, text);
    assert_eq!(g.kind, T::KIND, "{name}: type");
    assert_eq!(g.stride, S, "{name}: stride");
    assert_eq!(g.block, BL, "{name}: block");
    assert_eq!(g.taps.len(), K, "{name}: taps");
    assert_eq!(g.input.len(), WL, "{name}: inputs");
    assert_eq!(g.output.len(), WL * S, "{name}: outputs");
    assert_eq!(N, BL * S);
    assert_eq!(WL % BL, 0, "{name}: whole blocks");
    // CMSIS writes `L * S` outputs for `L` inputs; they are the layer's first `L * S`
    // frames only if its full output is at least that long.
    assert!(K >= S);
    let want = match (&g.exact, g.differs) {
        (Some(exact), Some(differs)) => {
            assert_eq!(exact.len(), g.output.len(), "{name}: exact");
            let n = exact.iter().zip(&g.output).filter(|(a, b)| a != b).count();
            assert_eq!(n, differs, "{name}: frames where CMSIS wraps");
            assert!(n > 0, "{name}: a wrap case where CMSIS does not wrap");
            exact.clone()
        }
        (None, None) => g.output.clone(),
        _ => panic!("{name}: `exact` and `differs` go together"),
    };

    let w: [[[T; K]; 1]; 1] = [[core::array::from_fn(|k| T::from_raw(g.taps[k]))]];
    let block = Layer::<BL, K, S, T>::from_torch(&w, None);
    let whole = Layer::<WL, K, S, T>::from_torch(&w, None);
    let x: Vec<[T; 1]> = g.input.iter().map(|&v| [T::from_raw(v)]).collect();
    let xw: &[[T; 1]; WL] = x.as_slice().try_into().unwrap();
    // The value every output buffer starts with: a frame a backend counts but never
    // writes fails, unless the wanted value happens to be this one there.
    let poison = T::from_raw(0x55);

    let mut ran = Vec::new();
    for backend in Backend::ALL.into_iter().filter(|b| b.is_available()) {
        // Streaming, block by block, one state.
        let mut state = StreamState::<T, 1, FR>::new();
        let mut streamed = Vec::with_capacity(WL * S);
        let mut available = true;
        for xb in x.chunks_exact(BL) {
            let xb: &[[T; 1]; BL] = xb.try_into().unwrap();
            let mut y = [[poison; 1]; N];
            match block.process_with(backend, &mut state, xb, &mut y) {
                Ok(n) => {
                    assert_eq!(n, N, "{name} {backend}: frames per block");
                    streamed.extend_from_slice(&y);
                }
                Err(Error::BackendUnavailable { .. }) => {
                    available = false;
                    break;
                }
                Err(e) => panic!("{name} {backend}: {e}"),
            }
        }
        // One forward over the whole signal.
        let mut y = vec![[poison; 1]; WN];
        let yw: &mut [[T; 1]; WN] = y.as_mut_slice().try_into().unwrap();
        match whole.forward_with(backend, xw, yw) {
            Ok(()) => assert!(
                available,
                "{name} {backend}: forward runs, process does not"
            ),
            Err(Error::BackendUnavailable { .. }) => {
                assert!(
                    !available,
                    "{name} {backend}: process runs, forward does not"
                );
                assert_ne!(
                    backend,
                    Backend::Scalar,
                    "{name}: the scalar backend runs all"
                );
                continue;
            }
            Err(e) => panic!("{name} {backend}: {e}"),
        }
        let streamed = raw(&streamed);
        assert!(
            streamed == want,
            "{name} {backend}: streamed: {}",
            first_diff(&streamed, &want)
        );
        let forward = raw(&y[..WL * S]);
        assert!(
            forward == want,
            "{name} {backend}: forward: {}",
            first_diff(&forward, &want)
        );
        if g.exact.is_some() {
            assert_ne!(
                streamed, g.output,
                "{name} {backend}: CMSIS wraps, we saturate"
            );
        }
        ran.push(backend);
    }
    assert!(ran.contains(&Backend::Scalar), "{name}: ran on {ran:?}");
}

/// One test per file: `name: T, K, S, block, inputs`; the constants must match the
/// file's header (checked).
macro_rules! cmsis {
    ($($name:ident: $t:ty, $k:literal, $s:literal, $bl:literal, $wl:literal;)*) => {$(
        #[test]
        fn $name() {
            check::<
                $t,
                $k,
                $s,
                $bl,
                { $bl * $s },
                { ConvTranspose1d::<$bl, 1, 1, $k, $s, 0, 1, 0, $t>::STREAM_FRAMES },
                $wl,
                { ConvTranspose1d::<$wl, 1, 1, $k, $s, 0, 1, 0, $t>::OUT_LEN },
            >(
                stringify!($name),
                include_str!(concat!("data/cmsis/", stringify!($name), ".txt")),
            );
        }
    )*};
}

cmsis! {
    q15_up2_kaiser: Q15, 32, 2, 160, 800;
    q15_up2_random: Q15, 32, 2, 160, 800;
    q15_up3_kaiser: Q15, 48, 3, 160, 640;
    q15_up3_random: Q15, 48, 3, 160, 640;
    q15_up4_kaiser: Q15, 64, 4, 160, 640;
    q15_up4_random: Q15, 64, 4, 160, 960;
    q15_up5_k25: Q15, 25, 5, 64, 320;
    q15_up1_fir: Q15, 16, 1, 100, 400;
    q31_up2_kaiser_scaled: Q31, 32, 2, 160, 800;
    q31_up3_random_scaled: Q31, 48, 3, 160, 640;
    q31_up2_wrap: Q31, 32, 2, 160, 640;
    q31_up3_wrap: Q31, 48, 3, 160, 640;
}
