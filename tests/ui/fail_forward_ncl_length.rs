use conv_transpose::ConvTranspose1d;
type Layer = ConvTranspose1d<4, 2, 1, 2, 2>; // OUT_LEN = 8
fn main() {
    let layer = Layer::from_torch(&[[[1.0, 1.0]], [[1.0, 1.0]]], None);
    let mut y = [[0.0f32; 9]; 1];
    layer.forward_ncl(&[[1.0; 4]; 2], &mut y);
}
