#!/usr/bin/env python3
"""Golden vectors computed by Modular MAX itself (PyPI `max`), on the CPU.

    python3 -m venv /work/maxenv && /work/maxenv/bin/pip install "max==26.7.0" numpy
    /work/maxenv/bin/python tools/max_golden.py     # rewrites tests/data/golden_max/

What runs. MAX has no 1-D transposed-convolution op: `max.graph.ops.conv2d_transpose`
is 2-D, and `max.nn.ConvTranspose1d` is that op with H = 1. This script builds a graph
around `ops.conv2d_transpose(x, w, stride=(1, S), dilation=(1, D),
padding=(0, 0, PL, PR), output_paddings=(0, OP))` with

    x  NHWC (B, 1, L, CIN)          = PyTorch's x (B, CIN, L) transposed, H = 1
    w  RSCF (1, K, COUT, CIN)       = MAX's 1-D layout (K, COUT, CIN) with kernel height 1,
                                      i.e. w_max[0, k, co, ci] = w_torch[ci, co, k]
    y  NHWC (B, 1, L_out, COUT)     -> written as (B, COUT, L_out)

`padding` is (H_before, H_after, W_before, W_after), crops of the *output*, so the 1-D
padding tuple (PL, PR) is (0, 0, PL, PR); max.nn.ConvTranspose1d turns an int p into
(0, 0, p, p), stride s into (1, s), output_padding op into (0, op). Each case is also run
through `max.nn.ConvTranspose1d(permute=False, has_bias=False)` with the same padding
tuple, and the two must agree bit for bit.

What does not run, and the workarounds used here (max 26.7.0 and 25.7.0 alike):
- A filter that is a constant of the graph (a `Weight`, as in `max.nn.ConvTranspose1d`
  loaded through `load_state_dict`, or `ops.constant`) fails to compile on the CPU:
  "Failed to infer all the kernel parameters: Failed to infer parameter `num_groups`"
  (25.7.0: "cannot lower unknown attribute to LLVMnum_groups"). A filter that is a
  *runtime input* of the graph compiles and runs, so the weight is passed as an input,
  and the nn layer's `weight` attribute is replaced by that input before it is called.
- `permute=True` (NCHW input, CFRS filter) fails: "Filter layout CFRS is not supported"
  ("function instantiation failed").
- The op's `bias=` argument permutes as if the op's output were NCHW, but it is NHWC, so
  it returns (B, COUT, L_out, COUT) with [b, c', j, c] = y[b, 0, j, c] + bias[c'] (for
  H = 1); the bias is therefore added in the graph after the op (`ops.add` on the last,
  channels, axis).
- The Python wrapper rejects OP >= S ("output padding must be smaller than either stride
  or dilation"), although PyTorch allows OP < max(S, D). The `raw_` cases (OP >= S,
  OP < D) call the same MLIR op, `rmo.ConvTransposeOp`, through the graph's private
  `_add_op_generated`, skipping only that check; their `nn` cross-check is skipped.
- The op accepts rank 4 and 5 only ("[conv_transpose] requires (input_rank == 4 or 5)"),
  so H = 1 it is. There are no groups (the op has no groups parameter): groups = 1.

Every case is checked against a float64 numpy scatter, the definition of PyTorch's
layer with crops that may differ between the ends:
    y_full[b, co, i*S + k*D] += x[b, ci, i] * w[ci, co, k]    length (L-1)*S + D*(K-1) + OP + 1
    y = y_full[:, :, PL : full - PR] + bias
MAX's f32 output must match it to f32 rounding (|err| <= CIN*K * eps32 * sum|terms|).

Inputs, weights and bias are seeded, uniform in [-1, 1), f32. Files, little-endian:
    tests/data/golden_max/<name>.bin   x (B, CIN, L) f32, w (K, COUT, CIN) f32 (MAX's
                                       layout, the filter MAX ran without its unit height),
                                       b (COUT) f32 if bias, y (B, COUT, L_out) f64 (MAX's
                                       f32 output widened)
    tests/data/golden_max/cases.rs     one `max_case!(...)` line per case
"""
import importlib.metadata
import pathlib

