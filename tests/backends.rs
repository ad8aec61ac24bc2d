//! Every backend against the f64 oracle over a generated matrix of shapes chosen to reach
//! every tail of the SIMD kernels: lengths around multiples of 4, 8 and 16 lanes and of
//! the blocks, strides 1 to 9, kernels shorter than the stride, dilation, padding,
//! output padding, channel counts around multiples of 4, 8 and 16, depthwise streams of
//! 2 to 16 channels, groups, and layers that fall back from one kernel to the other.
//! Outputs start as NaN, so an element a kernel leaves unwritten fails.
//!
//! Set `CONV_TRANSPOSE_BACKENDS` (e.g. `scalar,sse2,avx2,avx512`) to make a backend this
//! machine lacks a failure rather than a skip.

mod common;

use common::{backends, check_forms, torch_cropped, Case};
use conv_transpose::{Backend, CroppedConvTranspose1d};

macro_rules! matrix {
    ($($name:ident: L=$l:literal CIN=$cin:literal COUT=$cout:literal COUT_G=$cg:literal CI=$ci:literal
        K=$k:literal S=$s:literal P=$p:literal D=$d:literal OP=$op:literal;)*) => {$(
        cropped! {
            $name: L=$l CIN=$cin COUT=$cout COUT_G=$cg CI=$ci K=$k S=$s PL=$p PR=$p D=$d OP=$op;
        }
    )*};
}

macro_rules! cropped {
    ($($name:ident: L=$l:literal CIN=$cin:literal COUT=$cout:literal COUT_G=$cg:literal CI=$ci:literal
        K=$k:literal S=$s:literal PL=$pl:literal PR=$pr:literal D=$d:literal OP=$op:literal;)*) => {$(
        #[test]
        fn $name() {
            type Layer = CroppedConvTranspose1d<$l, $cin, $cout, $cg, $k, $s, $pl, $pr, $d, $op, f32>;
            for (bias, seed) in [(true, 21u64), (false, 22)] {
                let case = Case::random::<f32>(&Layer::GEOMETRY, 2, bias, seed);
                let layer = torch_cropped::<$l, $cin, $cout, $cg, $k, $s, $pl, $pr, $d, $op, f32>(&case);
                for b in backends() {
                    check_forms::<$l, $cin, $cout, $cg, $k, $s, $pl, $pr, $d, $op, { Layer::OUT_LEN }, f32>(
                        &case, stringify!($name), &layer, b,
                    );
                }
            }
        }
    )*};
}

