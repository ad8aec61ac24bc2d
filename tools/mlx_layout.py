#!/usr/bin/env python3
"""Checks the grouped MLX weight layout that `from_mlx` assumes, against MLX itself.

    pip install torch numpy "mlx[cpu]" && python3 tools/mlx_layout.py

MLX documents its conv_transpose1d weight as (C_out, K, C_in) and its own tests cover only
groups = 1. For groups, conv-transpose takes w_mlx[co][k][c] = w_torch[g*CIN_G + c][co - g*COUT_G][k]
(co in group g). This script builds MLX weights that way from PyTorch ones and checks that
mx.conv_transpose1d gives torch.nn.functional.conv_transpose1d's result. Last run: MLX 0.32.4,
torch 2.15.0, all shapes True with errors below 2e-7 (f32 against float64).
"""
import numpy as np, torch, mlx.core as mx
rng = np.random.default_rng(0)
for (cin, cout, G, K, S, P, D, OP, L) in [(4, 6, 2, 3, 2, 1, 1, 1, 7), (8, 4, 4, 4, 3, 1, 2, 2, 5), (2, 2, 2, 8, 2, 3, 1, 0, 16), (2, 6, 2, 4, 2, 1, 1, 1, 8), (6, 4, 2, 5, 3, 2, 2, 2, 7)]:
    cig, cog = cin // G, cout // G
    wt = rng.uniform(-1, 1, (cin, cog, K)).astype(np.float32)
    x = rng.uniform(-1, 1, (1, cin, L)).astype(np.float32)
    yt = torch.nn.functional.conv_transpose1d(torch.from_numpy(x).double(), torch.from_numpy(wt).double(), stride=S, padding=P, output_padding=OP, groups=G, dilation=D).numpy()
    wm = np.zeros((cout, K, cig), np.float32)
    for co in range(cout):
        g = co // cog
        for k in range(K):
            for c in range(cig):
                wm[co, k, c] = wt[g * cig + c, co - g * cog, k]
    try:
        ym = np.array(mx.conv_transpose1d(mx.array(x.transpose(0, 2, 1)), mx.array(wm), stride=S, padding=P, dilation=D, output_padding=OP, groups=G)).transpose(0, 2, 1)
        print((cin, cout, G, K, S, P, D, OP), ym.shape == yt.shape and np.allclose(ym, yt, atol=1e-5), float(np.abs(ym - yt).max()) if ym.shape == yt.shape else ym.shape)
    except Exception as e:
        print((cin, cout, G, K, S, P, D, OP), "MLX error:", e)
