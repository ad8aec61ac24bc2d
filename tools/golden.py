#!/usr/bin/env python3
"""Golden vectors for conv-transpose, computed by PyTorch.

    pip install torch numpy
    python3 tools/golden.py          # rewrites tests/data/golden/

For each case it draws seeded inputs, weights and bias uniform in [-1, 1), rounds them to
the case's dtype, and computes the reference with
`torch.nn.functional.conv_transpose1d` in float64 from exactly those values. It writes

    tests/data/golden/<name>.bin   little-endian, in this order:
        x  (B, CIN, L)        dtype of the case (f32 or f64)
        w  (CIN, COUT/G, K)   dtype of the case
        b  (COUT)             dtype of the case, only when the case has a bias
        y  (B, COUT, L_out)   float64, PyTorch's result
    tests/data/golden/cases.rs     one `golden!(...)` line per case, read by tests/golden.rs
    tests/data/output_padding.txt  `L K S P D wanted op` lines: the output padding
                                   PyTorch's `forward(x, output_size=[wanted])` uses,
                                   or `none` where it raises

The Rust tests never need torch: the generated files are committed.
"""
import pathlib

import torch
import torch.nn.functional as F

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "golden"

CASES = []


def case(name, dtype, L, cin, cout, groups, k, s, p=0, d=1, op=0, bias=True, batch=2):
    out_len = (L - 1) * s - 2 * p + d * (k - 1) + op + 1
    assert out_len >= 1 and op < max(s, d) and cin % groups == 0 and cout % groups == 0, name
    CASES.append(dict(name=name, dtype=dtype, L=L, cin=cin, cout=cout, groups=groups, k=k,
                      s=s, p=p, d=d, op=op, bias=bias, batch=batch))


# Every legal output padding for strides 1..5 and dilations 1..3. Kernels run 1..4, so
# many of these have K < S (phases no tap reaches), and K = 1; padding and bias vary.
for s in range(1, 6):
    for d in range(1, 4):
        for op in range(max(s, d)):
            k = 1 + (s + d + op) % 4
            p = (s * d + op) % 3
            L = 4
            while (L - 1) * s - 2 * p + d * (k - 1) + op + 1 < 1:
                L += 1
            case(f"s{s}_d{d}_op{op}", "f32", L, 2, 3, 1, k, s, p, d, op,
                 bias=(s + d + op) % 2 == 0)

# Padding from none to cropping all but one frame.
case("crop_none", "f32", 6, 2, 2, 1, 4, 2, 0)
case("crop_half_kernel", "f32", 6, 2, 2, 1, 4, 2, 2)
case("crop_heavy", "f32", 6, 2, 2, 1, 4, 2, 5)
case("crop_to_one_frame", "f32", 3, 1, 2, 1, 3, 2, 3)
case("crop_with_output_padding", "f32", 5, 1, 1, 1, 3, 3, 4, 2, 2)
# Kernel shorter than the stride, kernel of one tap, unequal channel counts.
case("k_below_s", "f32", 8, 1, 1, 1, 2, 5, 0, 1, 4)
case("k1_s3", "f32", 5, 3, 2, 1, 1, 3, 0, 1, 2)
case("k1_s1", "f32", 5, 3, 4, 1, 1, 1)
case("cin_above_cout", "f32", 6, 7, 2, 1, 5, 2, 1)
case("cin_below_cout", "f32", 6, 1, 9, 1, 5, 3, 2, 2, 1)
# Groups: two, four, depthwise, depthwise with a channel multiplier, with and without bias.
case("groups2", "f32", 7, 4, 6, 2, 3, 2, 1, 1, 1)
case("groups2_nobias", "f32", 7, 4, 6, 2, 3, 2, 1, 1, 1, bias=False)
case("groups4", "f32", 5, 8, 4, 4, 4, 3, 1, 2, 2)
case("depthwise_stereo", "f32", 16, 2, 2, 2, 8, 2, 3)
case("depthwise_8ch", "f32", 9, 8, 8, 8, 5, 3, 1, 2, 0, bias=False)
case("depthwise_multiplier", "f32", 8, 2, 6, 2, 4, 2, 1, 1, 1)

