#!/usr/bin/env python3
"""Golden vectors for mono FIR interpolation, computed by CMSIS-DSP itself.

    pip install cmsisdsp numpy      # PyPI's cmsisdsp compiles CMSIS-DSP (several minutes)
    python3 tools/cmsis_golden.py   # rewrites tests/data/cmsis/

Made with cmsisdsp 1.10.3 (numpy 2.4), built from source on x86-64, so CMSIS-DSP's
portable C code ran (the same C that Cortex-M parts without the DSP extension run).

Each case runs `arm_fir_interpolate_q15` / `arm_fir_interpolate_q31` over a signal cut into
several consecutive blocks through one instance (the state carries over between calls) and
concatenates the outputs. The Python bindings used (cmsisdsp 1.10.3):

    S = cmsisdsp.arm_fir_interpolate_instance_q15()        # or _q31
    status = cmsisdsp.arm_fir_interpolate_init_q15(S, L, numTaps, pCoeffs, pState)
        # blockSize is not passed: the binding takes len(pState) - len(pCoeffs) + 1,
        # so pState has blockSize + numTaps - 1 entries (CMSIS itself needs only
        # blockSize + numTaps/L - 1). status 0 is ARM_MATH_SUCCESS.
    y = cmsisdsp.arm_fir_interpolate_q15(S, x)              # len(y) == len(x) * L
        # len(x) must not exceed that blockSize: the state buffer is sized by it.

CMSIS stores the taps time-reversed (pCoeffs = b[numTaps-1], ..., b[0]); numTaps is a
multiple of L. With a zero initial state it computes y[n] = sum_k b[k] * xup[n-k], xup being
x with L-1 zeros stuffed after each sample. Before writing anything, every case is checked
against an independent numpy integer model of CMSIS's arithmetic:

    Q15: y = clip((sum of int64 products) >> 15, -32768, 32767)   (__SSAT(sum >> 15, 16))
    Q31: y = int32 wrap of ((wrapping int64 sum of int64 products) >> 31)
                                                                   ((q31_t)(sum >> 31))

and against the crate's definition, the exact sum with Python integers shifted once and
saturated: clip(floor(sum / 2^FRAC), MIN, MAX). The two agree for every case except the
Q31 `*_wrap` cases, built so that CMSIS's 64-bit accumulator and its final cast wrap;
those files also carry the crate's (saturating) result as an `exact` line. (The
accumulator's wrap cancels out: modulo 2^64, >> 31, modulo 2^32 is floor(sum / 2^31)
modulo 2^32, so CMSIS's Q31 output is the exact result wrapped to 32 bits, which the
script asserts too, and it departs from the crate exactly where the crate saturates.)

File format, tests/data/cmsis/<name>.txt, whitespace-separated integers:

    # comment lines
    type q15|q31
    stride L            (the interpolation factor: the layer's S)
    block B             (inputs per call)
    taps b[0] .. b[K-1] (TIME order, the crate's / PyTorch's order, not CMSIS's)
    input x[0] .. x[N-1]
    output y[0] .. y[N*L-1]      (CMSIS's)
    exact ...           (wrap cases only: the exact result, saturated)
    differs D           (wrap cases only: how many frames of `exact` differ from `output`)
"""
import importlib.metadata
import pathlib

import cmsisdsp as dsp
import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "cmsis"

CMSIS_VERSION = importlib.metadata.version("cmsisdsp")  # 1.10.3 for the committed files

Q = {
    "q15": dict(bits=16, frac=15, dtype=np.int16),
    "q31": dict(bits=32, frac=31, dtype=np.int32),
}


def lim(kind):
    bits = Q[kind]["bits"]
    return -(1 << (bits - 1)), (1 << (bits - 1)) - 1


# ----------------------------------------------------------------------------- taps
def kaiser_taps(kind, L, K, beta=8.0):
    """A Kaiser-windowed sinc interpolator (cut-off at the input Nyquist rate), quantised
    so that every phase's taps have sum |w| <= MAX in raw units (no output can saturate)."""
    n = np.arange(K) - (K - 1) / 2
    h = np.sinc(n / L) * np.kaiser(K, beta)
    top = lim(kind)[1]
    l1 = max(np.abs(h[r::L]).sum() for r in range(L))
    q = np.round(h * (top / l1)).astype(np.int64)
    while max(np.abs(q[r::L]).sum() for r in range(L)) > top:  # rounding ate the margin
        q -= np.sign(q)
    return [int(v) for v in q]


