/*
 * Bare-metal harness for counting CMSIS-DSP's arm_fir_interpolate_f32 / _q15 under QEMU
 * (see count.sh). For each shape it initialises the interpolator, runs one warm-up
 * block, then calls count_start(), one steady-state arm_fir_interpolate_* call on the
 * next block, and count_stop(). count.sh counts the instructions executed from the
 * first instruction of count_start to the first of count_stop. Afterwards the outputs
 * of the counted call are checked against a direct computation, and one line
 *   "<f32|q15> <shape> <outputs> outputs check ok"
 * is printed (semihosting SYS_WRITE0) per counted call, in order.
 *
 * Build-time knobs: L_DIV divides the block lengths (the Cortex-M0's 16 KiB of RAM).
 */
#include <stdint.h>
#include <stddef.h>
#include "dsp/filtering_functions.h"

#ifndef L_DIV
#define L_DIV 1
#endif

/* ---------------------------------------------------------------- semihosting */

#define SYS_WRITE0 0x04
#define SYS_EXIT 0x18
#define ADP_Stopped_ApplicationExit 0x20026
#define ADP_Stopped_RunTimeErrorUnknown 0x20023

static int semihost(int op, const void *arg)
{
    register int r0 __asm("r0") = op;
    register const void *r1 __asm("r1") = arg;
    __asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

static void puts_(const char *s) { semihost(SYS_WRITE0, s); }

static void putu(uint32_t v)
{
    char buf[12];
    char *p = buf + sizeof buf - 1;
    *p = 0;
    do { *--p = (char)('0' + v % 10); v /= 10; } while (v);
    puts_(p);
}

__attribute__((noreturn)) static void exit_(int ok)
{
    semihost(SYS_EXIT, (const void *)(uintptr_t)(ok ? ADP_Stopped_ApplicationExit
                                                    : ADP_Stopped_RunTimeErrorUnknown));
    for (;;) {}
}

/* ---------------------------------------------------------------- libc bits */

/* -O3 turns loops into memset/memcpy calls; keep these from calling themselves. */
__attribute__((optimize("no-tree-loop-distribute-patterns")))
void *memset(void *d, int c, size_t n)
{
    unsigned char *p = d;
    while (n--) *p++ = (unsigned char)c;
    return d;
}

__attribute__((optimize("no-tree-loop-distribute-patterns")))
void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *p = d;
    const unsigned char *q = s;
    while (n--) *p++ = *q++;
    return d;
}

/* ---------------------------------------------------------------- markers */

volatile uint32_t marker;

__attribute__((noinline, noipa)) void count_start(void) { marker = 1; }
__attribute__((noinline, noipa)) void count_stop(void) { marker = 2; }

/* ---------------------------------------------------------------- shapes and buffers */

struct shape { const char *name; uint32_t L, K, S; };

static const struct shape shapes[] = {
    {"mono_x2", 1024 / L_DIV, 32, 2},
    {"mono_x4", 1024 / L_DIV, 64, 4},
    {"mono_x3_48k", 480 / L_DIV, 48, 3},
};

#define MAX_L (1024 / L_DIV)
#define MAX_K 64
#define MAX_S 4
#define MAX_STATE (MAX_K + MAX_L) /* >= K/S + L - 1 */

/* Two consecutive blocks of input (warm-up, counted), the counted block's output. */
static union {
    struct { float32_t in[2 * MAX_L], out[MAX_S * MAX_L], state[MAX_STATE], h[MAX_K]; } f;
    struct { q15_t in[2 * MAX_L], out[MAX_S * MAX_L], state[MAX_STATE], h[MAX_K]; } q;
} buf;

static uint32_t seed;
static int32_t rnd15(void) /* uniform-ish in [-16384, 16383] */
{
    seed = seed * 1664525u + 1013904223u;
    return (int32_t)(seed >> 17) - 16384;
}

static int all_ok = 1;

static void report(const char *type, const struct shape *s, int ok)
{
    puts_(type); puts_(" "); puts_(s->name); puts_(" ");
    putu(s->L * s->S);
    puts_(ok ? " outputs check ok\n" : " outputs check FAILED\n");
    if (!ok) all_ok = 0;
}

/* CMSIS stores the coefficients time-reversed: pCoeffs[j] = b[K-1-j]. Output n*S+p of
 * the stream is sum over u < K/S of b[p + S*u] * x[n - u] (x before the start is 0). */

