use conv_transpose::ConvTranspose1d;
type Layer = ConvTranspose1d<4, 1, 1, 2, 0>;
static LAYER: Layer = Layer::from_torch(&[[[1.0, 1.0]]], None);
fn main() {
    let _ = &LAYER;
}