def random_taps(kind, K, rng):
    lo, hi = lim(kind)
    return [int(v) for v in rng.integers(lo, hi, K, endpoint=True)]


# ----------------------------------------------------------------------------- inputs
def signal(kind, n, rng, shift=0):
    """Random full-range samples with runs at exactly MIN and MAX (each crossing a block
    boundary in these cases) and a full-scale sine over the last quarter; all divided by
    2^shift (an arithmetic shift) where a case wants headroom."""
    lo, hi = lim(kind)
    x = rng.integers(lo, hi, n, endpoint=True).astype(np.int64)
    a, b = n // 6, n // 2
    x[a - 20:a + 25] = lo
    x[b - 30:b + 17] = hi
    x[a + 25:a + 40] = hi  # a step from MIN straight to MAX
    s = 3 * n // 4
    t = np.arange(n - s)
    x[s:] = np.round(hi * np.sin(2 * np.pi * 0.0371 * t + 0.3)).astype(np.int64)
    return [int(v) >> shift for v in x]


# ----------------------------------------------------------------------------- CMSIS
def cmsis_run(kind, L, taps, x, block):
    K = len(taps)
    dt = Q[kind]["dtype"]
    new = getattr(dsp, f"arm_fir_interpolate_instance_{kind}")
    init = getattr(dsp, f"arm_fir_interpolate_init_{kind}")
    run = getattr(dsp, f"arm_fir_interpolate_{kind}")
    inst = new()
    coeffs = np.array(taps[::-1], dtype=dt)  # CMSIS's time-reversed order
    state = np.zeros(block + K - 1, dtype=dt)  # binding: blockSize = len(state) - K + 1
    status = init(inst, L, K, coeffs, state)
    assert status == 0, f"init failed: {status}"
    assert inst.L() == L and inst.phaseLength() == K // L
    assert len(x) % block == 0
    out = []
    for i in range(0, len(x), block):
        y = run(inst, np.array(x[i:i + block], dtype=dt))
        assert y.dtype == dt and len(y) == block * L
        out.extend(int(v) for v in y)
    return out