# Real model layers (batch 1). Channel counts are the models' own where the weights stay
# under a megabyte or two; MelGAN's and DAC's widest layers are narrowed, keeping each
# model's rule for kernel, stride, padding and output padding.
# HiFi-GAN v2: upsample_rates [8, 8, 2, 2], kernels [16, 16, 4, 4], padding (k - s) / 2.
case("hifigan_v2_up1", "f32", 6, 128, 64, 1, 16, 8, 4, batch=1)
case("hifigan_v2_up2", "f32", 8, 64, 32, 1, 16, 8, 4, batch=1)
case("hifigan_v2_up3", "f32", 16, 32, 16, 1, 4, 2, 1, batch=1)
case("hifigan_v2_up4", "f32", 32, 16, 8, 1, 4, 2, 1, batch=1)
# MelGAN: K = 2S, P = S // 2 + S % 2, OP = S % 2 (odd strides use output padding).
for s, cin in ((8, 64), (2, 32), (3, 16), (5, 16)):
    case(f"melgan_s{s}", "f32", 8, cin, cin // 2, 1, 2 * s, s, s // 2 + s % 2, 1, s % 2, batch=1)
# EnCodec (SEANet decoder): K = 2S, no padding; causal models trim K - S on the right.
case("encodec_s2", "f32", 16, 64, 32, 1, 4, 2, batch=1)
case("encodec_s4", "f32", 8, 128, 64, 1, 8, 4, batch=1)
case("encodec_s5", "f32", 6, 256, 128, 1, 10, 5, batch=1)
# DAC: K = 2S, P = ceil(S / 2).
case("dac_s2", "f32", 12, 192, 96, 1, 4, 2, 1, batch=1)
case("dac_s4", "f32", 8, 48, 24, 1, 8, 4, 2, batch=1)
case("dac_s8", "f32", 6, 96, 48, 1, 16, 8, 4, batch=1)

# f64: a spread of the above, with inputs that are not f32 values.
case("f64_s3_d2_op2", "f64", 5, 2, 3, 1, 4, 3, 1, 2, 2)
case("f64_k_below_s", "f64", 8, 1, 1, 1, 2, 5, 0, 1, 4)
case("f64_crop_heavy", "f64", 6, 2, 2, 1, 4, 2, 5, bias=False)
case("f64_groups2", "f64", 7, 4, 6, 2, 3, 2, 1, 1, 1)
case("f64_depthwise", "f64", 16, 2, 2, 2, 8, 2, 3)
case("f64_hifigan_v2_up3", "f64", 16, 32, 16, 1, 4, 2, 1, batch=1)
case("f64_melgan_s3", "f64", 8, 16, 8, 1, 6, 3, 2, 1, 1, batch=1)
case("f64_encodec_s4", "f64", 8, 128, 64, 1, 8, 4, batch=1)


def write_case(c, seed):
    dtype = torch.float32 if c["dtype"] == "f32" else torch.float64
    g = torch.Generator().manual_seed(seed)

    def draw(*shape):
        return (torch.rand(*shape, generator=g, dtype=torch.float64) * 2 - 1).to(dtype)

    x = draw(c["batch"], c["cin"], c["L"])
    w = draw(c["cin"], c["cout"] // c["groups"], c["k"])
    b = draw(c["cout"]) if c["bias"] else None
    y = F.conv_transpose1d(
        x.double(), w.double(), None if b is None else b.double(),
        stride=c["s"], padding=c["p"], output_padding=c["op"], groups=c["groups"],
        dilation=c["d"])
    out_len = (c["L"] - 1) * c["s"] - 2 * c["p"] + c["d"] * (c["k"] - 1) + c["op"] + 1
    assert y.shape == (c["batch"], c["cout"], out_len), (c["name"], y.shape)
    parts = [x, w] + ([b] if b is not None else []) + [y]
    blob = b"".join(t.contiguous().numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()
                    for t in parts)
    (OUT / f"{c['name']}.bin").write_bytes(blob)
    return out_len


def output_padding_table():
    """PyTorch's choice of output padding for output_size=[wanted], or none."""
    lines = []
    for L in (1, 2, 5):
        for k in (1, 2, 4):
            for s in (1, 2, 3):
                for p in (0, 1, 2):
                    for d in (1, 2):
                        m = torch.nn.ConvTranspose1d(1, 1, k, stride=s, padding=p, dilation=d)
                        x = torch.zeros(1, 1, L)
                        base = (L - 1) * s - 2 * p + d * (k - 1) + 1
                        for wanted in range(max(1, base - 2), base + s + 2):
                            try:
                                op = m._output_padding(x, [wanted], [s], [p], [k], 1, [d])[0]
                                y = m(x, output_size=[wanted])
                                assert y.shape[-1] == wanted
                                got = str(op)
                            except (ValueError, RuntimeError):
                                got = "none"
                            lines.append(f"{L} {k} {s} {p} {d} {wanted} {got}")
    return lines


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.bin"):
        old.unlink()
    lines = ["// Generated by tools/golden.py; do not edit.",
             "// golden!(name, type, batch, L, CIN, COUT, COUT_G, CIN/G, K, S, P, D, OP, bias);"]
    for seed, c in enumerate(CASES):
        write_case(c, 1000 + seed)
        cg, ci = c["cout"] // c["groups"], c["cin"] // c["groups"]
        lines.append(
            f"golden!({c['name']}, {c['dtype']}, {c['batch']}, {c['L']}, {c['cin']}, {c['cout']}, "
            f"{cg}, {ci}, {c['k']}, {c['s']}, {c['p']}, {c['d']}, {c['op']}, {str(c['bias']).lower()});")
    (OUT / "cases.rs").write_text("\n".join(lines) + "\n")
    table = output_padding_table()
    (ROOT / "tests" / "data" / "output_padding.txt").write_text(
        "# Generated by tools/golden.py from PyTorch " + torch.__version__ +
        ": L K S P D wanted output_padding\n" + "\n".join(table) + "\n")
    print(f"{len(CASES)} cases, {len(table)} output_size rows, torch {torch.__version__}")


if __name__ == "__main__":
    main()
