use conv_transpose::GroupedConvTranspose1d;
// Two groups: MLX's weight is (COUT, K, CIN/G) = (4, 2, 2), not (4, 2, 4).
type Layer = GroupedConvTranspose1d<4, 4, 4, 2, 2, 2>;
static LAYER: Layer = Layer::from_mlx(&[[[1.0; 4]; 2]; 4], None);
fn main() {
    let _ = &LAYER;
}
