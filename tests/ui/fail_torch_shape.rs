use conv_transpose::ConvTranspose1d;
// PyTorch's weight is (CIN, COUT, K) = (2, 3, 4); this one is (3, 2, 4).
type Layer = ConvTranspose1d<4, 2, 3, 4, 2>;
static LAYER: Layer = Layer::from_torch(&[[[1.0; 4]; 2]; 3], None);
fn main() {
    let _ = &LAYER;
}