matrix! {
    mono_s1_l1_k2: L=1 CIN=1 COUT=1 COUT_G=1 CI=1 K=2 S=1 P=0 D=1 OP=0;
    mono_s3_k145_demo: L=300 CIN=1 COUT=1 COUT_G=1 CI=1 K=145 S=3 P=72 D=1 OP=2;
    mono_s1_l15_k1: L=15 CIN=1 COUT=1 COUT_G=1 CI=1 K=1 S=1 P=0 D=1 OP=0;
    mono_s1_l17_k4: L=17 CIN=1 COUT=1 COUT_G=1 CI=1 K=4 S=1 P=0 D=1 OP=0;
    mono_s1_l33_k4: L=33 CIN=1 COUT=1 COUT_G=1 CI=1 K=4 S=1 P=0 D=1 OP=0;
    mono_s1_l130_k2: L=130 CIN=1 COUT=1 COUT_G=1 CI=1 K=2 S=1 P=0 D=1 OP=0;
    mono_s2_l1_k4: L=1 CIN=1 COUT=1 COUT_G=1 CI=1 K=4 S=2 P=0 D=1 OP=0;
    mono_s2_l15_k2: L=15 CIN=1 COUT=1 COUT_G=1 CI=1 K=2 S=2 P=0 D=1 OP=0;
    mono_s2_l17_k8: L=17 CIN=1 COUT=1 COUT_G=1 CI=1 K=8 S=2 P=0 D=1 OP=0;
    mono_s2_l33_k7: L=33 CIN=1 COUT=1 COUT_G=1 CI=1 K=7 S=2 P=0 D=1 OP=0;
    mono_s2_l130_k4: L=130 CIN=1 COUT=1 COUT_G=1 CI=1 K=4 S=2 P=0 D=1 OP=0;
    mono_s2_k_below_s: L=40 CIN=1 COUT=1 COUT_G=1 CI=1 K=1 S=2 P=0 D=1 OP=0;
    mono_s3_l1_k6: L=1 CIN=1 COUT=1 COUT_G=1 CI=1 K=6 S=3 P=0 D=1 OP=0;
    mono_s3_l15_k3: L=15 CIN=1 COUT=1 COUT_G=1 CI=1 K=3 S=3 P=0 D=1 OP=0;
    mono_s3_l17_k12: L=17 CIN=1 COUT=1 COUT_G=1 CI=1 K=12 S=3 P=0 D=1 OP=0;
    mono_s3_l33_k10: L=33 CIN=1 COUT=1 COUT_G=1 CI=1 K=10 S=3 P=0 D=1 OP=0;
    mono_s3_l130_k6: L=130 CIN=1 COUT=1 COUT_G=1 CI=1 K=6 S=3 P=0 D=1 OP=0;
    mono_s3_k_below_s: L=40 CIN=1 COUT=1 COUT_G=1 CI=1 K=2 S=3 P=0 D=1 OP=0;
    mono_s4_l1_k8: L=1 CIN=1 COUT=1 COUT_G=1 CI=1 K=8 S=4 P=0 D=1 OP=0;
    mono_s4_l15_k4: L=15 CIN=1 COUT=1 COUT_G=1 CI=1 K=4 S=4 P=0 D=1 OP=0;
    mono_s4_l17_k16: L=17 CIN=1 COUT=1 COUT_G=1 CI=1 K=16 S=4 P=0 D=1 OP=0;
    mono_s4_l33_k13: L=33 CIN=1 COUT=1 COUT_G=1 CI=1 K=13 S=4 P=0 D=1 OP=0;
    mono_s4_l130_k8: L=130 CIN=1 COUT=1 COUT_G=1 CI=1 K=8 S=4 P=0 D=1 OP=0;
    mono_s4_k_below_s: L=40 CIN=1 COUT=1 COUT_G=1 CI=1 K=3 S=4 P=0 D=1 OP=0;
    mono_s5_l1_k10: L=1 CIN=1 COUT=1 COUT_G=1 CI=1 K=10 S=5 P=0 D=1 OP=0;
    mono_s5_l15_k5: L=15 CIN=1 COUT=1 COUT_G=1 CI=1 K=5 S=5 P=0 D=1 OP=0;
    mono_s5_l17_k20: L=17 CIN=1 COUT=1 COUT_G=1 CI=1 K=20 S=5 P=0 D=1 OP=0;
    mono_s5_l33_k16: L=33 CIN=1 COUT=1 COUT_G=1 CI=1 K=16 S=5 P=0 D=1 OP=0;
    mono_s5_l130_k10: L=130 CIN=1 COUT=1 COUT_G=1 CI=1 K=10 S=5 P=0 D=1 OP=0;
    mono_s5_k_below_s: L=40 CIN=1 COUT=1 COUT_G=1 CI=1 K=4 S=5 P=0 D=1 OP=0;
    mono_s6_l1_k12: L=1 CIN=1 COUT=1 COUT_G=1 CI=1 K=12 S=6 P=0 D=1 OP=0;
    mono_s6_l15_k6: L=15 CIN=1 COUT=1 COUT_G=1 CI=1 K=6 S=6 P=0 D=1 OP=0;
    mono_s6_l17_k24: L=17 CIN=1 COUT=1 COUT_G=1 CI=1 K=24 S=6 P=0 D=1 OP=0;
    mono_s6_l33_k19: L=33 CIN=1 COUT=1 COUT_G=1 CI=1 K=19 S=6 P=0 D=1 OP=0;
    mono_s6_l130_k12: L=130 CIN=1 COUT=1 COUT_G=1 CI=1 K=12 S=6 P=0 D=1 OP=0;
    mono_s6_k_below_s: L=40 CIN=1 COUT=1 COUT_G=1 CI=1 K=5 S=6 P=0 D=1 OP=0;
    mono_s7_l1_k14: L=1 CIN=1 COUT=1 COUT_G=1 CI=1 K=14 S=7 P=0 D=1 OP=0;
    mono_s7_l15_k7: L=15 CIN=1 COUT=1 COUT_G=1 CI=1 K=7 S=7 P=0 D=1 OP=0;
    mono_s7_l17_k28: L=17 CIN=1 COUT=1 COUT_G=1 CI=1 K=28 S=7 P=0 D=1 OP=0;
    mono_s7_l33_k22: L=33 CIN=1 COUT=1 COUT_G=1 CI=1 K=22 S=7 P=0 D=1 OP=0;
    mono_s7_l130_k14: L=130 CIN=1 COUT=1 COUT_G=1 CI=1 K=14 S=7 P=0 D=1 OP=0;
    mono_s7_k_below_s: L=40 CIN=1 COUT=1 COUT_G=1 CI=1 K=6 S=7 P=0 D=1 OP=0;
    mono_s8_l1_k16: L=1 CIN=1 COUT=1 COUT_G=1 CI=1 K=16 S=8 P=0 D=1 OP=0;
    mono_s8_l15_k8: L=15 CIN=1 COUT=1 COUT_G=1 CI=1 K=8 S=8 P=0 D=1 OP=0;
    mono_s8_l17_k32: L=17 CIN=1 COUT=1 COUT_G=1 CI=1 K=32 S=8 P=0 D=1 OP=0;
    mono_s8_l33_k25: L=33 CIN=1 COUT=1 COUT_G=1 CI=1 K=25 S=8 P=0 D=1 OP=0;
    mono_s8_l130_k16: L=130 CIN=1 COUT=1 COUT_G=1 CI=1 K=16 S=8 P=0 D=1 OP=0;
    mono_s8_k_below_s: L=40 CIN=1 COUT=1 COUT_G=1 CI=1 K=7 S=8 P=0 D=1 OP=0;
    mono_x2_pad: L=257 CIN=1 COUT=1 COUT_G=1 CI=1 K=32 S=2 P=15 D=1 OP=1;
    mono_x3_pad: L=160 CIN=1 COUT=1 COUT_G=1 CI=1 K=48 S=3 P=24 D=1 OP=2;
    mono_x4_pad: L=100 CIN=1 COUT=1 COUT_G=1 CI=1 K=64 S=4 P=30 D=1 OP=3;
    mono_s1_long: L=300 CIN=1 COUT=1 COUT_G=1 CI=1 K=9 S=1 P=4 D=1 OP=0;
    mono_dil2: L=70 CIN=1 COUT=1 COUT_G=1 CI=1 K=7 S=2 P=3 D=2 OP=1;
    mono_dil3_s2: L=70 CIN=1 COUT=1 COUT_G=1 CI=1 K=6 S=2 P=1 D=3 OP=2;
    mono_dil4_s4: L=70 CIN=1 COUT=1 COUT_G=1 CI=1 K=5 S=4 P=0 D=4 OP=3;
    mono_dil5_s3: L=70 CIN=1 COUT=1 COUT_G=1 CI=1 K=5 S=3 P=2 D=5 OP=4;
    mono_crop_deep: L=40 CIN=1 COUT=1 COUT_G=1 CI=1 K=8 S=2 P=20 D=1 OP=0;
    mono_k200: L=40 CIN=1 COUT=1 COUT_G=1 CI=1 K=200 S=2 P=0 D=1 OP=0;
    mono_s9: L=40 CIN=1 COUT=1 COUT_G=1 CI=1 K=18 S=9 P=4 D=1 OP=8;
    dw2_s2_k32: L=70 CIN=2 COUT=2 COUT_G=1 CI=1 K=32 S=2 P=0 D=1 OP=0;
    dw2_s3_k9: L=41 CIN=2 COUT=2 COUT_G=1 CI=1 K=9 S=3 P=4 D=1 OP=2;
    dw2_s4_k16: L=37 CIN=2 COUT=2 COUT_G=1 CI=1 K=16 S=4 P=2 D=1 OP=1;
    dw3_s2_k32: L=70 CIN=3 COUT=3 COUT_G=1 CI=1 K=32 S=2 P=0 D=1 OP=0;
    dw3_s3_k9: L=41 CIN=3 COUT=3 COUT_G=1 CI=1 K=9 S=3 P=4 D=1 OP=2;
    dw3_s4_k16: L=37 CIN=3 COUT=3 COUT_G=1 CI=1 K=16 S=4 P=2 D=1 OP=1;
    dw4_s2_k32: L=70 CIN=4 COUT=4 COUT_G=1 CI=1 K=32 S=2 P=0 D=1 OP=0;
    dw4_s3_k9: L=41 CIN=4 COUT=4 COUT_G=1 CI=1 K=9 S=3 P=4 D=1 OP=2;
    dw4_s4_k16: L=37 CIN=4 COUT=4 COUT_G=1 CI=1 K=16 S=4 P=2 D=1 OP=1;
    dw5_s2_k32: L=70 CIN=5 COUT=5 COUT_G=1 CI=1 K=32 S=2 P=0 D=1 OP=0;
    dw5_s3_k9: L=41 CIN=5 COUT=5 COUT_G=1 CI=1 K=9 S=3 P=4 D=1 OP=2;
    dw5_s4_k16: L=37 CIN=5 COUT=5 COUT_G=1 CI=1 K=16 S=4 P=2 D=1 OP=1;
    dw8_s2_k32: L=70 CIN=8 COUT=8 COUT_G=1 CI=1 K=32 S=2 P=0 D=1 OP=0;
    dw8_s3_k9: L=41 CIN=8 COUT=8 COUT_G=1 CI=1 K=9 S=3 P=4 D=1 OP=2;
    dw8_s4_k16: L=37 CIN=8 COUT=8 COUT_G=1 CI=1 K=16 S=4 P=2 D=1 OP=1;
    dw16_s2_k32: L=70 CIN=16 COUT=16 COUT_G=1 CI=1 K=32 S=2 P=0 D=1 OP=0;
    dw16_s3_k9: L=41 CIN=16 COUT=16 COUT_G=1 CI=1 K=9 S=3 P=4 D=1 OP=2;
    dw16_s4_k16: L=37 CIN=16 COUT=16 COUT_G=1 CI=1 K=16 S=4 P=2 D=1 OP=1;
    dw2_s8: L=33 CIN=2 COUT=2 COUT_G=1 CI=1 K=16 S=8 P=4 D=1 OP=7;
    dw2_dil2: L=50 CIN=2 COUT=2 COUT_G=1 CI=1 K=5 S=2 P=2 D=2 OP=1;
    dw_mult2: L=20 CIN=4 COUT=8 COUT_G=2 CI=1 K=4 S=2 P=1 D=1 OP=1;
    dense_c3: L=16 CIN=6 COUT=3 COUT_G=3 CI=6 K=4 S=2 P=1 D=1 OP=0;
    dense_c4: L=5 CIN=4 COUT=4 COUT_G=4 CI=4 K=8 S=8 P=1 D=1 OP=0;
    dense_c5: L=9 CIN=10 COUT=5 COUT_G=5 CI=10 K=10 S=5 P=1 D=1 OP=0;
    dense_c7: L=19 CIN=14 COUT=7 COUT_G=7 CI=14 K=20 S=5 P=0 D=1 OP=0;
    dense_c8: L=19 CIN=16 COUT=8 COUT_G=8 CI=16 K=4 S=2 P=0 D=1 OP=0;
    dense_c9: L=9 CIN=18 COUT=9 COUT_G=9 CI=18 K=8 S=8 P=0 D=1 OP=0;
    dense_c15: L=16 CIN=15 COUT=15 COUT_G=15 CI=15 K=3 S=3 P=1 D=1 OP=0;
    dense_c16: L=19 CIN=32 COUT=16 COUT_G=16 CI=32 K=32 S=8 P=1 D=1 OP=0;
    dense_c17: L=5 CIN=1 COUT=17 COUT_G=17 CI=1 K=3 S=2 P=0 D=1 OP=0;
    dense_c31: L=16 CIN=62 COUT=31 COUT_G=31 CI=62 K=8 S=4 P=1 D=1 OP=0;
    dense_c32: L=19 CIN=64 COUT=32 COUT_G=32 CI=64 K=3 S=8 P=1 D=1 OP=0;
    dense_c33: L=19 CIN=66 COUT=33 COUT_G=33 CI=66 K=3 S=5 P=0 D=1 OP=0;
    dense_1x16: L=12 CIN=1 COUT=16 COUT_G=16 CI=1 K=4 S=2 P=1 D=1 OP=1;
    dense_16x1: L=12 CIN=16 COUT=1 COUT_G=1 CI=16 K=4 S=2 P=1 D=1 OP=1;
    dense_2x2: L=12 CIN=2 COUT=2 COUT_G=2 CI=2 K=4 S=2 P=1 D=1 OP=1;
    dense_64x32: L=12 CIN=64 COUT=32 COUT_G=32 CI=64 K=4 S=2 P=1 D=1 OP=1;
    dense_8x8: L=12 CIN=8 COUT=8 COUT_G=8 CI=8 K=4 S=2 P=1 D=1 OP=1;
    dense_13x48: L=12 CIN=13 COUT=48 COUT_G=48 CI=13 K=4 S=2 P=1 D=1 OP=1;
    dense_48x13: L=12 CIN=48 COUT=13 COUT_G=13 CI=48 K=4 S=2 P=1 D=1 OP=1;
    dense_dil: L=11 CIN=6 COUT=10 COUT_G=10 CI=6 K=5 S=3 P=2 D=2 OP=2;
    dense_op: L=10 CIN=4 COUT=20 COUT_G=20 CI=4 K=6 S=4 P=1 D=1 OP=3;
    dense_k_below_s: L=10 CIN=5 COUT=17 COUT_G=17 CI=5 K=2 S=5 P=0 D=1 OP=3;
    groups2_cg8: L=14 CIN=6 COUT=16 COUT_G=8 CI=3 K=4 S=2 P=1 D=1 OP=1;
    groups2_cg9: L=14 CIN=6 COUT=18 COUT_G=9 CI=3 K=3 S=3 P=0 D=1 OP=2;
    groups4_cg16: L=10 CIN=8 COUT=64 COUT_G=16 CI=2 K=4 S=2 P=0 D=1 OP=0;
    groups4_cg17: L=10 CIN=8 COUT=68 COUT_G=17 CI=2 K=5 S=2 P=2 D=2 OP=1;
    groups8_cg3: L=9 CIN=16 COUT=24 COUT_G=3 CI=2 K=4 S=4 P=0 D=1 OP=0;
}