import numpy as np
from max import driver, engine
from max.dtype import DType
from max.graph import DeviceRef, Graph, Shape, TensorType, ops
from max.graph.type import ConvInputLayout, FilterLayout
from max.nn import ConvTranspose1d
from max._core.dialects import rmo

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "golden_max"
VERSION = importlib.metadata.version("max")
CPU = DeviceRef.CPU()

CASES = []


def case(name, L, cin, cout, k, s, pl, pr, d=1, op=0, bias=True, batch=1):
    full = (L - 1) * s + d * (k - 1) + op + 1
    assert full - pl - pr >= 1, name
    assert op < max(s, d), name  # PyTorch's rule
    assert all(c["name"] != name for c in CASES), name
    CASES.append(dict(name=name, L=L, cin=cin, cout=cout, k=k, s=s, pl=pl, pr=pr, d=d,
                      op=op, bias=bias, batch=batch, raw=op >= s))


# Strides 1..4, dilations 1 and 2, every output padding MAX's API takes (OP < S), kernels
# 1..6, channels 1..4, crops uneven (PL != PR) and even, bias and batch alternating.
n = 0
for s in range(1, 5):
    for d in (1, 2):
        for op in range(s):
            k = 1 + n % 6
            cin, cout = 1 + n % 4, 1 + (n * 3 + 1) % 4
            pl, pr = (s + op) % 3, (d + op + 1) % 4
            L = 3
            while (L - 1) * s + d * (k - 1) + op + 1 - pl - pr < 1:
                L += 1
            case(f"s{s}_d{d}_op{op}_k{k}", L, cin, cout, k, s, pl, pr, d, op,
                 bias=n % 2 == 0, batch=1 + n % 2)
            n += 1
# Every kernel size with no crop, and with a symmetric crop (PyTorch's own padding).
for k in range(1, 7):
    case(f"plain_k{k}", 5, 2, 3, k, 2, 0, 0, bias=k % 2 == 1, batch=2)
    case(f"sym_k{k}_s3", 4, 3, 2, k, 3, 1, 1, d=2, op=2, bias=k % 2 == 0)
# One crop side only, both ways, and crops reaching into the output padding's zeros.
case("left_only", 6, 2, 2, 4, 2, 3, 0, op=1)
case("right_only", 6, 2, 2, 4, 2, 0, 3, op=1, batch=2)
case("crop_into_op", 3, 1, 2, 2, 4, 0, 1, op=3)
case("crop_both_into_op", 3, 2, 1, 3, 4, 2, 2, d=2, op=3, bias=False)
case("left_heavy", 5, 4, 4, 6, 3, 7, 1, d=2, op=1, batch=2)
case("right_heavy", 5, 4, 4, 6, 3, 1, 7, d=2, op=2, bias=False)
# Causal decoder crops: PL = 0, PR = D*(K-1) + OP + 1 - S, so L frames give L*S.
case("causal_k4_s2", 8, 2, 3, 4, 2, 0, 2)
case("causal_k8_s4", 5, 4, 2, 8, 4, 0, 4, batch=2)
case("causal_k6_s3_d2_op1", 5, 3, 3, 6, 3, 0, 9, d=2, op=1, bias=False)
# OP >= S with OP < D: legal in PyTorch, refused by MAX's Python wrapper; the op itself.
case("raw_s1_d2_op1", 5, 2, 3, 3, 1, 1, 0, d=2, op=1)
case("raw_s1_d3_op2", 4, 3, 2, 4, 1, 0, 2, d=3, op=2, bias=False, batch=2)
case("raw_s2_d3_op2", 4, 2, 2, 3, 2, 2, 1, d=3, op=2)


