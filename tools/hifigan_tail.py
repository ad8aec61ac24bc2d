#!/usr/bin/env python3
"""Golden model for the end-to-end test: the last three upsampling stages of HiFi-GAN v2.

HiFi-GAN v2 (upsample_initial_channel 128, rates 8, 8, 2, 2, kernels 16, 16, 4, 4) upsamples
with ConvTranspose1d(128->64, K16, S8, P4), (64->32, K16, S8, P4), (32->16, K4, S2, P1),
(16->8, K4, S2, P1), each preceded by LeakyReLU(0.1). This model keeps the last three,
without the residual blocks, and ends with tanh:

    y = tanh(ups.2(lrelu(ups.1(lrelu(ups.0(x))))))      lrelu = LeakyReLU(0.1)

on x of shape (1, 64, 16) (channels first, 16 frames): 16 -> 128 -> 256 -> 512 frames,
64 -> 32 -> 16 -> 8 channels. PyTorch's default initialisation, seeded; weights saved
plain (weight norm removed, as one does before export).

Writes hifigan/data/model.safetensors, input.npy (1, 64, 16) and output.npy (1, 8, 512),
all float32; it prints how far PyTorch's float32 output is from the same model in float64
(its own rounding, for the tolerance the test states). hifigan/data/net.toml, the
importer's description of this model, sits beside them (kept by hand: change both
together). Needs torch, numpy and safetensors (not needed by CI: the files are committed).

    python3 tools/hifigan_tail.py
"""
import os

import numpy as np
import torch
from safetensors.torch import save_file

OUT = os.path.join(os.path.dirname(__file__), "..", "hifigan", "data")


class Tail(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.ups = torch.nn.ModuleList([
            torch.nn.ConvTranspose1d(64, 32, 16, stride=8, padding=4),
            torch.nn.ConvTranspose1d(32, 16, 4, stride=2, padding=1),
            torch.nn.ConvTranspose1d(16, 8, 4, stride=2, padding=1),
        ])

    def forward(self, x):
        for i, up in enumerate(self.ups):
            if i > 0:
                x = torch.nn.functional.leaky_relu(x, 0.1)
            x = up(x)
        return torch.tanh(x)


def main():
    torch.manual_seed(2026)
    model = Tail().eval()
    x = torch.randn(1, 64, 16)
    with torch.no_grad():
        y = model(x)
        y64 = model.double()(x.double())
    model.float()
    os.makedirs(OUT, exist_ok=True)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()},
              os.path.join(OUT, "model.safetensors"))
    np.save(os.path.join(OUT, "input.npy"), x.numpy().astype(np.float32))
    np.save(os.path.join(OUT, "output.npy"), y.numpy().astype(np.float32))
    print("torch", torch.__version__, "output", tuple(y.shape),
          "max |y - y64|", float((y.double() - y64).abs().max()),
          "range", float(y.min()), float(y.max()))


if __name__ == "__main__":
    main()
