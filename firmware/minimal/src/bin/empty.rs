//! `minimal` without the library: the same weights kept, the same reads and writes, no
//! layer call (see the crate docs; `check.sh` measures the difference).
#![no_std]
#![no_main]

use conv_transpose_minimal::{idle, keep_weights, read_block, write_frames, Sample, BLOCKS, L};
use cortex_m_rt::entry;

#[entry]
fn main() -> ! {
    keep_weights();
    let mut x = [[Sample::default(); 1]; L];
    for _ in 0..BLOCKS {
        read_block(&mut x);
        write_frames(&x);
    }
    idle()
}