def scatter_reference(x, w, b, s, pl, pr, d, op):
    """float64 result and the sum of |terms| per output (for the rounding bound)."""
    batch, cin, L = x.shape
    _, cout, k = w.shape
    full = (L - 1) * s + d * (k - 1) + op + 1
    y = np.zeros((batch, cout, full))
    mag = np.zeros((batch, cout, full))
    x64, w64 = x.astype(np.float64), w.astype(np.float64)
    for bi in range(batch):
        for ci in range(cin):
            for co in range(cout):
                for i in range(L):
                    for kk in range(k):
                        t = x64[bi, ci, i] * w64[ci, co, kk]
                        y[bi, co, i * s + kk * d] += t
                        mag[bi, co, i * s + kk * d] += abs(t)
    y, mag = y[:, :, pl:full - pr], mag[:, :, pl:full - pr]
    if b is not None:
        y = y + b.astype(np.float64)[None, :, None]
        mag = mag + np.abs(b.astype(np.float64))[None, :, None]
    return y, mag


def input_types(c):
    """x NHWC (B, 1, L, CIN), w RSCF (1, K, COUT, CIN)[, b (COUT)]."""
    types = [TensorType(DType.float32, (c["batch"], 1, c["L"], c["cin"]), CPU),
             TensorType(DType.float32, (1, c["k"], c["cout"], c["cin"]), CPU)]
    if c["bias"]:
        types.append(TensorType(DType.float32, (c["cout"],), CPU))
    return types


def emit(c, via, x, w, b):
    """The case's layer inside the current graph, through `via`; y NHWC (B, 1, L_out, COUT)."""
    s, d, pl, pr, op = c["s"], c["d"], c["pl"], c["pr"], c["op"]
    if via == "ops":
        y = ops.conv2d_transpose(x, w, stride=(1, s), dilation=(1, d),
                                 padding=(0, 0, pl, pr), output_paddings=(0, op),
                                 input_layout=ConvInputLayout.NHWC,
                                 filter_layout=FilterLayout.RSCF)
    elif via == "raw":
        # ops.conv2d_transpose without its `output_paddings < stride` check.
        y = Graph.current._add_op_generated(
            rmo.ConvTransposeOp, input=x, filter=w._with_layout(FilterLayout.RSCF),
            strides=Shape((1, s)), dilations=Shape((1, d)),
            paddings=Shape((0, 0, pl, pr)), output_paddings=Shape((0, op)),
            input_layout=ConvInputLayout.NHWC)[0].tensor
    else:  # max.nn.ConvTranspose1d, channels-last, MAX's (K, COUT, CIN) weight
        layer = ConvTranspose1d(length=c["k"], in_channels=c["cin"], out_channels=c["cout"],
                                dtype=DType.float32, stride=s, padding=(0, 0, pl, pr),
                                dilation=d, output_padding=op, device=CPU, has_bias=False,
                                permute=False, name=c["name"])
        layer.weight = ops.squeeze(w, 0)  # a runtime input, not a Weight (see above)
        y = ops.unsqueeze(layer(ops.squeeze(x, 1)), 1)
    if b is not None:
        y = ops.add(y, b)  # channels-last: the bias on the last axis
    return y


