use core::mem::MaybeUninit;
use conv_transpose::GroupedConvTranspose1d;
// Two groups: MAX's weight is (K, COUT, CIN/G) = (2, 4, 2), not (2, 4, 4).
type Layer = GroupedConvTranspose1d<4, 4, 4, 2, 2, 2>;
fn main() {
    let mut slot = MaybeUninit::<Layer>::uninit();
    let _ = Layer::init_from_max(&mut slot, &[[[1.0; 4]; 4]; 2], None);
}
