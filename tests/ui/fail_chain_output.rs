use conv_transpose::{Chain, ConvTranspose1d, Layer, Relu};
// A chain whose output buffer is one frame short of the last layer's OUT_LEN (32).
type Up1 = ConvTranspose1d<8, 4, 2, 4, 2, 1>;
type Up2 = ConvTranspose1d<16, 2, 1, 4, 2, 1>;
type Net = Chain<Up1, Relu, Up2, 16, 2>;
fn main() {
    let net: Net = Chain::new(
        Up1::from_torch(&[[[0.25; 4]; 2]; 4], None),
        Relu,
        Up2::from_torch(&[[[0.5; 4]; 1]; 2], None),
    );
    let mut scratch = Net::SCRATCH;
    let mut y = [[0.0f32; 1]; 31];
    net.forward(&[[1.0; 4]; 8], &mut scratch, &mut y);
}
