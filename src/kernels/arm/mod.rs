//! 32-bit Arm (Cortex-M): the portable kernel's time-blocked inner loop in assembly, one
//! room per extension, each a [`crate::kernels::portable::Rows`] that `kernels::dispatch`
//! picks at compile time. `vfp`: the FPU (`eabihf` targets: M4F, M7, M33). `dsp`: the
//! DSP extension (every `thumbv7em` target: M4, M7).

#[cfg(conv_transpose_arm_dsp)]
pub(crate) mod dsp;
#[cfg(target_abi = "eabihf")]
pub(crate) mod vfp;
