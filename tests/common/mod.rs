//! Test helpers: a seeded generator, the f64 oracle, layout conversions, and one check
//! that runs every constructor and tensor layout of a layer against a reference.
#![allow(dead_code)] // each test crate uses a different part of this module

use std::boxed::Box;
use std::mem::MaybeUninit;
use std::vec::Vec;

use conv_transpose::{Backend, CroppedConvTranspose1d, Element, Geometry, GroupedConvTranspose1d};
use num_traits::float::FloatCore;
use num_traits::AsPrimitive;

/// xorshift64*: deterministic, seedable, no dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// Uniform in [-1, 1).
    pub fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let bits = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
        bits as f64 / (1u64 << 52) as f64 - 1.0
    }

    pub fn vec(&mut self, n: usize) -> Vec<f64> {
        (0..n).map(|_| self.uniform()).collect()
    }
}

/// What the oracle knows of each output: its value, the sum of the magnitudes of the
/// terms that make it (bias included), and how many products it sums.
pub struct Reference {
    pub y: Vec<f64>,
    pub magnitude: Vec<f64>,
    pub terms: Vec<usize>,
}

/// The definition, scattered as written: `full[i*S + k*D][co] += x[i][ci] * w[ci][co_g][k]`
/// for `ci` and `co` in the same group, then crop `P`, add the bias. f64 throughout.
///
/// `x` is NLC (`L * CIN`), `w` PyTorch's `(CIN, COUT/G, K)`, and the result NLC.
pub fn oracle(g: &Geometry, x: &[f64], w: &[f64], bias: Option<&[f64]>) -> Reference {
    let (cin, cout) = (g.in_channels, g.out_channels);
    let (cin_g, cout_g) = (cin / g.groups, cout / g.groups);
    assert_eq!(x.len(), g.len_in * cin);
    assert_eq!(w.len(), cin * cout_g * g.kernel);
    let len_out = g.len_out().expect("valid geometry");
    let full_len = len_out + g.padding + g.padding_right;
    let mut full = vec![0.0; full_len * cout];
    let mut magnitude = vec![0.0; full_len * cout];
    let mut terms = vec![0usize; full_len * cout];
    for i in 0..g.len_in {
        for ci in 0..cin {
            let grp = ci / cin_g;
            for j in 0..cout_g {
                let co = grp * cout_g + j;
                for k in 0..g.kernel {
                    let m = i * g.stride + k * g.dilation;
                    let p = x[i * cin + ci] * w[(ci * cout_g + j) * g.kernel + k];
                    full[m * cout + co] += p;
                    magnitude[m * cout + co] += p.abs();
                    terms[m * cout + co] += 1;
                }
            }
        }
    }
    let mut r = Reference {
        y: vec![],
        magnitude: vec![],
        terms: vec![],
    };
    for n in 0..len_out {
        for co in 0..cout {
            let m = (n + g.padding) * cout + co;
            let b = bias.map_or(0.0, |b| b[co]);
            r.y.push(full[m] + b);
            r.magnitude.push(magnitude[m] + b.abs());
            r.terms.push(terms[m]);
        }
    }
    r
}

/// Rounds to the element type and back, so the reference sees exactly the test's inputs.
pub fn round_to<T>(v: &[f64]) -> Vec<f64>
where
    T: Copy + AsPrimitive<f64>,
    f64: AsPrimitive<T>,
{
    v.iter().map(|&a| AsPrimitive::<T>::as_(a).as_()).collect()
}

