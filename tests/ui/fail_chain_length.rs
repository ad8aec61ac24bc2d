use conv_transpose::{Chain, ConvTranspose1d, Relu};
// The first layer outputs 16 frames; the second takes 15. Built at run time: still a
// build error.
type Up1 = ConvTranspose1d<8, 4, 2, 4, 2, 1>;
type Up2 = ConvTranspose1d<15, 2, 1, 4, 2, 1>;
fn main() {
    let up1 = Up1::from_torch(&[[[0.25; 4]; 2]; 4], None);
    let up2 = Up2::from_torch(&[[[0.5; 4]; 1]; 2], None);
    let _net = Chain::<_, _, _, 16, 2>::new(up1, Relu, up2);
}