/// The expected backends are there (this fails, rather than skips, when one is missing),
/// and the default is the widest of them.
#[test]
fn expected_backends_are_available() {
    let have = backends();
    assert!(have.contains(&Backend::Scalar));
    let default = Backend::best();
    assert!(have.contains(&default));
    #[cfg(target_arch = "x86_64")]
    assert!(have.contains(&Backend::Sse2));
    #[cfg(target_arch = "aarch64")]
    assert_eq!(default, Backend::Neon);
    let order = [
        Backend::Avx512,
        Backend::Avx2,
        Backend::Sse2,
        Backend::Neon,
        Backend::Scalar,
    ];
    let widest = order.into_iter().find(|b| have.contains(b)).unwrap();
    assert_eq!(default, widest);
}

// Crops that differ between the ends, through both kernels: causal (the whole crop on the
// right), more on the left, a right crop beyond the tail.
cropped! {
    causal_mono_s2: L=33 CIN=1 COUT=1 COUT_G=1 CI=1 K=8 S=2 PL=0 PR=6 D=1 OP=0;
    causal_mono_s3_d2: L=20 CIN=1 COUT=1 COUT_G=1 CI=1 K=7 S=3 PL=0 PR=10 D=2 OP=0;
    causal_stereo_s4: L=17 CIN=2 COUT=2 COUT_G=1 CI=1 K=8 S=4 PL=0 PR=4 D=1 OP=0;
    causal_dense_encodec: L=9 CIN=16 COUT=8 COUT_G=8 CI=16 K=10 S=5 PL=0 PR=5 D=1 OP=0;
    left_heavy_mono: L=40 CIN=1 COUT=1 COUT_G=1 CI=1 K=16 S=4 PL=9 PR=2 D=1 OP=3;
    right_heavy_quad: L=11 CIN=4 COUT=4 COUT_G=1 CI=1 K=6 S=2 PL=1 PR=7 D=1 OP=1;
    right_beyond_tail_dense: L=12 CIN=3 COUT=5 COUT_G=5 CI=3 K=3 S=4 PL=0 PR=5 D=1 OP=0;
    grouped_uneven: L=10 CIN=8 COUT=12 COUT_G=3 CI=2 K=5 S=3 PL=3 PR=0 D=2 OP=1;
}