/// Asserts `got` (flat NLC) is within the rounding bound of the reference.
///
/// Tolerance: an output sums `n` products and a bias. Each product and each addition
/// rounds once, so the computed value differs from the exact one by at most about
/// `(n + 1) * u * sum(|terms|)`, with `u` the unit roundoff of the element type
/// (2^-24 for f32, 2^-53 for f64). We allow `2 * (n + 2) * u * sum(|terms|)`: the
/// factor 2 covers the reference's own rounding (f64), and `n + 2` a margin for the
/// bias. This bound cannot fail by bad luck. A wrong or missing term of average size,
/// `sum(|terms|) / n`, exceeds it whenever `2 * (n + 2)^2 * u < 1` (`n` up to 2800 in
/// f32, more than any case here has); a term much smaller than average can hide, but
/// with random data across many outputs a systematic error cannot. An output that
/// nothing reaches must be within `4u|b|` of its bias, and an output left unwritten (the
/// buffers are pre-filled with NaN) fails.
pub fn assert_close<T>(what: &str, got: &[T], reference: &Reference)
where
    T: Element + FloatCore + AsPrimitive<f64>,
{
    assert_eq!(got.len(), reference.y.len(), "{what}: length");
    let u = T::epsilon().as_() / 2.0;
    for (idx, (&g, &want)) in got.iter().zip(&reference.y).enumerate() {
        let g: f64 = g.as_();
        let tol = 2.0 * (reference.terms[idx] as f64 + 2.0) * u * reference.magnitude[idx];
        let err = (g - want).abs();
        assert!(
            err <= tol,
            "{what}: output {idx} is {g}, reference {want} (error {err:e} > tolerance {tol:e}, {} terms)",
            reference.terms[idx]
        );
    }
}

/// A boxed 2-D array filled by `f`, built on the heap (large layers overflow the stack).
pub fn arr2<E: Copy, const A: usize, const B: usize>(
    f: impl Fn(usize, usize) -> E,
) -> Box<[[E; B]; A]> {
    let v: Vec<[E; B]> = (0..A).map(|a| core::array::from_fn(|b| f(a, b))).collect();
    v.into_boxed_slice()
        .try_into()
        .unwrap_or_else(|_| unreachable!())
}

/// A boxed 3-D array filled by `f`; rows of `B * C` elements pass through the stack.
pub fn arr3<E: Copy, const A: usize, const B: usize, const C: usize>(
    f: impl Fn(usize, usize, usize) -> E,
) -> Box<[[[E; C]; B]; A]> {
    let v: Vec<[[E; C]; B]> = (0..A)
        .map(|a| core::array::from_fn(|b| core::array::from_fn(|c| f(a, b, c))))
        .collect();
    v.into_boxed_slice()
        .try_into()
        .unwrap_or_else(|_| unreachable!())
}

/// `slot.write(make())`, in a frame of its own: a debug build reserves stack for every
/// by-value temporary of a function, called or not, so the caller must not hold these.
#[inline(never)]
fn write_with<V>(slot: &mut MaybeUninit<V>, make: impl FnOnce() -> V) -> &mut V {
    slot.write(make())
}

/// The variable that names the backends this machine must test, comma-separated
/// (`scalar,sse2,avx2,avx512`); CI sets it so that a missing one fails instead of being
/// skipped.
pub const EXPECT_VAR: &str = "CONV_TRANSPOSE_BACKENDS";

/// The backends to test: every one this CPU has, after checking that it has every one
/// [`EXPECT_VAR`] names.
pub fn backends() -> Vec<Backend> {
    if let Ok(list) = std::env::var(EXPECT_VAR) {
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let b: Backend = name
                .parse()
                .unwrap_or_else(|e| panic!("{EXPECT_VAR}: {name:?}: {e}"));
            assert!(
                b.is_available(),
                "{EXPECT_VAR} expects {b}, which this CPU lacks"
            );
        }
    }
    Backend::ALL
        .into_iter()
        .filter(|b| b.is_available())
        .collect()
}

/// The backends that run `T`: all of [`backends`] for `f32`, the scalar one for `f64`.
pub fn backends_for<T: 'static>() -> Vec<Backend> {
    if core::any::TypeId::of::<T>() == core::any::TypeId::of::<f32>() {
        backends()
    } else {
        vec![Backend::Scalar]
    }
}