# ----------------------------------------------------------------------------- models
def cmsis_model(kind, L, taps, x):
    """CMSIS's arithmetic in numpy int64: wrapping sums (int64 array adds wrap)."""
    K, N = len(taps), len(x)
    xs = np.array(x, dtype=np.int64)
    acc = np.zeros(N * L, dtype=np.int64)
    n = np.arange(N * L)
    for k in range(K):
        # y[n] += b[k] * xup[n - k]; xup[m] = x[m / L] when L divides m, else 0.
        m = n - k
        ok = (m >= 0) & (m % L == 0)
        idx = np.where(ok, m // L, 0)
        prod = np.where(ok, xs[idx] * np.int64(taps[k]), np.int64(0))
        acc = acc + prod  # wraps modulo 2^64, like the C code's q63_t
    shifted = acc >> Q[kind]["frac"]
    if kind == "q15":
        lo, hi = lim(kind)
        assert np.all(np.abs(shifted) < 2**31), "Q15 sum >> 15 would not fit in 32 bits"
        return [int(v) for v in np.clip(shifted, lo, hi)]
    return [int(v) for v in shifted.astype(np.int32)]  # (q31_t) cast: wraps


def exact_model(kind, L, taps, x):
    """The crate's definition: the exact sum (Python ints), shifted once, saturated.
    Also returns the exact sums themselves."""
    K, N = len(taps), len(x)
    lo, hi = lim(kind)
    frac = Q[kind]["frac"]
    y, sums = [], []
    for n in range(N * L):
        s = 0
        for k in range(K):
            m = n - k
            if m >= 0 and m % L == 0:
                s += taps[k] * x[m // L]
        sums.append(s)
        y.append(min(max(s >> frac, lo), hi))
    return y, sums


# ----------------------------------------------------------------------------- cases
# name, type, L, K, block, blocks, taps ("kaiser" | "random" | "large"), input shift
CASES = [
    ("q15_up2_kaiser", "q15", 2, 32, 160, 5, "kaiser", 0),
    ("q15_up2_random", "q15", 2, 32, 160, 5, "random", 0),
    ("q15_up3_kaiser", "q15", 3, 48, 160, 4, "kaiser", 0),
    ("q15_up3_random", "q15", 3, 48, 160, 4, "random", 0),
    ("q15_up4_kaiser", "q15", 4, 64, 160, 4, "kaiser", 0),
    ("q15_up4_random", "q15", 4, 64, 160, 6, "random", 0),
    ("q15_up5_k25", "q15", 5, 25, 64, 5, "random", 0),
    ("q15_up1_fir", "q15", 1, 16, 100, 4, "random", 0),
    # Inputs scaled down by numTaps/L = 16 (a 4-bit shift), as CMSIS's documentation
    # recommends: nothing wraps, so the crate must match these bit for bit.
    ("q31_up2_kaiser_scaled", "q31", 2, 32, 160, 5, "kaiser", 4),
    ("q31_up3_random_scaled", "q31", 3, 48, 160, 4, "random", 4),
    # Full-scale inputs and full-scale taps: CMSIS's accumulator and final cast wrap.
    ("q31_up2_wrap", "q31", 2, 32, 160, 4, "random", 0),
    ("q31_up3_wrap", "q31", 3, 48, 160, 4, "random", 0),
]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for f in OUT.glob("*.txt"):
        f.unlink()
    for seed, (name, kind, L, K, block, blocks, taps_kind, shift) in enumerate(CASES):
        assert K % L == 0
        rng = np.random.default_rng(20260 + seed)
        taps = kaiser_taps(kind, L, K) if taps_kind == "kaiser" else random_taps(kind, K, rng)
        x = signal(kind, block * blocks, rng, shift)

        y = cmsis_run(kind, L, taps, x, block)
        model = cmsis_model(kind, L, taps, x)
        assert model == y, f"{name}: the integer model differs from CMSIS"
        exact, sums = exact_model(kind, L, taps, x)
        differs = sum(a != b for a, b in zip(exact, y))
        acc_wraps = sum(not -2**63 <= v < 2**63 for v in sums)
        if kind == "q31":
            # Modulo 2^64, then >> 31, then modulo 2^32 is floor(sum / 2^31) modulo 2^32:
            # the accumulator's wrap cancels out, only the final cast shows.
            wrap32 = [((v >> 31) + 2**31) % 2**32 - 2**31 for v in sums]
            assert wrap32 == y, f"{name}: CMSIS is not the exact result wrapped to 32 bits"
        wrap = name.endswith("_wrap")
        if wrap:
            assert differs > 0 and acc_wraps > 0, f"{name}: nothing wrapped"
        else:
            assert differs == 0, f"{name}: CMSIS overflowed in {differs} frames"
        lo, hi = lim(kind)
        sat = sum(v in (lo, hi) for v in exact)

        lines = [
            f"# Generated by tools/cmsis_golden.py with cmsisdsp {CMSIS_VERSION}; do not edit.",
            f"# arm_fir_interpolate_{kind}: L = {L}, numTaps = {K}, blockSize = {block}, "
            f"{blocks} consecutive blocks through one instance (seed {20260 + seed}).",
            f"# taps: {taps_kind}; input: random full-range with runs at MIN and MAX, then a "
            f"full-scale sine" + (f", all >> {shift}" if shift else "") + ".",
            f"# {sat} of {len(exact)} exact outputs are at MIN or MAX.",
        ]
        if wrap:
            lines.append(f"# The 64-bit accumulator wraps in {acc_wraps} frames and the final "
                         f"(q31_t) cast in {differs}: there CMSIS wraps and the crate saturates, "
                         f"so {differs} of {len(y)} frames differ.")
        lines += [
            f"type {kind}",
            f"stride {L}",
            f"block {block}",
            "taps " + " ".join(map(str, taps)),
            "input " + " ".join(map(str, x)),
            "output " + " ".join(map(str, y)),
        ]
        if wrap:
            lines.append("exact " + " ".join(map(str, exact)))
            lines.append(f"differs {differs}")
        (OUT / f"{name}.txt").write_text("\n".join(lines) + "\n")
        print(f"{name}: {len(x)} in, {len(y)} out, saturated {sat}, differs {differs}, "
              f"accumulator wraps {acc_wraps}")


if __name__ == "__main__":
    main()
