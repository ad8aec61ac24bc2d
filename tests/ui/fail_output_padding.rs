use conv_transpose::ConvTranspose1d;
// OP = 3 with S = 3 and D = 2: PyTorch requires OP < max(S, D).
type Layer = ConvTranspose1d<4, 1, 1, 2, 3, 0, 2, 3>;
static LAYER: Layer = Layer::from_torch(&[[[1.0, 1.0]]], None);
fn main() {
    let _ = &LAYER;
}
