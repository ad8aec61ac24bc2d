use conv_transpose::GroupedConvTranspose1d;
// COUT = 4, COUT_G = 2: two groups, which cannot split CIN = 3.
type Layer = GroupedConvTranspose1d<4, 3, 4, 2, 2, 2>;
static LAYER: Layer = Layer::from_torch(&[[[1.0; 2]; 2]; 3], None);
fn main() {
    let _ = &LAYER;
}
