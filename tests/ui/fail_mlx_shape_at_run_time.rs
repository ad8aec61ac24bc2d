use conv_transpose::GroupedConvTranspose1d;
// Built at run time, not in a static: still a compile error, never a panic.
type Layer = GroupedConvTranspose1d<4, 4, 4, 2, 2, 2>;
fn main() {
    let _layer = Layer::from_mlx(&[[[1.0f32; 4]; 2]; 4], None);
}