/// A test case: inputs and the reference outputs, all flat f64.
pub struct Case {
    pub name: String,
    /// `batch` items of NLC input, `L * CIN` each.
    pub x: Vec<Vec<f64>>,
    /// PyTorch layout `(CIN, COUT/G, K)`.
    pub w: Vec<f64>,
    pub bias: Option<Vec<f64>>,
    /// One reference per batch item (NLC).
    pub reference: Vec<Reference>,
}

impl Case {
    /// Random inputs in [-1, 1) rounded to `T`, with the oracle as the reference.
    pub fn random<T>(g: &Geometry, batch: usize, with_bias: bool, seed: u64) -> Case
    where
        T: Copy + AsPrimitive<f64>,
        f64: AsPrimitive<T>,
    {
        let mut rng = Rng::new(seed);
        let cout_g = g.out_channels / g.groups;
        let w = round_to::<T>(&rng.vec(g.in_channels * cout_g * g.kernel));
        let bias = with_bias.then(|| round_to::<T>(&rng.vec(g.out_channels)));
        let x: Vec<Vec<f64>> = (0..batch)
            .map(|_| round_to::<T>(&rng.vec(g.len_in * g.in_channels)))
            .collect();
        let reference = x
            .iter()
            .map(|x| oracle(g, x, &w, bias.as_deref()))
            .collect();
        Case {
            name: format!("{g:?} bias={with_bias}"),
            x,
            w,
            bias,
            reference,
        }
    }
}

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

/// A file written by a golden script (tools/golden.py, tools/golden_cropped.py,
/// tools/max_golden.py): `tests/data/<dir>/<name>.bin` holds the channels-first input
/// `(B, CIN, L)`, the weight and bias in the element type (`width` bytes), then the
/// reference's result `(B, COUT, N)` in float64. Inputs and results come back NLC.
pub struct Golden {
    /// `batch` items of NLC input, `L * CIN` each.
    pub x: Vec<Vec<f64>>,
    /// The weight as the file has it (its script names the layout).
    pub w: Vec<f64>,
    pub bias: Option<Vec<f64>>,
    /// `batch` items of NLC result, `N * COUT` each.
    pub y: Vec<Vec<f64>>,
}

impl Golden {
    pub fn read(
        dir: &str,
        name: &str,
        g: &Geometry,
        batch: usize,
        width: usize,
        with_bias: bool,
    ) -> Golden {
        let (l, cin, cout) = (g.len_in, g.in_channels, g.out_channels);
        let n = g
            .len_out()
            .expect("a golden case's layer has an output length");
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(dir)
            .join(format!("{name}.bin"));
        let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let bytes = &mut &data[..];
        let x_ncl = take(bytes, batch * cin * l, width);
        let w = take(bytes, cin * g.out_per_group() * g.kernel, width);
        let bias = with_bias.then(|| take(bytes, cout, width));
        let y_ncl = take(bytes, batch * cout * n, 8);
        assert!(bytes.is_empty(), "{}: trailing bytes", path.display());
        let to_nlc = |t: &[f64], c: usize, len: usize| -> Vec<f64> {
            (0..len)
                .flat_map(|i| (0..c).map(move |ch| t[ch * len + i]))
                .collect()
        };
        Golden {
            x: (0..batch)
                .map(|b| to_nlc(&x_ncl[b * cin * l..][..cin * l], cin, l))
                .collect(),
            w,
            bias,
            y: (0..batch)
                .map(|b| to_nlc(&y_ncl[b * cout * n..][..cout * n], cout, n))
                .collect(),
        }
    }
}

