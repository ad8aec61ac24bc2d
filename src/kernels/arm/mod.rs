//! 32-bit Arm (Cortex-M): the portable kernel's time-blocked inner loop in assembly, one
//! room per extension, each a [`crate::kernels::rows::Rows`] that `kernels::dispatch`
//! picks at compile time. `vfp`: the FPU (`eabihf` targets: M4F, M7, M33, M55). `dsp`:
//! the DSP extension (every `thumbv7em` target, M4 and M7, and `thumbv8m.main` with the
//! `arm-dsp` feature). `mve`: Helium (M55, M85: the `arm-mve` feature). `mul32`: Q15 in
//! 32-bit sums where there is no DSP extension (M0, M0+, M3, M23). `copy`: the streams'
//! block copy on ARMv6-M.

#[cfg(conv_transpose_armv6m)]
pub(crate) mod copy;
#[cfg(all(conv_transpose_arm_dsp, not(conv_transpose_arm_mve)))]
pub(crate) mod dsp;
#[cfg(not(conv_transpose_arm_dsp))]
pub(crate) mod mul32;
#[cfg(conv_transpose_arm_mve)]
pub(crate) mod mve;
#[cfg(target_abi = "eabihf")]
pub(crate) mod vfp;
