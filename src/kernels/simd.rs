//! The vector traits the SIMD bodies are written against: [`Simd`], a register of `f32`
//! lanes (for `time` and `tile`), and [`Lanes`], `Q15` outputs in 32-bit lanes (for
//! `q15`). Each ISA room implements them for its register types. And [`Scratch`], the
//! bodies' aligned stack buffers.

use core::mem::MaybeUninit;

/// Aligned scratch of `N` floats, left uninitialised: the kernel writes before it reads.
#[repr(C, align(64))]
pub(crate) struct Scratch<const N: usize>(MaybeUninit<[f32; N]>);

impl<const N: usize> Scratch<N> {
    pub(crate) fn new() -> Self {
        Scratch(MaybeUninit::uninit())
    }

    pub(crate) fn ptr(&mut self) -> *mut f32 {
        self.0.as_mut_ptr().cast()
    }
}

/// One SIMD register of `f32` lanes: what the generic f32 bodies (`time`, `tile`) need of
/// an ISA, and that ISA's tuning of them.
///
/// # Safety
/// Every method may use the instructions of its ISA: the caller must have established
/// that the CPU has them (the per-ISA entry points are `#[target_feature]` functions
/// reached only after [`Backend::is_available`]). Pointer arguments must be valid for
/// the lanes named. The methods are `#[inline(always)]` so that they are compiled inside
/// those entry points, with their features.
pub(crate) trait Simd: Copy {
    /// Lanes per register, a power of two of at most 16.
    const LANES: usize;

    /// Runs `part` as a function of its own, compiled with this ISA's features (its
    /// `run` inlined into it, not it into the caller). A body with many instances (one per
    /// stride and block size) is so compiled as many functions of moderate size rather
    /// than one huge entry point, whose optimisation takes time growing faster than its
    /// size.
    unsafe fn call<P: Part>(part: &P);

    /// Registers of output time per phase that one block of the time kernel keeps, for
    /// strides 1 to 8: enough accumulators to hide the FMA latency, few enough that they
    /// and the inputs fit the ISA's registers. The body instantiates the values it lists
    /// (`time::forward`); any other means one register.
    const TIME_BLOCKS: [usize; 8];

    /// Every lane `v`.
    unsafe fn splat(v: f32) -> Self;

    /// `LANES` values from `p` (unaligned).
    unsafe fn load(p: *const f32) -> Self;

    /// The `C` values from `p` (`C` a power of two), repeated: lane `l` is `p[l % C]`.
    /// For `C >= LANES` that is [`Simd::load`].
    unsafe fn repeat<const C: usize>(p: *const f32) -> Self;

    /// `LANES` values to `p` (unaligned).
    unsafe fn store(self, p: *mut f32);

    /// `self * b + c`, fused where the ISA has it.
    unsafe fn mul_add(self, b: Self, c: Self) -> Self;

    /// `self * b`, lane by lane.
    unsafe fn mul(self, b: Self) -> Self;

    /// `self / b`, lane by lane (correctly rounded).
    unsafe fn div(self, b: Self) -> Self;

    /// The larger of each pair of lanes. Where a lane of `b` is NaN the result is NaN
    /// (x86 returns the second operand when either is NaN, NEON returns NaN): callers
    /// put the value that may be NaN second.
    unsafe fn max(self, b: Self) -> Self;

    /// The smaller of each pair of lanes; NaN as for [`Simd::max`].
    unsafe fn min(self, b: Self) -> Self;

    /// `neg` in the lanes where `self < 0`, `self` elsewhere (NaN, zero and positive
    /// lanes keep `self`).
    unsafe fn select_neg(self, neg: Self) -> Self;

    /// Interleaves chunks of `G` lanes (`G` a power of two): with chunks `a0 a1 ..` of
    /// `self` and `b0 b1 ..` of `b`, returns `(a0 b0 a1 b1 ..)` split into two registers.
    /// For `G >= LANES` that is `(self, b)`.
    unsafe fn zip<const G: usize>(self, b: Self) -> (Self, Self);

