/*
 * Minimal stand-in for CMSIS-Core's cmsis_compiler.h / cmsis_gcc.h, GCC only.
 *
 * The CMSIS-DSP sdist on PyPI (cmsisdsp 1.10.3) ships CMSIS-DSP's Source/ and Include/
 * but not CMSIS-Core, whose cmsis_compiler.h arm_math_types.h includes. The FIR
 * interpolators need only the attribute macros and __SSAT (plus __CLZ in an inline
 * helper of dsp/utils.h); these follow CMSIS-Core 5.x's cmsis_gcc.h definitions so the
 * generated code is the same as with the real header.
 */
#ifndef CMSIS_COMPILER_H_STANDIN
#define CMSIS_COMPILER_H_STANDIN

#include <stdint.h>

#define __ASM                  __asm
#define __INLINE               inline
#define __STATIC_INLINE        static inline
#define __STATIC_FORCEINLINE   __attribute__((always_inline)) static inline
#define __NO_RETURN            __attribute__((__noreturn__))
#define __USED                 __attribute__((used))
#define __WEAK                 __attribute__((weak))
#define __PACKED               __attribute__((packed, aligned(1)))
#define __PACKED_STRUCT        struct __attribute__((packed, aligned(1)))
#define __ALIGNED(x)           __attribute__((aligned(x)))
#define __RESTRICT             __restrict

/* Count leading zeros (cmsis_gcc.h: __builtin_clz, 32 for 0). */
__STATIC_FORCEINLINE uint8_t __CLZ(uint32_t value)
{
  if (value == 0U) { return 32U; }
  return (uint8_t)__builtin_clz(value);
}

#if (defined(__ARM_ARCH_7M__) && (__ARM_ARCH_7M__ == 1)) || \
    (defined(__ARM_ARCH_7EM__) && (__ARM_ARCH_7EM__ == 1)) || \
    (defined(__ARM_ARCH_8M_MAIN__) && (__ARM_ARCH_8M_MAIN__ == 1)) || \
    (defined(__ARM_ARCH_8_1M_MAIN__) && (__ARM_ARCH_8_1M_MAIN__ == 1))

/* Signed / unsigned saturate: the SSAT / USAT instructions (cmsis_gcc.h's macros). */
#define __SSAT(ARG1, ARG2) \
__extension__ ({ int32_t __RES, __ARG1 = (ARG1); \
  __ASM volatile ("ssat %0, %1, %2" : "=r" (__RES) : "I" (ARG2), "r" (__ARG1) : "cc"); \
  __RES; })

#define __USAT(ARG1, ARG2) \
__extension__ ({ uint32_t __RES, __ARG1 = (ARG1); \
  __ASM volatile ("usat %0, %1, %2" : "=r" (__RES) : "I" (ARG2), "r" (__ARG1) : "cc"); \
  __RES; })

#else /* Armv6-M, Armv8-M Baseline: C versions, as in cmsis_gcc.h */

__STATIC_FORCEINLINE int32_t __SSAT(int32_t val, uint32_t sat)
{
  if ((sat >= 1U) && (sat <= 32U)) {
    const int32_t max = (int32_t)((1U << (sat - 1U)) - 1U);
    const int32_t min = -1 - max;
    if (val > max) { return max; }
    else if (val < min) { return min; }
  }
  return val;
}

__STATIC_FORCEINLINE uint32_t __USAT(int32_t val, uint32_t sat)
{
  if (sat <= 31U) {
    const uint32_t max = ((1U << sat) - 1U);
    if (val > (int32_t)max) { return max; }
    else if (val < 0) { return 0U; }
  }
  return (uint32_t)val;
}
#endif

__STATIC_FORCEINLINE uint32_t __ROR(uint32_t op1, uint32_t op2)
{
  op2 %= 32U;
  if (op2 == 0U) { return op1; }
  return (op1 >> op2) | (op1 << (32U - op2));
}

#endif
