//! The time-blocked path's inner loop: the [`Rows`] a target implements, its block of
//! [`ROWS`] outputs, and the portable loops ([`Plain`]) for single channels and for
//! interleaved lanes. The bodies that run it are `portable::streams` (mono,
//! channels-first depthwise) and `lanes::interleaved` (channels last); the Cortex-M rooms
//! (`kernels::arm`) replace the loops with assembly.

use crate::activation::Activation;
use crate::kernels::element::Element;
use crate::kernels::epilogue::Epilogue;

/// The inner loop of the time-blocked path: `blocks * ROWS` consecutive outputs of one
/// phase, `y[m * y_step] = act(finish(start[m % ROWS] + sum_j x[m - j * x_step] *
/// w[j * w_step]))` for `m < blocks * ROWS`, taps in increasing `j`, each product rounded
/// before it is added. [`Plain`] is the portable loop; a target with a better
/// instruction sequence than the compiler finds has its own (`kernels::arm`), chosen in
/// `kernels::dispatch`.
pub(crate) trait Rows<T: Element> {
    /// Computes the rows and returns `true`, or returns `false` without writing any, for
    /// rows its loop does not cover (a condition it checks: headroom, dilation, a phase
    /// too long for its buffers), which the caller then computes one at a time. (So a
    /// loop that declines links no second loop of its own.)
    ///
    /// # Safety
    /// `x - j * x_step .. + blocks * ROWS` and `w + j * w_step` are readable for every
    /// `j < count`, and `y + m * y_step` writable for every `m < blocks * ROWS`, apart
    /// from the inputs.
    #[allow(clippy::too_many_arguments)]
    unsafe fn rows<A: Activation>(
        start: &[T::Acc; ROWS],
        x: *const T,
        x_step: usize,
        w: *const T,
        w_step: usize,
        count: usize,
        y: *mut T,
        y_step: usize,
        blocks: usize,
        act: A,
    ) -> bool;

    /// The interleaved-channel form ([`lanes_blocks`]): `blocks` runs of `ROWS / G`
    /// output frames of `G` lanes, frame `f`, lane `l` reading `x[f * x_frame + l - j *
    /// x_step]` and `w[j * w_step + l]` for tap `j`, writing `y[f * y_frame + l]`; computes
    /// them and returns `true`, or declines (`false`) as [`Self::rows`] does. The portable
    /// loop unless a target has its own.
    ///
    /// # Safety
    /// For every run `b < blocks`, frame `f < ROWS / G`, lane `l < G` and tap `j < count`,
    /// `x + (b * ROWS / G + f) * x_frame + l - j * x_step` and `w + j * w_step + l` are
    /// readable and `y + (b * ROWS / G + f) * y_frame + l` writable, apart from the inputs.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    unsafe fn lanes<A: Activation, const G: usize>(
        start: &[T::Acc; ROWS],
        x: *const T,
        x_frame: usize,
        x_step: usize,
        w: *const T,
        w_step: usize,
        count: usize,
        y: *mut T,
        y_frame: usize,
        blocks: usize,
        act: A,
    ) -> bool {
        // SAFETY: this function's contract is `lanes_blocks`'.
        unsafe {
            lanes_blocks::<T, A, G>(
                start, x, x_frame, x_step, w, w_step, count, y, y_frame, blocks, act,
            )
        };
        true
    }
}

/// The portable inner loop, [`rows_blocks`].
pub(crate) struct Plain;

impl<T: Element> Rows<T> for Plain {
    #[inline(always)]
    unsafe fn rows<A: Activation>(
        start: &[T::Acc; ROWS],
        x: *const T,
        x_step: usize,
        w: *const T,
        w_step: usize,
        count: usize,
        y: *mut T,
        y_step: usize,
        blocks: usize,
        act: A,
    ) -> bool {
        // SAFETY: the `Rows` contract, which `rows_blocks` takes as its own.
        unsafe { rows_blocks(start, x, x_step, w, w_step, count, y, y_step, blocks, act) };
        true
    }
}

/// Output frames computed together by `portable::streams`: its accumulators, and the length of
/// the run of inputs one tap reads (one `vldm` on a Cortex-M4F). Twelve accumulators and
/// twelve inputs fill 24 of the M4F's 32 single-precision registers.
pub(crate) const ROWS: usize = 12;

