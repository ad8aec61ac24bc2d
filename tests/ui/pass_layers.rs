//! Layers at the edges of what is legal compile, in statics and at run time.
use conv_transpose::{ConvTranspose1d, DepthwiseConvTranspose1d, GroupedConvTranspose1d};

// OP = max(S, D) - 1 with D > S; output of exactly one frame; K < S.
type DilatedOp = ConvTranspose1d<3, 1, 1, 2, 1, 0, 3, 2>;
type OneFrame = ConvTranspose1d<2, 1, 1, 3, 2, 2>;
type Sparse = ConvTranspose1d<3, 2, 1, 1, 4, 0, 1, 3, f64>;
type Stereo = DepthwiseConvTranspose1d<8, 2, 4, 2>;
type Groups = GroupedConvTranspose1d<2, 4, 6, 3, 2, 2>;

static DILATED_OP: DilatedOp = DilatedOp::from_torch(&[[[1.0, 2.0]]], Some(&[0.5]));
static ONE_FRAME: OneFrame = OneFrame::from_mlx(&[[[1.0], [2.0], [3.0]]], None);
static SPARSE: Sparse = Sparse::from_max(&[[[1.0, -1.0]]], Some(&[0.25]));
static STEREO: Stereo = Stereo::from_torch(&[[[1.0; 4]], [[0.5; 4]]], None);
static GROUPS: Groups = Groups::from_mlx(&[[[1.0; 2]; 2]; 6], None);

fn main() {
    assert_eq!(DilatedOp::OUT_LEN, 3 + 3 + 2);
    let mut y = [[0.0f32; 1]; DilatedOp::OUT_LEN];
    DILATED_OP.forward(&[[1.0]; 3], &mut y);
    assert_eq!(y[7], [0.5]); // output padding: bias only

    assert_eq!(OneFrame::OUT_LEN, 1);
    let mut y = [[0.0f32; 1]; 1];
    ONE_FRAME.forward(&[[1.0], [10.0]], &mut y);
    assert_eq!(y, [[13.0]]); // full = [1, 2, 3 + 10, 20, 30], cropped by 2 at each end

    let mut y = [[0.0f64; 1]; Sparse::OUT_LEN];
    SPARSE.forward(&[[1.0, 2.0]; 3], &mut y);
    assert_eq!(y[0], [1.0 - 2.0 + 0.25]);
    assert_eq!(y[1], [0.25]); // phase that no tap reaches

    // Inside the signal two taps reach each output: 2 * 1.0 left, 2 * 0.5 right.
    let mut y = [[0.0f32; 2]; Stereo::OUT_LEN];
    STEREO.forward(&[[1.0, 1.0]; 8], &mut y);
    assert_eq!(y[4], [2.0, 1.0]);
    // K = S: one tap per output, summed over the group's two input channels.
    let mut y = [[0.0f32; 6]; Groups::OUT_LEN];
    GROUPS.forward(&[[1.0; 4]; 2], &mut y);
    assert_eq!(Groups::GROUPS, 2);
    assert_eq!(y, [[2.0; 6]; 4]);
}