    /// Puts `S` registers (`S` not a power of two) of chunks of `G` lanes in time order:
    /// chunk `f` of `v[r]` becomes chunk `f * S + r` of the `S` registers read in order.
    /// Returns `false`, leaving `v` as it was, where the ISA has no shuffle for it (the
    /// caller then goes through memory).
    #[inline(always)]
    unsafe fn interleave<const S: usize, const G: usize>(v: &mut [Self; S]) -> bool {
        let _ = v;
        false
    }

    /// Whether [`Simd::shift`] is one instruction, so that the time kernel builds its
    /// windows with it rather than loading each.
    const SHIFTS: bool = false;

    /// Lanes `n .. n + LANES` of `lo` followed by `hi`, `0 < n < LANES` (a constant
    /// once inlined, which the ISAs need for their immediate).
    #[inline(always)]
    unsafe fn shift(lo: Self, hi: Self, n: usize) -> Self {
        let mut tmp = [0.0f32; 32];
        // SAFETY: `tmp` holds `2 * LANES <= 32` floats and `n + LANES` of them are read.
        unsafe {
            lo.store(tmp.as_mut_ptr());
            hi.store(tmp.as_mut_ptr().add(Self::LANES));
            Self::load(tmp.as_ptr().add(n))
        }
    }

    /// The first `n < LANES` values from `p`, the other lanes zero.
    #[inline(always)]
    unsafe fn load_partial(p: *const f32, n: usize) -> Self {
        let mut tmp = [0.0f32; 16];
        // SAFETY: `p` is valid for `n` reads (this method's contract) and `n < LANES <= 16`
        // fits `tmp`.
        unsafe {
            core::ptr::copy_nonoverlapping(p, tmp.as_mut_ptr(), n);
            Self::load(tmp.as_ptr())
        }
    }

    /// `self` with lanes `at .. at + n` (`at + n <= LANES`) replaced by the `n` values
    /// from `p`.
    #[inline(always)]
    unsafe fn insert(self, p: *const f32, at: usize, n: usize) -> Self {
        let mut tmp = [0.0f32; 16];
        // SAFETY: `p` is valid for `n` reads (this method's contract) and `at + n <= LANES
        // <= 16` fits `tmp`.
        unsafe {
            self.store(tmp.as_mut_ptr());
            core::ptr::copy_nonoverlapping(p, tmp.as_mut_ptr().add(at), n);
            Self::load(tmp.as_ptr())
        }
    }

    /// The first `n < LANES` lanes to `p`.
    #[inline(always)]
    unsafe fn store_partial(self, p: *mut f32, n: usize) {
        let mut tmp = [0.0f32; 16];
        // SAFETY: `p` is valid for `n` writes (this method's contract) and `n < LANES <= 16`
        // fits `tmp`.
        unsafe {
            self.store(tmp.as_mut_ptr());
            core::ptr::copy_nonoverlapping(tmp.as_ptr(), p, n);
        }
    }
}

/// A piece of a generic body that [`Simd::call`] compiles apart.
pub(crate) trait Part {
    /// Runs the piece.
    ///
    /// # Safety
    /// As the body's: the CPU has the instructions of the ISA it was written for, and
    /// the pointers it holds are valid for what they say.
    unsafe fn run(&self);
}

/// What the generic body needs of an ISA: `OUT` consecutive outputs in 32-bit lanes.
///
/// # Safety
/// The methods use their ISA's instructions: the caller has established that the CPU has
/// them. Pointers must be valid for `OUT` values.
pub(crate) trait Lanes: Copy {
    /// Outputs per accumulator (16-bit lanes of one input register).
    const OUT: usize;

    /// Every lane `v` (the bias, already shifted to Q30).
    unsafe fn start(v: i32) -> Self;

    /// `acc[m] += xa[m] * wa + xb[m] * wb` for `m < OUT`, where `pair` holds `wa` in its
    /// low half and `wb` in its high half. Exact while no lane leaves the `i32` range.
    unsafe fn mac2(self, xa: *const i16, xb: *const i16, pair: i32) -> Self;

    /// `sat16(acc[m] >> 15)` to `y[m]`, `m < OUT`.
    unsafe fn finish(self, y: *mut i16);
}
