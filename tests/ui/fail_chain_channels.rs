use conv_transpose::{Chain, ConvTranspose1d, LeakyRelu};
// The first layer outputs 2 channels; the second takes 3.
type Up1 = ConvTranspose1d<8, 4, 2, 4, 2, 1>;
type Up2 = ConvTranspose1d<16, 3, 1, 4, 2, 1>;
static UP1: Up1 = Up1::from_torch(&[[[0.25; 4]; 2]; 4], None);
static UP2: Up2 = Up2::from_torch(&[[[0.5; 4]; 1]; 3], None);
static NET: Chain<&Up1, LeakyRelu, &Up2, 16, 2> = Chain::new(&UP1, LeakyRelu(0.1), &UP2);
fn main() {
    let _ = &NET;
}