impl Case {
    /// A case from a golden file whose weight is in PyTorch's layout and whose result is
    /// PyTorch's float64 one ([`Golden::read`]): that result becomes the reference, after
    /// the f64 oracle is held to the f64 rounding bound against it (so the oracle is
    /// checked too).
    pub fn golden(
        dir: &str,
        name: &str,
        g: &Geometry,
        batch: usize,
        width: usize,
        with_bias: bool,
    ) -> Case {
        let file = Golden::read(dir, name, g, batch, width, with_bias);
        let mut case = Case {
            name: name.into(),
            x: file.x,
            w: file.w,
            bias: file.bias,
            reference: vec![],
        };
        for (x, torch_y) in case.x.iter().zip(file.y) {
            let mut reference = oracle(g, x, &case.w, case.bias.as_deref());
            // The oracle sums in f64 too: it must agree with PyTorch to f64 rounding.
            let oracle_y = std::mem::replace(&mut reference.y, torch_y);
            assert_close::<f64>(&format!("{name} oracle vs torch"), &oracle_y, &reference);
            case.reference.push(reference);
        }
        case
    }
}

/// Runs every way of building the layer (PyTorch, MLX and MAX layouts; `const fn` and
/// in place) and every forward form (NLC, NCL, both batch forms) on the default backend,
/// then every form on every backend of [`backends_for`], each into a buffer pre-filled
/// with NaN, and compares each result with the case's reference.
///
/// `CI` is `CIN / G`, the last axis of the MLX and MAX weights.
/// [`check_cropped`] for a symmetric layer (PyTorch's padding `P` on both sides).
pub fn check_layer<
    const L: usize,
    const CIN: usize,
    const COUT: usize,
    const CG: usize,
    const CI: usize,
    const K: usize,
    const S: usize,
    const P: usize,
    const D: usize,
    const OP: usize,
    const N: usize,
    T,
>(
    case: &Case,
) where
    T: Element + FloatCore + AsPrimitive<f64>,
    f64: AsPrimitive<T>,
{
    check_cropped::<L, CIN, COUT, CG, CI, K, S, P, P, D, OP, N, T>(case);
}

pub fn check_cropped<
    const L: usize,
    const CIN: usize,
    const COUT: usize,
    const CG: usize,
    const CI: usize,
    const K: usize,
    const S: usize,
    const PL: usize,
    const PR: usize,
    const D: usize,
    const OP: usize,
    const N: usize,
    T,
