#!/usr/bin/env python3
"""The rational approximation of tanh that the SIMD kernels use for the Tanh epilogue.

tanh(x) ~ x * P(x^2) / Q(x^2) on [0, 9] (tanhf(9) rounds to 1.0f), P of degree 5 and Q of
degree 3 in x^2, Q(0) = 1. Fitted by iterated weighted least squares on the linearised
relative error (Loeb's weighting by the previous denominator, Lawson's weights towards
minimax). Prints the coefficients as f32 and the worst error of an f32 Horner evaluation
against float64 tanh. Needs numpy only.

    python3 tools/tanh_fit.py
"""
import numpy as np
from numpy.polynomial import polynomial as Pl

C = 9.0
NP, NQ = 6, 4


def fit(npn, nq, iters=200):
    x = np.concatenate([np.linspace(1e-4, C, 60000), np.geomspace(1e-4, 1, 5000)])
    x.sort()
    t = np.tanh(x)
    z = x * x / (C * C)  # scaled for conditioning
    w = np.ones_like(x)
    qprev = np.ones_like(x)
    best = None
    for _ in range(iters):
        a = np.concatenate([x[:, None] * z[:, None] ** np.arange(npn),
                            -(t[:, None] * z[:, None] ** np.arange(1, nq))], axis=1)
        weight = np.sqrt(w) / (t * qprev)
        sol, *_ = np.linalg.lstsq(a * weight[:, None], t * weight, rcond=None)
        p, q = sol[:npn], np.concatenate([[1.0], sol[npn:]])
        qprev = Pl.polyval(z, q)
        err = np.abs(x * Pl.polyval(z, p) / qprev - t) / t
        if best is None or err.max() < best[0]:
            best = (err.max(), p.copy(), q.copy())
        w = w * err
        w /= w.sum()
    e, p, q = best
    return e, p / (C * C) ** np.arange(npn), q / (C * C) ** np.arange(nq)


def f32_eval(p, q, xs):
    xs = np.float32(xs)
    zz = xs * xs
    num = np.float32(p[-1])
    for c in p[-2::-1]:
        num = num * zz + np.float32(c)
    den = np.float32(q[-1])
    for c in q[-2::-1]:
        den = den * zz + np.float32(c)
    return np.minimum(np.float32(1), xs * num / den)


err, p, q = fit(NP, NQ)
print(f"relative error of the fit (float64): {err:.3g}")
print("P:", ", ".join(repr(float(np.float32(v))) for v in p))
print("Q:", ", ".join(repr(float(np.float32(v))) for v in q))
xs = np.linspace(0, C, 4000001, dtype=np.float32)[1:]
ref = np.tanh(xs.astype(np.float64))
ulp = np.abs(f32_eval(p, q, xs).astype(np.float64) - ref) / np.spacing(ref.astype(np.float32))
print(f"f32 Horner evaluation: worst {ulp.max():.2f} ulp on (0, 9]")
