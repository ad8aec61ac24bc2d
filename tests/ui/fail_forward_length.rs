use conv_transpose::ConvTranspose1d;
type Layer = ConvTranspose1d<4, 1, 1, 2, 2>; // OUT_LEN = 8
fn main() {
    let layer = Layer::from_torch(&[[[1.0, 1.0]]], None);
    let mut y = [[0.0f32; 1]; 7];
    layer.forward(&[[1.0]; 4], &mut y);
}
