use conv_transpose::{ConvTranspose1d, StreamState};
type Up = ConvTranspose1d<4, 1, 1, 4, 2>;
fn main() {
    let up = Up::from_torch(&[[[0.5, 1.0, 1.0, 0.5]]], None);
    let mut state = StreamState::<f32, 1, 4>::new(); // the history is missing
    let mut y = [[0.0f32; 1]; 8];
    up.process(&mut state, &[[1.0]; 4], &mut y);
}