>(
    case: &Case,
) where
    T: Element + FloatCore + AsPrimitive<f64>,
    f64: AsPrimitive<T>,
{
    type Layer<
        const L: usize,
        const CIN: usize,
        const COUT: usize,
        const CG: usize,
        const K: usize,
        const S: usize,
        const PL: usize,
        const PR: usize,
        const D: usize,
        const OP: usize,
        T,
    > = CroppedConvTranspose1d<L, CIN, COUT, CG, K, S, PL, PR, D, OP, T>;
    let g = Layer::<L, CIN, COUT, CG, K, S, PL, PR, D, OP, T>::GEOMETRY;
    assert_eq!(
        Layer::<L, CIN, COUT, CG, K, S, PL, PR, D, OP, T>::OUT_LEN,
        N
    );
    assert_eq!(g.in_channels / g.groups, CI);
    let t = |v: f64| -> T { v.as_() };
    let cin_g = CI;
    let torch = arr3::<T, CIN, CG, K>(|ci, j, k| t(case.w[(ci * CG + j) * K + k]));
    // MLX (COUT, K, CIN/G) and MAX (K, COUT, CIN/G): weight of output co, tap k, and
    // input channel c of co's group.
    let mlx = arr3::<T, COUT, K, CI>(|co, k, c| {
        let ci = co / CG * cin_g + c;
        t(case.w[(ci * CG + co % CG) * K + k])
    });
    let max = arr3::<T, K, COUT, CI>(|k, co, c| {
        let ci = co / CG * cin_g + c;
        t(case.w[(ci * CG + co % CG) * K + k])
    });
    let bias: Option<[T; COUT]> = case
        .bias
        .as_ref()
        .map(|b| core::array::from_fn(|co| t(b[co])));
    let bias = bias.as_ref();

    // The `const fn` constructors return the layer by value, through the stack: call them
    // at run time only for layers that fit it comfortably. Larger ones (megabytes) are
    // what the in-place constructors are for, and those run for every case.
    let by_value =
        core::mem::size_of::<Layer<L, CIN, COUT, CG, K, S, PL, PR, D, OP, T>>() <= 256 * 1024;
    let mut slots: Vec<Box<MaybeUninit<Layer<L, CIN, COUT, CG, K, S, PL, PR, D, OP, T>>>> =
        (0..6).map(|_| Box::new_uninit()).collect();
    let [s0, s1, s2, s3, s4, s5] = &mut slots[..] else {
        unreachable!()
    };
    let mut layers: Vec<(&str, &Layer<L, CIN, COUT, CG, K, S, PL, PR, D, OP, T>)> = vec![
        ("init_from_torch", Layer::init_from_torch(s3, &torch, bias)),
        ("init_from_mlx", Layer::init_from_mlx(s4, &mlx, bias)),
        ("init_from_max", Layer::init_from_max(s5, &max, bias)),
    ];
    #[cfg(feature = "std")]
    let boxed = [
        Layer::boxed_from_torch(&torch, bias),
        Layer::boxed_from_mlx(&mlx, bias),
        Layer::boxed_from_max(&max, bias),
    ];
    #[cfg(feature = "std")]
    layers.extend([
        ("boxed_from_torch", &*boxed[0]),
        ("boxed_from_mlx", &*boxed[1]),
        ("boxed_from_max", &*boxed[2]),
    ]);
    if by_value {
        layers.push((
            "from_torch",
            write_with(s0, || Layer::from_torch(&torch, bias)),
        ));
        layers.push(("from_mlx", write_with(s1, || Layer::from_mlx(&mlx, bias))));
        layers.push(("from_max", write_with(s2, || Layer::from_max(&max, bias))));
    }

    let default = layers[0].1.backend();
    let mut runs: Vec<(
        String,
        &Layer<L, CIN, COUT, CG, K, S, PL, PR, D, OP, T>,
        Backend,
    )> = layers
        .iter()
        .map(|&(how, layer)| (format!("{how} {default}"), layer, default))
        .collect();
    for b in backends_for::<T>() {
        runs.push((format!("init_from_torch {b}"), layers[0].1, b));
    }
    for (how, layer, backend) in runs {
        check_forms::<L, CIN, COUT, CG, K, S, PL, PR, D, OP, N, T>(case, &how, layer, backend);
    }
}

/// The layer from the case's PyTorch weights, built in place on the heap.
pub fn torch_layer<
    const L: usize,
    const CIN: usize,
    const COUT: usize,
    const CG: usize,
    const K: usize,
    const S: usize,
    const P: usize,
    const D: usize,
    const OP: usize,
    T,
>(
    case: &Case,
) -> Box<GroupedConvTranspose1d<L, CIN, COUT, CG, K, S, P, D, OP, T>>
where
    T: Element + FloatCore + AsPrimitive<f64>,
    f64: AsPrimitive<T>,
{
    torch_cropped::<L, CIN, COUT, CG, K, S, P, P, D, OP, T>(case)
}

/// The layer with crops `PL`, `PR` from the case's PyTorch weights, built in place on
/// the heap.
pub fn torch_cropped<
    const L: usize,
    const CIN: usize,
    const COUT: usize,
    const CG: usize,
    const K: usize,
    const S: usize,
    const PL: usize,
    const PR: usize,
    const D: usize,
    const OP: usize,
    T,
