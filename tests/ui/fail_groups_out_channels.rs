use conv_transpose::GroupedConvTranspose1d;
// COUT_G = 4 does not divide COUT = 6.
type Layer = GroupedConvTranspose1d<4, 4, 6, 4, 2, 2>;
fn main() {
    let _y = [[0.0f32; 6]; Layer::OUT_LEN];
}
