use conv_transpose::ConvTranspose1d;
type Layer = ConvTranspose1d<4, 1, 1, 0, 2>;
static LAYER: Layer = Layer::from_torch(&[[[]]], None);
fn main() {
    let _ = &LAYER;
}
