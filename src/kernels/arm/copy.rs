//! The streams' block copy on ARMv6-M (Cortex-M0, M0+): `dst.copy_from_slice(src)` as a
//! loop of its own, words where both ends are word-aligned and halfwords otherwise. The
//! compiler turns a copy loop in Rust into a call of `memcpy`, whose compiler-builtins
//! version is about 700 bytes on this core: a streamed layer then links none (an image
//! that copies nothing else needs no `memcpy`), for four instructions a word.

use core::arch::asm;
use core::mem::{align_of, size_of, size_of_val};

/// `dst.copy_from_slice(src)` for slices of the same length, of an element of at least
/// two bytes' alignment (every sample type). Copies nothing where the lengths differ.
#[inline(always)]
pub(crate) fn copy<T: Copy>(dst: &mut [T], src: &[T]) {
    const { assert!(align_of::<T>() >= 2 && size_of::<T>().is_multiple_of(2)) };
    if dst.len() != src.len() || src.is_empty() {
        return;
    }
    let bytes = size_of_val(src);
    let (d, s) = (dst.as_mut_ptr().cast::<u8>(), src.as_ptr().cast::<u8>());
    let aligned = (d as usize | s as usize | bytes).is_multiple_of(4);
    // Registers: r0 the bytes left, r1 the unit, r2 the source, r3 the destination (low
    // registers: Thumb-1's register-offset loads and stores take no others).
    // SAFETY: `dst` and `src` are `bytes` long, do not overlap (one is borrowed mutably)
    // and are aligned to two bytes, or four where `aligned`; each loop copies from the
    // last unit down to the first, `bytes` (a non-zero multiple of the unit) in all.
    unsafe {
        if aligned {
            asm!(
                "2:",
                "subs r0, r0, #4",
                "ldr r1, [r2, r0]",
                "str r1, [r3, r0]",
                "bne 2b",
                inout("r0") bytes => _,
                out("r1") _,
                in("r2") s,
                in("r3") d,
                options(nostack),
            );
        } else {
            asm!(
                "2:",
                "subs r0, r0, #2",
                "ldrh r1, [r2, r0]",
                "strh r1, [r3, r0]",
                "bne 2b",
                inout("r0") bytes => _,
                out("r1") _,
                in("r2") s,
                in("r3") d,
                options(nostack),
            );
        }
    }
}
