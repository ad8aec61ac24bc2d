//! The layer streamed: [`BLOCKS`] blocks through `process`, then `flush` (see the crate
//! docs; `check.sh` measures it against `empty`).
#![no_std]
#![no_main]

use conv_transpose::StreamState;
use conv_transpose_minimal::{idle, read_block, write_frames, MiniLayer, Sample, BLOCKS, L, LAYER};
use cortex_m_rt::entry;

#[entry]
fn main() -> ! {
    // cortex-m-rt hands `main` its `static mut`s as `&'static mut`: the state lives in a
    // static (all zero bits, so in `.bss`), not on the stack, and only here.
    static mut STATE: StreamState<Sample, 1, { MiniLayer::STREAM_FRAMES }> = StreamState::new();
    let mut x = [[Sample::default(); 1]; L];
    let mut y = [[Sample::default(); 1]; MiniLayer::STREAM_OUT_LEN];
    for _ in 0..BLOCKS {
        read_block(&mut x);
        let n = LAYER.process(STATE, &x, &mut y);
        write_frames(y.get(..n).unwrap_or_default());
    }
    let n = LAYER.flush(STATE, &mut y);
    write_frames(y.get(..n).unwrap_or_default());
    #[cfg(feature = "perturb")]
    perturb(&mut y, n);
    idle()
}

/// What `check.sh --self-test` must catch: a slice whose bound the optimiser cannot see (a
/// panic), a move within the output (`memmove`) and a counter that starts at 1 (`.data`).
#[cfg(feature = "perturb")]
fn perturb(y: &mut [[Sample; 1]], n: usize) {
    static mut RUNS: usize = 1;
    // SAFETY: `RUNS` is only touched here, on the one thread there is.
    let runs = unsafe { core::ptr::addr_of_mut!(RUNS).read_volatile() };
    y.copy_within(runs.., 0);
    write_frames(&y[..runs + n]);
}
