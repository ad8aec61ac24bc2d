use conv_transpose::ConvTranspose1d;
type Layer = ConvTranspose1d<4, 1, 0, 2, 2>;
fn main() {
    let _y = [[0.0f32; 0]; Layer::OUT_LEN];
}