/// `ROWS` outputs of one phase: `y[m * y_step] = act(finish(start[m] + sum_j x[m - j *
/// x_step] * w[j * w_step]))` for `m < ROWS`, taps `j < count` in increasing order.
///
/// # Safety
/// `x - j * x_step .. + ROWS` and `w + j * w_step` are readable for every `j < count`, and
/// `y + m * y_step` writable for every `m < ROWS`; none of them overlap `y`'s.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn rows<T: Element, A: Activation>(
    start: &[T::Acc; ROWS],
    x: *const T,
    x_step: usize,
    w: *const T,
    w_step: usize,
    count: usize,
    y: *mut T,
    y_step: usize,
    act: A,
) {
    // Without an FPU's registers (Cortex-M0, M3: no room for twelve accumulators), one
    // output at a time keeps its accumulator in registers and copies no array (each
    // a `memcpy` call there); the sums are the same, taps in the same order.
    #[cfg(all(target_arch = "arm", not(target_abi = "eabihf")))]
    for (m, &start) in start.iter().enumerate() {
        let (mut x, mut w) = (x.wrapping_add(m), w);
        let mut acc = start;
        for _ in 0..count {
            // SAFETY: `x - j * x_step + m` (`m < ROWS`) and `w + j * w_step` are readable
            // for this `j < count` (`rows`' contract).
            acc = unsafe { T::mac(acc, x.read(), *w) };
            x = x.wrapping_sub(x_step);
            w = w.wrapping_add(w_step);
        }
        // SAFETY: `y + m * y_step` is writable for this `m < ROWS` (`rows`' contract).
        unsafe { y.add(m * y_step).write(act.apply(T::finish(acc))) };
    }
    #[cfg(not(all(target_arch = "arm", not(target_abi = "eabihf"))))]
    {
        // Element by element: an array copy of a run of inputs is a `memcpy` call on a
        // core without wide registers.
        let (mut x, mut w) = (x, w);
        let mut acc = *start;
        for _ in 0..count {
            // SAFETY: `w + j * w_step` is readable for this `j < count` (`rows`' contract).
            let wv = unsafe { *w };
            for (m, acc) in acc.iter_mut().enumerate() {
                // SAFETY: `x - j * x_step .. + ROWS` is readable for this `j < count`
                // (`rows`' contract), and `m < ROWS`.
                let xv = unsafe { x.add(m).read() };
                *acc = T::mac(*acc, xv, wv);
            }
            x = x.wrapping_sub(x_step);
            w = w.wrapping_add(w_step);
        }
        for (m, &acc) in acc.iter().enumerate() {
            // SAFETY: `y + m * y_step` is writable for this `m < ROWS` (`rows`' contract).
            unsafe { y.add(m * y_step).write(act.apply(T::finish(acc))) };
        }
    }
}

/// [`rows`] over `blocks` consecutive runs of `ROWS` outputs (inputs advance by `ROWS`,
/// outputs by `ROWS * y_step`): the portable [`Rows`] loop.
///
/// # Safety
/// As [`rows`], for every output `m < blocks * ROWS`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn rows_blocks<T: Element, A: Activation>(
    start: &[T::Acc; ROWS],
    x: *const T,
    x_step: usize,
    w: *const T,
    w_step: usize,
    count: usize,
    y: *mut T,
    y_step: usize,
    blocks: usize,
    act: A,
) {
    for b in 0..blocks {
        // SAFETY: `rows_blocks`' contract covers every output `m < blocks * ROWS`, so
        // block `b`'s twelve outputs and their inputs satisfy `rows`' contract.
        unsafe {
            rows(
                start,
                x.add(b * ROWS),
                x_step,
                w,
                w_step,
                count,
                y.add(b * ROWS * y_step),
                y_step,
                act,
            )
        }
    }
}

/// The portable [`Rows::lanes`] loop: `blocks` runs of `ROWS / G` frames of `G` lanes.
/// Accumulator `m` of a run is frame `f = m / G`, lane `l = m % G`: `y[f * y_frame + l]
/// = act(finish(start[m] + sum_j x[f * x_frame + l - j * x_step] * w[j * w_step + l]))`,
/// taps `j < count` in increasing order; each run advances the inputs by `ROWS / G *
/// x_frame` and the outputs by `ROWS / G * y_frame`.
///
/// # Safety
/// As [`Rows::lanes`].
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn lanes_blocks<T: Element, A: Activation, const G: usize>(
    start: &[T::Acc; ROWS],
    x: *const T,
    x_frame: usize,
    x_step: usize,
    w: *const T,
    w_step: usize,
    count: usize,
    y: *mut T,
    y_frame: usize,
    blocks: usize,
    act: A,
) {
    let frames = ROWS / G;
    for b in 0..blocks {
        let (mut xp, mut wp) = (x.wrapping_add(b * frames * x_frame), w);
        let mut acc = *start;
        for _ in 0..count {
            for (m, acc) in acc.iter_mut().enumerate() {
                // SAFETY: the inputs of this tap and frame, and its weights, are readable
                // (this function's contract).
                let (xv, wv) = unsafe {
                    (
                        xp.add((m / G) * x_frame + m % G).read(),
                        wp.add(m % G).read(),
                    )
                };
                *acc = T::mac(*acc, xv, wv);
            }
            xp = xp.wrapping_sub(x_step);
            wp = wp.wrapping_add(w_step);
        }
        let yb = y.wrapping_add(b * frames * y_frame);
        for (m, &acc) in acc.iter().enumerate() {
            // SAFETY: the outputs of this run are writable (this function's contract).
            unsafe {
                yb.add((m / G) * y_frame + m % G)
                    .write(act.apply(T::finish(acc)))
            };
        }
    }
}
