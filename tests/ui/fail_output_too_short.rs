use conv_transpose::ConvTranspose1d;
// (2-1)*2 - 2*3 + (3-1) + 1 = -1 frames.
type Layer = ConvTranspose1d<2, 1, 1, 3, 2, 3>;
fn main() {
    let _y = [[0.0f32; 1]; Layer::OUT_LEN];
}