def run_max(cases, data):
    """Every case in one graph (compiling one graph takes about 20 s here): for each case
    MAX's output through `ops` (or `raw`), and through `nn` where that can run."""
    types, outputs = [], []
    for c in cases:
        types += input_types(c)
    with Graph("golden_max", input_types=types) as g:
        inputs = [v.tensor for v in g.inputs]
        for c in cases:
            x, w = inputs.pop(0), inputs.pop(0)
            b = inputs.pop(0) if c["bias"] else None
            vias = ["raw"] if c["raw"] else ["ops", "nn"]
            outputs += [emit(c, via, x, w, b) for via in vias]
        g.output(*outputs)
    args = []
    for c, (x, w, b) in zip(cases, data):
        args.append(np.ascontiguousarray(x.transpose(0, 2, 1)[:, None]))  # (B, 1, L, CIN)
        args.append(np.ascontiguousarray(w.transpose(2, 1, 0)[None]))  # (1, K, COUT, CIN)
        if b is not None:
            args.append(b)
    session = engine.InferenceSession(devices=[driver.CPU()])
    results = session.load(g).execute(*[driver.Buffer.from_numpy(a) for a in args])
    results = [r.to_numpy() for r in results]
    per_case = []
    for c in cases:
        ys = []
        for _ in range(1 if c["raw"] else 2):
            y = results.pop(0)
            assert y.dtype == np.float32 and y.shape[1] == 1, (c["name"], y.shape)
            ys.append(np.ascontiguousarray(y[:, 0].transpose(0, 2, 1)))  # (B, COUT, L_out)
        per_case.append(ys)
    return per_case


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.bin"):
        old.unlink()
    data = []
    for seed, c in enumerate(CASES):
        rng = np.random.default_rng(7000 + seed)
        x = rng.uniform(-1, 1, (c["batch"], c["cin"], c["L"])).astype(np.float32)
        w = rng.uniform(-1, 1, (c["cin"], c["cout"], c["k"])).astype(np.float32)
        b = rng.uniform(-1, 1, (c["cout"],)).astype(np.float32) if c["bias"] else None
        data.append((x, w, b))
    outputs = run_max(CASES, data)
    lines = [f"// Generated by tools/max_golden.py from max {VERSION}; do not edit.",
             "// max_case!(name, batch, L, CIN, COUT, K, S, PL, PR, D, OP, bias);"]
    eps = float(np.finfo(np.float32).eps)
    worst = 0.0
    for c, (x, w, b), ys in zip(CASES, data, outputs):
        y = ys[0]
        if not c["raw"]:
            y_nn = ys[1]
            assert np.array_equal(y, y_nn), f"{c['name']}: ops and nn.ConvTranspose1d differ"
        ref, mag = scatter_reference(x, w, b, c["s"], c["pl"], c["pr"], c["d"], c["op"])
        assert y.shape == ref.shape, f"{c['name']}: MAX {y.shape}, reference {ref.shape}"
        err = np.abs(y.astype(np.float64) - ref)
        bound = c["cin"] * c["k"] * eps * mag + np.finfo(np.float32).tiny
        if not np.all(err <= bound):
            at = np.unravel_index(np.argmax(err - bound), err.shape)
            raise AssertionError(f"{c['name']}: MAX disagrees with the scatter reference at "
                                 f"{at}: MAX {y[at]!r}, reference {ref[at]!r}")
        worst = max(worst, float(np.max(err / np.maximum(mag, 1e-30))) / eps)
        # The weight as MAX took it, (K, COUT, CIN) (the filter without its unit height).
        w_max = np.ascontiguousarray(w.transpose(2, 1, 0))
        parts = [x.astype("<f4"), w_max.astype("<f4")]
        parts += [b.astype("<f4")] if b is not None else []
        parts.append(y.astype("<f8"))
        (OUT / f"{c['name']}.bin").write_bytes(b"".join(p.tobytes() for p in parts))
        lines.append(f"max_case!({c['name']}, {c['batch']}, {c['L']}, {c['cin']}, {c['cout']}, "
                     f"{c['k']}, {c['s']}, {c['pl']}, {c['pr']}, {c['d']}, {c['op']}, "
                     f"{str(c['bias']).lower()});")
    (OUT / "cases.rs").write_text("\n".join(lines) + "\n")
    raw = sum(c["raw"] for c in CASES)
    print(f"{len(CASES)} cases ({raw} through rmo.ConvTransposeOp directly), max {VERSION}; "
          f"all match the float64 scatter, worst error {worst:.2f} eps32 * sum|terms|")


if __name__ == "__main__":
    main()
