use conv_transpose::ConvTranspose1d;
// 2 * P overflows usize: still the length rule, not an arithmetic-overflow error.
type Layer = ConvTranspose1d<4, 1, 1, 2, 2, { usize::MAX / 2 + 1 }>;
fn main() {
    let _y = [[0.0f32; 1]; Layer::OUT_LEN];
}
