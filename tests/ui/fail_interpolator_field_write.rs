// A checked filter design is not changed field by field afterwards.
use conv_transpose::design::Interpolator;
fn main() {
    let mut d = Interpolator::new(3, 0.5, 8.0).unwrap();
    d.stride = 0;
}