// Every phase and output channel in one register (S * COUT <= 4, for every ISA): each
// count of delays K/S that kernel specialises (1 to 4) and one past, over rows that take
// tiles of each height.
matrix! {
    phases_d1: L=37 CIN=3 COUT=2 COUT_G=2 CI=3 K=2 S=2 P=0 D=1 OP=0;
    phases_d2: L=29 CIN=5 COUT=2 COUT_G=2 CI=5 K=4 S=2 P=1 D=1 OP=1;
    phases_d3: L=23 CIN=4 COUT=1 COUT_G=1 CI=4 K=9 S=3 P=2 D=1 OP=0;
    phases_d4: L=18 CIN=2 COUT=2 COUT_G=2 CI=2 K=8 S=2 P=3 D=1 OP=1;
    phases_d5: L=41 CIN=3 COUT=4 COUT_G=4 CI=3 K=5 S=1 P=2 D=1 OP=0;
    phases_d4_short: L=3 CIN=6 COUT=1 COUT_G=1 CI=6 K=16 S=4 P=0 D=1 OP=0;
}

// Panels of output channels: several full ones, a narrow last one, groups of them.
matrix! {
    dense_72x72: L=21 CIN=72 COUT=72 COUT_G=72 CI=72 K=4 S=2 P=1 D=1 OP=0;
    groups2_cg40: L=13 CIN=6 COUT=80 COUT_G=40 CI=3 K=6 S=3 P=2 D=1 OP=1;
    dense_wide_window: L=9 CIN=1100 COUT=3 COUT_G=3 CI=1100 K=4 S=2 P=0 D=1 OP=0;
}

