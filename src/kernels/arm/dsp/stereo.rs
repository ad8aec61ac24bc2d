//! Interleaved stereo on the DSP extension: split into two mono signals for the mono
//! loops ([`split`]), or, for what that leaves, both channels a pass with `SMLALBB` and
//! `SMLALTT` ([`stereo`]).

use core::arch::asm;

use crate::fixed::Q15;
use crate::kernels::rows::ROWS;

use super::{mono, Pass, Taps, MAX_PAIRS, PASS};

/// Samples of one channel [`split`] de-interleaves at a time (two channels: 768 bytes of
/// stack).
const SPLIT: usize = 192;

/// Interleaved stereo as two mono signals: the frames a run of blocks reads, split into
/// one buffer per channel, each then through the mono loop ([`rows`]: 32-bit `SMLAD`
/// sums where the channel's headroom allows), which writes every other sample of the
/// output. The split costs about three instructions a frame, against the `SMLALBB`
/// loop's one instruction per product. Takes the blocks in pairs (a mono block is
/// twelve frames) and returns how many it did, none where a phase is too long for the
/// buffers; [`stereo`] takes the rest.
///
/// # Safety
/// As [`Rows::lanes`] with G = 2, x_frame = x_step = 2, every start within `+-2^30`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn split(
    relu: bool,
    start: &[i64; ROWS],
    x: *const Q15,
    w: *const Q15,
    w_step: usize,
    count: usize,
    y: *mut Q15,
    y_frame: usize,
    blocks: usize,
) -> usize {
    // Frames below a block's first that its taps read.
    let history = count.saturating_sub(1);
    let pairs = SPLIT.saturating_sub(history) / ROWS;
    let starts = [[start[0]; ROWS], [start[1]; ROWS]];
    let [mut left_pairs, mut right_pairs] = [[0u32; MAX_PAIRS]; 2];
    // SAFETY: channel c's weights are w + j * w_step + c, readable for j < count.
    let (Some(left_taps), Some(right_taps)) = (unsafe {
        (
            Taps::new(&mut left_pairs, &starts[0], w, w_step, count),
            Taps::new(&mut right_pairs, &starts[1], w.add(1), w_step, count),
        )
    }) else {
        return 0;
    };
    let taps = [left_taps, right_taps];
    // Words of two samples, so that the split stores words.
    let mut channels = [[0u32; SPLIT / 2]; 2];
    let mut done = 0;
    while blocks - done >= 2 && pairs > 0 {
        let n = pairs.min((blocks - done) / 2);
        // Block `done` starts at frame done * 6; the buffers hold frames from `history`
        // before it to the last of the `2n` blocks.
        let first = x.wrapping_add(done * ROWS).wrapping_sub(history * 2);
        let frames = history + n * ROWS;
        let [left, right] = &mut channels;
        // Two frames at a time: words (l0, r0) and (l1, r1) into (l0, l1) and (r0, r1),
        // a `pkhbt` and a `pkhtb`.
        for (i, (l, r)) in left
            .iter_mut()
            .zip(right.iter_mut())
            .take(frames / 2)
            .enumerate()
        {
            // SAFETY: frames `done * 6 - history + 2i` and the next are ones that taps
            // `j < count` of these blocks read: readable by the contract.
            let (a, b) = unsafe {
                let p = first.add(4 * i).cast::<u32>();
                (p.read_unaligned(), p.add(1).read_unaligned())
            };
            *l = (a & 0xffff) | (b << 16);
            *r = (b & 0xffff_0000) | (a >> 16);
        }
        if frames % 2 == 1 {
            let i = frames - 1;
            // SAFETY: as above, the last frame.
            let (a, b) = unsafe { (first.add(2 * i).read(), first.add(2 * i + 1).read()) };
            let (l, r) = (
                left.as_mut_ptr().cast::<Q15>(),
                right.as_mut_ptr().cast::<Q15>(),
            );
            // SAFETY: sample i < frames <= SPLIT of each buffer.
            unsafe {
                l.add(i).write(a);
                r.add(i).write(b);
            }
        }
        for (c, channel) in channels.iter().enumerate() {
            // SAFETY: in the buffer, tap j of output m < n * 12 reads sample history + m -
            // j, inside the `history + n * 12` filled; output m of channel c is frame
            // done * 6 + m, lane c: writable by the contract.
            unsafe {
                mono(
                    relu,
                    &taps[c],
                    &starts[c],
                    channel.as_ptr().cast::<Q15>().add(history),
                    y.add(done * ROWS / 2 * y_frame + c),
                    y_frame,
                    n * ROWS,
                )
            };
        }
        done += 2 * n;
    }
    done
}