static void run_f32(const struct shape *s)
{
    arm_fir_interpolate_instance_f32 inst;
    const uint32_t L = s->L, K = s->K, S = s->S, P = K / S;
    seed = 12345u + K;
    for (uint32_t j = 0; j < K; j++) buf.f.h[j] = (float32_t)rnd15() * (1.0f / 131072.0f);
    for (uint32_t j = 0; j < 2 * L; j++) buf.f.in[j] = (float32_t)rnd15() * (1.0f / 32768.0f);
    if (arm_fir_interpolate_init_f32(&inst, (uint8_t)S, (uint16_t)K, buf.f.h, buf.f.state, L)
        != ARM_MATH_SUCCESS) { report("f32", s, 0); return; }
    arm_fir_interpolate_f32(&inst, buf.f.in, buf.f.out, L); /* warm-up block */
    count_start();
    arm_fir_interpolate_f32(&inst, buf.f.in + L, buf.f.out, L);
    count_stop();
    int ok = 1;
    for (uint32_t o = 0; o < L * S; o++) {
        const uint32_t n = L + o / S, p = o % S;
        float32_t y = 0.0f, mag = 0.0f;
        for (uint32_t u = 0; u < P && u <= n; u++) {
            const float32_t t = buf.f.h[K - 1 - (p + S * u)] * buf.f.in[n - u];
            y += t;
            mag += t < 0 ? -t : t;
        }
        const float32_t d = buf.f.out[o] - y;
        if ((d < 0 ? -d : d) > 1e-5f * mag + 1e-30f) ok = 0;
    }
    report("f32", s, ok);
}

static void run_q15(const struct shape *s)
{
    arm_fir_interpolate_instance_q15 inst;
    const uint32_t L = s->L, K = s->K, S = s->S, P = K / S;
    seed = 54321u + K;
    for (uint32_t j = 0; j < K; j++) buf.q.h[j] = (q15_t)(rnd15() / 4);
    for (uint32_t j = 0; j < 2 * L; j++) buf.q.in[j] = (q15_t)rnd15();
    if (arm_fir_interpolate_init_q15(&inst, (uint8_t)S, (uint16_t)K, buf.q.h, buf.q.state, L)
        != ARM_MATH_SUCCESS) { report("q15", s, 0); return; }
    arm_fir_interpolate_q15(&inst, buf.q.in, buf.q.out, L); /* warm-up block */
    count_start();
    arm_fir_interpolate_q15(&inst, buf.q.in + L, buf.q.out, L);
    count_stop();
    int ok = 1;
    for (uint32_t o = 0; o < L * S; o++) {
        const uint32_t n = L + o / S, p = o % S;
        int64_t acc = 0;
        for (uint32_t u = 0; u < P && u <= n; u++)
            acc += (int32_t)buf.q.h[K - 1 - (p + S * u)] * (int32_t)buf.q.in[n - u];
        int32_t y = (int32_t)(acc >> 15); /* as CMSIS: truncate to 32 bits, then saturate */
        if (y > 32767) y = 32767;
        if (y < -32768) y = -32768;
        if (buf.q.out[o] != y) ok = 0;
    }
    report("q15", s, ok);
}

/* ---------------------------------------------------------------- startup */

extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
extern uint32_t __stack_top[];

__attribute__((noreturn, used)) void start(void)
{
    for (uint32_t *d = __data_start, *l = __data_load; d < __data_end;) *d++ = *l++;
    for (uint32_t *d = __bss_start; d < __bss_end;) *d++ = 0;
    for (unsigned i = 0; i < sizeof shapes / sizeof shapes[0]; i++) run_f32(&shapes[i]);
    for (unsigned i = 0; i < sizeof shapes / sizeof shapes[0]; i++) run_q15(&shapes[i]);
    exit_(all_ok);
}

/* Reset: enable the FPU (and with it MVE on the M55: CPACR CP10/CP11 full access)
 * before any C code can use a floating-point or vector register, then start(). */
__attribute__((naked, noreturn)) void Reset_Handler(void)
{
    __asm volatile(
#if defined(__ARM_FP) || defined(__ARM_FEATURE_MVE)
        "ldr r0, =0xE000ED88\n"
        "ldr r1, [r0]\n"
        "ldr r2, =0x00F00000\n"
        "orrs r1, r1, r2\n"
        "str r1, [r0]\n"
        "dsb\n"
        "isb\n"
#endif
        "bl start\n"
        ".ltorg\n");
}

__attribute__((noreturn)) void Fault_Handler(void)
{
    puts_("fault\n");
    exit_(0);
}

__attribute__((section(".vectors"), used)) const void *const vectors[16] = {
    __stack_top, Reset_Handler, Fault_Handler, Fault_Handler, Fault_Handler,
    Fault_Handler, Fault_Handler, Fault_Handler, 0, 0, 0,
    Fault_Handler, Fault_Handler, 0, Fault_Handler, Fault_Handler,
};
