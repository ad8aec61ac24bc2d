//! Every layer form against the f64 oracle, over shapes chosen to reach every branch of
//! the polyphase plan: strides 1 to 8, kernels shorter than the stride (phases that no
//! tap reaches), dilation with and without a common factor with the stride, cropping
//! deep into the result, every legal output padding, groups, depthwise, depthwise with
//! a channel multiplier, unequal channel counts, and a single input frame.

mod common;

use common::{check_layer, Case};
use conv_transpose::GroupedConvTranspose1d;

macro_rules! sweep {
    ($($name:ident: L=$l:literal CIN=$cin:literal COUT=$cout:literal COUT_G=$cg:literal CI=$ci:literal
        K=$k:literal S=$s:literal P=$p:literal D=$d:literal OP=$op:literal;)*) => {$(
        #[test]
        fn $name() {
            type F32 = GroupedConvTranspose1d<$l, $cin, $cout, $cg, $k, $s, $p, $d, $op, f32>;
            type F64 = GroupedConvTranspose1d<$l, $cin, $cout, $cg, $k, $s, $p, $d, $op, f64>;
            for (bias, seed) in [(true, 11u64), (false, 12)] {
                let case = Case::random::<f32>(&F32::GEOMETRY, 2, bias, seed);
                check_layer::<$l, $cin, $cout, $cg, $ci, $k, $s, $p, $d, $op, { F32::OUT_LEN }, f32>(&case);
                let case = Case::random::<f64>(&F64::GEOMETRY, 2, bias, seed + 100);
                check_layer::<$l, $cin, $cout, $cg, $ci, $k, $s, $p, $d, $op, { F64::OUT_LEN }, f64>(&case);
            }
        }
    )*};
}

sweep! {
    stride1:              L=5  CIN=1 COUT=1 COUT_G=1 CI=1 K=3 S=1 P=0 D=1 OP=0;
    stride2_k4:           L=9  CIN=1 COUT=1 COUT_G=1 CI=1 K=4 S=2 P=1 D=1 OP=1;
    stride3_k9:           L=7  CIN=1 COUT=1 COUT_G=1 CI=1 K=9 S=3 P=4 D=1 OP=2;
    stride4_k8:           L=6  CIN=2 COUT=1 COUT_G=1 CI=2 K=8 S=4 P=2 D=1 OP=3;
    stride5_k10:          L=5  CIN=1 COUT=2 COUT_G=2 CI=1 K=10 S=5 P=0 D=1 OP=4;
    stride6_k13:          L=4  CIN=1 COUT=1 COUT_G=1 CI=1 K=13 S=6 P=3 D=1 OP=5;
    stride7_k3:           L=4  CIN=1 COUT=1 COUT_G=1 CI=1 K=3 S=7 P=0 D=1 OP=0;
    stride8_k16:          L=4  CIN=3 COUT=2 COUT_G=2 CI=3 K=16 S=8 P=4 D=1 OP=7;
    kernel_below_stride:  L=6  CIN=1 COUT=1 COUT_G=1 CI=1 K=2 S=5 P=0 D=1 OP=3;
    kernel1:              L=7  CIN=2 COUT=3 COUT_G=3 CI=2 K=1 S=3 P=0 D=1 OP=2;
    kernel1_stride1:      L=4  CIN=3 COUT=2 COUT_G=2 CI=3 K=1 S=1 P=0 D=1 OP=0;
    dilation_coprime:     L=6  CIN=2 COUT=2 COUT_G=2 CI=2 K=3 S=2 P=0 D=3 OP=2;
    dilation_shares_gcd:  L=6  CIN=1 COUT=1 COUT_G=1 CI=1 K=4 S=4 P=0 D=2 OP=1;
    dilation_eq_stride:   L=5  CIN=1 COUT=2 COUT_G=2 CI=1 K=3 S=3 P=1 D=3 OP=2;
    dilation_above_stride:L=5  CIN=1 COUT=1 COUT_G=1 CI=1 K=3 S=1 P=0 D=3 OP=2;
    dilation_multiple:    L=5  CIN=2 COUT=1 COUT_G=1 CI=2 K=5 S=2 P=3 D=4 OP=3;
    heavy_crop:           L=6  CIN=2 COUT=2 COUT_G=2 CI=2 K=4 S=2 P=6 D=1 OP=1;
    crop_past_support:    L=3  CIN=1 COUT=1 COUT_G=1 CI=1 K=2 S=4 P=3 D=1 OP=0;
    crop_to_one_frame:    L=2  CIN=1 COUT=1 COUT_G=1 CI=1 K=2 S=2 P=1 D=1 OP=0;
    bias_only_phases:     L=3  CIN=1 COUT=2 COUT_G=2 CI=1 K=1 S=4 P=0 D=1 OP=3;
    groups2:              L=5  CIN=4 COUT=6 COUT_G=3 CI=2 K=3 S=2 P=1 D=1 OP=1;
    groups3_cin_ne_cout:  L=4  CIN=3 COUT=6 COUT_G=2 CI=1 K=4 S=3 P=0 D=1 OP=0;
    groups2_wide:         L=3  CIN=8 COUT=4 COUT_G=2 CI=4 K=5 S=2 P=2 D=2 OP=1;
    depthwise_stereo:     L=8  CIN=2 COUT=2 COUT_G=1 CI=1 K=5 S=2 P=0 D=1 OP=0;
    depthwise_4ch:        L=6  CIN=4 COUT=4 COUT_G=1 CI=1 K=6 S=3 P=2 D=2 OP=2;
    depthwise_multiplier: L=6  CIN=2 COUT=4 COUT_G=2 CI=1 K=3 S=2 P=1 D=2 OP=1;
    cin_above_cout:       L=4  CIN=5 COUT=3 COUT_G=3 CI=5 K=4 S=2 P=1 D=1 OP=0;
    cin_below_cout:       L=3  CIN=1 COUT=7 COUT_G=7 CI=1 K=5 S=3 P=2 D=2 OP=2;
    single_frame:         L=1  CIN=3 COUT=2 COUT_G=2 CI=3 K=4 S=3 P=0 D=1 OP=0;
    single_frame_crop:    L=1  CIN=1 COUT=1 COUT_G=1 CI=1 K=5 S=2 P=2 D=1 OP=1;
    everything:           L=7  CIN=6 COUT=4 COUT_G=2 CI=3 K=5 S=3 P=2 D=2 OP=2;
    channel_tails:        L=17 CIN=9 COUT=17 COUT_G=17 CI=9 K=3 S=2 P=1 D=1 OP=1;
    wide_channels:        L=9  CIN=16 COUT=33 COUT_G=33 CI=16 K=4 S=2 P=1 D=1 OP=0;
}