/// Interleaved stereo ([`Rows::lanes`] with two lanes), without the activation (or with a
/// ReLU where `relu`): two frames of both channels a pass. One 32-bit load fetches a
/// frame's two samples, and one word holds a tap's two weights, so `SMLALBB` and `SMLALTT`
/// add each channel's product to its own 64-bit accumulator: four multiply-adds for one
/// weight load, two input loads and four instructions. The finish is the mono loop's.
///
/// # Safety
/// As [`Rows::lanes`] with G = 2, x_frame = x_step = 2; `count <= MAX_PAIRS` and every
/// start within `+-2^30`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn stereo(
    relu: bool,
    start: &[i64; ROWS],
    x: *const Q15,
    w: *const Q15,
    w_step: usize,
    count: usize,
    y: *mut Q15,
    y_frame: usize,
    blocks: usize,
) {
    let weight = |j: usize, l: usize| {
        // SAFETY: tap j's two weights are at w + j * w_step .. + 2.
        unsafe { (*w.add(j * w_step + l)).to_bits() }
    };
    let mut words = [0u32; MAX_PAIRS];
    for (j, word) in words[..count].iter_mut().enumerate() {
        *word = u32::from(weight(j, 0) as u16) | (u32::from(weight(j, 1) as u16) << 16);
    }
    let mut pass = Pass {
        // The accumulators are frame 0 left, right, frame 1 left, right: `start[..4]`.
        start: start.as_ptr(),
        // One frame on: the loop steps back a frame before each tap's load.
        x: x.cast::<i16>().wrapping_add(2),
        y: y.cast::<i16>(),
        y_bytes: y_frame * 2,
        pairs: words.as_ptr(),
        npairs: count,
        last: 0,
    };
    for _ in 0..blocks * ROWS / PASS {
        // Registers as in `rows`: r1 the input pointer, one frame (4 bytes) back per tap,
        // r2 the tap words, r3 the tap count, r4:r5, r6:r7, r8:r9, r10:r11 the sums of
        // frame 0 left and right, frame 1 left and right; r12 the tap's weights, lr a
        // frame's samples.
        //
        // SAFETY: tap j of frame f, lane l reads x[(f - j) * 2 + l], readable for every
        // j < count and frame f of the call (the contract); the block reads frames 0 and
        // 1 of this pass, the `count >= 1` words, the starts and the pass, and writes the
        // pass's four outputs. It leaves every register it does not declare as it found
        // it.
        unsafe {
            if relu {
                stereo_pass!(&pass as *const Pass, "usat", "#15")
            } else {
                stereo_pass!(&pass as *const Pass, "ssat", "#16")
            }
        }
        // Two frames of two lanes on.
        pass.x = pass.x.wrapping_add(4);
        pass.y = pass.y.wrapping_add(2 * y_frame);
    }
}

/// The assembly of one pass of [`stereo`], `$pass` its `*const Pass`; the finish
/// saturates with `$sat` to `$bits` (`"ssat", "#16"`: `sat16`; `"usat", "#15"`: `sat16`
/// and a fused ReLU, `max(.., 0)`, at no cost).
macro_rules! stereo_pass {
    ($pass:expr, $sat:literal, $bits:literal) => {
        asm!(
            "push {{r4-r11}}",
            "ldr r1, [r0]",
            "ldm r1, {{r4-r11}}",
            "ldr r1, [r0, #4]",
            "ldr r2, [r0, #16]",
            "ldr r3, [r0, #20]",
            "1:",
            "ldr r12, [r2], #4",
            "ldr lr, [r1, #-4]!",
            "smlalbb r4, r5, lr, r12",
            "smlaltt r6, r7, lr, r12",
            "ldr lr, [r1, #4]",
            "smlalbb r8, r9, lr, r12",
            "smlaltt r10, r11, lr, r12",
            "subs r3, r3, #1",
            "bne 1b",
            "ldr r1, [r0, #8]",
            "ldr r2, [r0, #12]",
            "lsrs r4, r4, #15",
            "orr r4, r4, r5, lsl #17",
            concat!($sat, " r4, ", $bits, ", r4"),
            "strh r4, [r1]",
            "lsrs r6, r6, #15",
            "orr r6, r6, r7, lsl #17",
            concat!($sat, " r6, ", $bits, ", r6"),
            "strh r6, [r1, #2]",
            "add r1, r1, r2",
            "lsrs r8, r8, #15",
            "orr r8, r8, r9, lsl #17",
            concat!($sat, " r8, ", $bits, ", r8"),
            "strh r8, [r1]",
            "lsrs r10, r10, #15",
            "orr r10, r10, r11, lsl #17",
            concat!($sat, " r10, ", $bits, ", r10"),
            "strh r10, [r1, #2]",
            "pop {{r4-r11}}",
            in("r0") $pass,
            out("r1") _,
            out("r2") _,
            out("r3") _,
            out("r12") _,
            out("lr") _,
        )
    };
}
use stereo_pass;
