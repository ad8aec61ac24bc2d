// A filter design exists only once `Interpolator::new` or `for_attenuation` has checked
// it: its fields are private, so it is not built field by field.
use conv_transpose::design::Interpolator;
fn main() {
    let _ = Interpolator {
        stride: 0,
        cutoff: 2.0,
        beta: -1.0,
    };
}