>(
    case: &Case,
) -> Box<CroppedConvTranspose1d<L, CIN, COUT, CG, K, S, PL, PR, D, OP, T>>
where
    T: Element + FloatCore + AsPrimitive<f64>,
    f64: AsPrimitive<T>,
{
    let torch = arr3::<T, CIN, CG, K>(|ci, j, k| case.w[(ci * CG + j) * K + k].as_());
    let bias: Option<[T; COUT]> = case
        .bias
        .as_ref()
        .map(|b| core::array::from_fn(|co| b[co].as_()));
    let mut slot = Box::new_uninit();
    CroppedConvTranspose1d::init_from_torch(&mut slot, &torch, bias.as_ref());
    // SAFETY: `init_from_torch` initialised the slot.
    unsafe { slot.assume_init() }
}

/// Every forward form (NLC, NCL, both batch forms) of `layer` on `backend`, each into a
/// buffer pre-filled with NaN, against the case's reference.
pub fn check_forms<
    const L: usize,
    const CIN: usize,
    const COUT: usize,
    const CG: usize,
    const K: usize,
    const S: usize,
    const PL: usize,
    const PR: usize,
    const D: usize,
    const OP: usize,
    const N: usize,
    T,
>(
    case: &Case,
    how: &str,
    layer: &CroppedConvTranspose1d<L, CIN, COUT, CG, K, S, PL, PR, D, OP, T>,
    backend: Backend,
) where
    T: Element + FloatCore + AsPrimitive<f64>,
    f64: AsPrimitive<T>,
{
    let t = |v: f64| -> T { v.as_() };
    let xs_nlc: Vec<Box<[[T; CIN]; L]>> = case
        .x
        .iter()
        .map(|x| arr2::<T, L, CIN>(|i, c| t(x[i * CIN + c])))
        .collect();
    let xs_ncl: Vec<Box<[[T; L]; CIN]>> = case
        .x
        .iter()
        .map(|x| arr2::<T, CIN, L>(|c, i| t(x[i * CIN + c])))
        .collect();
    let nan = T::nan();
    {
        for (b, reference) in case.reference.iter().enumerate() {
            let what = format!("{} {how} item {b}", case.name);
            let mut y = arr2::<T, N, COUT>(|_, _| nan);
            layer.forward_with(backend, &xs_nlc[b], &mut y).unwrap();
            assert_close(&format!("{what} NLC"), y.as_flattened(), reference);

            let mut y = arr2::<T, COUT, N>(|_, _| nan);
            layer.forward_ncl_with(backend, &xs_ncl[b], &mut y).unwrap();
            let nlc: Vec<T> = (0..N)
                .flat_map(|n| (0..COUT).map(move |c| (n, c)))
                .map(|(n, c)| y[c][n])
                .collect();
            assert_close(&format!("{what} NCL"), &nlc, reference);
        }
        // Batch forms, every item at once.
        let xb: Vec<[[T; CIN]; L]> = xs_nlc.iter().map(|x| **x).collect();
        let mut yb: Vec<[[T; COUT]; N]> = vec![[[nan; COUT]; N]; xb.len()];
        layer.forward_batch_with(backend, &xb, &mut yb).unwrap();
        for (b, reference) in case.reference.iter().enumerate() {
            assert_close(
                &format!("{} {how} batch item {b}", case.name),
                yb[b].as_flattened(),
                reference,
            );
        }
        let xb: Vec<[[T; L]; CIN]> = xs_ncl.iter().map(|x| **x).collect();
        let mut yb: Vec<[[T; N]; COUT]> = vec![[[nan; N]; COUT]; xb.len()];
        layer.forward_batch_ncl_with(backend, &xb, &mut yb).unwrap();
        for (b, reference) in case.reference.iter().enumerate() {
            let nlc: Vec<T> = (0..N)
                .flat_map(|n| (0..COUT).map(move |c| (n, c)))
                .map(|(n, c)| yb[b][c][n])
                .collect();
            assert_close(
                &format!("{} {how} batch NCL item {b}", case.name),
                &nlc,
                reference,
            );
        }
    }
}