/// A weight that is infinite or NaN reaches the outputs of its tap only: the tiles at
/// either end of a phase, which read zeros for frames outside the input, must not turn
/// `0 * inf` into a NaN at an output the weight does not reach. Every backend against a
/// reference with the weight zeroed (the outputs it does not reach) and against the rule
/// (the outputs it reaches are not finite).
#[test]
fn non_finite_weights_reach_their_outputs_only() {
    // The tiled kernel's panels (48 channels), and a layer whose phases share a register.
    non_finite_weight::<40, 48>(5, 37);
    non_finite_weight::<8, 8>(3, 6);
}

/// Weight `(ci, co, k = 3)` of a `K = 4, S = 2` layer infinite, then NaN, on every backend.
fn non_finite_weight<const CIN: usize, const COUT: usize>(ci: usize, co: usize) {
    const L: usize = 20;
    type Layer<const CIN: usize, const COUT: usize> =
        conv_transpose::ConvTranspose1d<L, CIN, COUT, 4, 2>;
    let n_out = Layer::<CIN, COUT>::OUT_LEN;
    for bad in [f32::INFINITY, f32::NAN] {
        // The last tap, which the first row of its phase does not reach.
        let k = 3;
        let mut w = [[[0.0f32; 4]; COUT]; CIN];
        for (i, v) in w.iter_mut().flatten().flatten().enumerate() {
            *v = ((i * 7919) % 201) as f32 / 100.0 - 1.0;
        }
        let mut zeroed = w;
        w[ci][co][k] = bad;
        zeroed[ci][co][k] = 0.0;
        let layer = Layer::<CIN, COUT>::from_torch(&w, None);
        let reference = Layer::<CIN, COUT>::from_torch(&zeroed, None);
        let x: Vec<[f32; CIN]> = (0..L)
            .map(|i| core::array::from_fn(|c| ((i * CIN + c) % 13) as f32 / 6.0 - 1.0))
            .collect();
        let x: &[[f32; CIN]; L] = x[..].try_into().unwrap();
        // OUT_LEN = (L - 1) * 2 + 4 = 42 frames.
        let mut want = [[0.0f32; COUT]; 42];
        assert_eq!(n_out, 42);
        reference
            .forward_with(Backend::Scalar, x, &mut want)
            .unwrap();
        for b in backends() {
            let mut y = [[f32::NAN; COUT]; 42];
            layer.forward_with(b, x, &mut y).unwrap();
            for (n, (y, want)) in y.iter().zip(&want).enumerate() {
                for (c, (&y, &want)) in y.iter().zip(want).enumerate() {
                    // Output n = i * S + k of channel co, for an input frame i, holds
                    // x[i][ci] * bad (no input here is zero).
                    let reached = c == co && n >= k && (n - k) % 2 == 0 && (n - k) / 2 < L;
                    if reached {
                        assert!(!y.is_finite(), "{b}: {bad} at output {n}, channel {c}: {y}");
                    } else {
                        assert!(
                            (y - want).abs() <= 1e-5 * (1.0 + want.abs()),
                            "{b}: {bad}: output {n}, channel {c}: {y}, want {want}"
                        );
                    }
                }
            }
        }
    }
}
