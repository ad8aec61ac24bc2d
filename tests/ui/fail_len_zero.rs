use conv_transpose::ConvTranspose1d;
type Layer = ConvTranspose1d<0, 1, 1, 2, 2>;
fn main() {
    let _y = [[0.0f32; 1]; Layer::OUT_LEN];
}
