#!/usr/bin/env python3
"""Golden model for decoder/: a small weight-normalised upsampler with a causal last layer.

Three nn.ConvTranspose1d layers, LeakyReLU(0.1) between them and tanh at the end, in the
style of EnCodec's SEANet decoder:

    ups.0: 32 -> 16 channels, K 8, S 4, padding 2         torch.nn.utils.weight_norm (old)
    ups.1: 16 ->  8 channels, K 4, S 2, padding 1, groups 2
                                                           parametrizations.weight_norm (new)
    ups.2:  8 ->  1 channel,  K 6, S 3, causal             plain
    y = tanh(causal(ups.2(lrelu(ups.1(lrelu(ups.0(x)))))))     lrelu = LeakyReLU(0.1)

on x of shape (1, 32, 16): 16 -> 64 -> 128 -> 384 frames. PyTorch pads symmetrically, so
the causal layer is computed as padding=0 and K - S = 3 frames are sliced off its right end,
as SEANet's SConvTranspose1d does (unpad1d(y, 0, K - S)). Both weight norms keep dim 0 (the
default); their g is scaled by a seeded factor in [0.5, 2) after wrapping so that the fold
is no identity (PyTorch initialises g to ||v||).

Writes into decoder/data/:
  model.safetensors   the raw state dict (ups.0.weight_g/_v, ups.1.parametrizations.weight.
                      original0/1, ups.2.weight, biases): NOT folded
  folded.safetensors  PyTorch's own folded weights, ups.0.weight (remove_weight_norm) and
                      ups.1.weight (parametrize.remove_parametrizations); and per slice
                      PREFIX.norm_torch, the float32 norm PyTorch folded with (its weight is
                      exactly v * (g / norm_torch)), and PREFIX.norm_accurate, the norm
                      computed in float64 and rounded to float32
  weight_norm_dims.safetensors
                      small (4, 3, 5) weights under weight norm over dim 0, 1, 2 and None,
                      old and new API (PREFIX = old_dim0, new_dimnone, ...), with PyTorch's
                      folded weight as PREFIX.folded and the two norms as above
  input.npy (1, 32, 16), output.npy (1, 1, 384): float32, the model run in float32
  net.toml            the importer's description of the network

It prints how far PyTorch's float32 output is from the same model in float64 (the tolerance
of decoder/tests/pytorch.rs rests on it), and how many folded weights the recipe the
importer follows (the norm accurate, then rounded to float32; g / norm and v * that in
float32) gives differently from PyTorch, by how many ulps. Needs torch, numpy and
safetensors (CI does not: the files are committed).

    python3 tools/causal_decoder.py
"""
import copy
import os
import warnings

import numpy as np
import torch
from safetensors.torch import save_file
from torch.nn.utils import parametrizations, parametrize

OUT = os.path.join(os.path.dirname(__file__), "..", "decoder", "data")
K_LAST, S_LAST = 6, 3

NET_TOML = """\
# The causal decoder of tools/causal_decoder.py (which writes this file): three
# nn.ConvTranspose1d layers, the first two weight-normalised (folded by the importer),
# LeakyReLU(0.1) between them, tanh after the last, which is causal.
name = "DECODER"
input_len = 16
stream_block = 1
output_activation = "tanh"

[[layer]]
# torch.nn.utils.weight_norm: ups.0.weight_g and ups.0.weight_v; bias ups.0.bias.
weight = "ups.0.weight"
stride = 4
padding = 2
kernel = 8
activation = "leaky_relu(0.1)"

[[layer]]
# torch.nn.utils.parametrizations.weight_norm: ups.1.parametrizations.weight.original0/1.
weight = "ups.1.weight"
stride = 2
padding = 1
groups = 2
activation = "leaky_relu(0.1)"

[[layer]]
# PyTorch's padding=0 result with K - S = 3 frames sliced off the right end.
weight = "ups.2.weight"
stride = 3
causal = true
"""


def scale_g(g, gen):
    with torch.no_grad():
        g.mul_(torch.empty(g.shape).uniform_(0.5, 2.0, generator=gen))


class Decoder(torch.nn.Module):
    def __init__(self, gen):
        super().__init__()
        old = torch.nn.utils.weight_norm(torch.nn.ConvTranspose1d(32, 16, 8, stride=4, padding=2))
        scale_g(old.weight_g, gen)
        new = parametrizations.weight_norm(
            torch.nn.ConvTranspose1d(16, 8, 4, stride=2, padding=1, groups=2))
        scale_g(new.parametrizations.weight.original0, gen)
        plain = torch.nn.ConvTranspose1d(8, 1, K_LAST, stride=S_LAST, padding=0)
        self.ups = torch.nn.ModuleList([old, new, plain])

    def forward(self, x):
        x = torch.nn.functional.leaky_relu(self.ups[0](x), 0.1)
        x = torch.nn.functional.leaky_relu(self.ups[1](x), 0.1)
        x = self.ups[2](x)[..., : x.shape[-1] * S_LAST]  # K - S frames off the right end
        return torch.tanh(x)


def copy_of(model):
    """A second model with the same parameters (old-style weight_norm modules cannot be
    deep-copied); its initialisation draws from a generator of its own."""
    m = Decoder(torch.Generator().manual_seed(0))
    m.load_state_dict(model.state_dict())
    return m.eval()


def folded_copy(model):
    """The model with both weight norms removed: PyTorch's own folded weights."""
    m = copy_of(model)
    torch.nn.utils.remove_weight_norm(m.ups[0])
    parametrize.remove_parametrizations(m.ups[1], "weight", leave_parametrized=True)
    return m


def recipe(v, g):
    """The importer's fold: the norm over every dim but g's non-1 one, accurate then rounded
    to float32; g / norm and v * that in float32."""
    v = v.detach().numpy()
    g = g.detach().numpy()
    axes = tuple(a for a in range(v.ndim) if g.ndim == 0 or g.shape[a] == 1)
    if g.ndim and all(d == 1 for d in g.shape):
        axes = tuple(range(v.ndim))
    norm = np.sqrt((v.astype(np.float64) ** 2).sum(axis=axes, keepdims=True)).astype(np.float32)
    return v * (g.astype(np.float32) / norm)


def norms(v, g):
    """PyTorch's float32 norm, as torch._weight_norm uses it (the fused kernel for dim 0 and
    the last dim, norm_except_dim otherwise), and the accurate one rounded to float32, one
    per slice of the kept dim (one for dim=None), after checking that PyTorch's weight is
    v * (g / its norm) exactly: the norm is where the two folds can part."""
    dims = [a for a in range(v.dim()) if g.dim() and g.shape[a] != 1]
    dim = dims[0] if dims else None
    if dim in (0, v.dim() - 1):
        w, norm = torch._weight_norm_interface(v, g, dim)
    else:
        norm = torch.norm_except_dim(v, 2, -1 if dim is None else dim)
        w = torch._weight_norm(v, g, -1 if dim is None else dim)
    norm = norm.reshape(g.shape)
    assert torch.equal(w, v * (g / norm))
    axes = tuple(a for a in range(v.dim()) if a != dim)
    accurate = np.sqrt((v.double().numpy() ** 2).sum(axis=axes)).astype(np.float32)
    return norm.reshape(-1).contiguous(), torch.from_numpy(accurate.reshape(-1).copy())


def ulps(a, b):
    """Per element, how many float32 steps apart (finite values of one sign or near)."""
    def key(x):
        i = x.astype(np.float32).view(np.int32).astype(np.int64)
        return np.where(i < 0, -(i & 0x7FFFFFFF), i)
    return np.abs(key(a) - key(b))


def report(what, ours, theirs):
    d = ulps(ours, theirs.detach().numpy())
    print(f"  {what}: {int((d > 0).sum())} of {d.size} elements differ, "
          f"largest {int(d.max())} ulp")


def dims_file(gen):
    """Small weights under each weight norm dim, both APIs, with PyTorch's folded weight."""
    out = {}
    for dim in (0, 1, 2, None):
        tag = "none" if dim is None else str(dim)
        for api in ("old", "new"):
            conv = torch.nn.ConvTranspose1d(4, 6, 5, groups=2)
            prefix = f"{api}_dim{tag}"
            if api == "old":
                torch.nn.utils.weight_norm(conv, dim=dim)
                scale_g(conv.weight_g, gen)
                g, v = conv.weight_g.detach().clone(), conv.weight_v.detach().clone()
                out[f"{prefix}.weight_g"], out[f"{prefix}.weight_v"] = g, v
                folded = conv
                torch.nn.utils.remove_weight_norm(folded)
            else:
                parametrizations.weight_norm(conv, dim=dim)
                p = conv.parametrizations.weight
                scale_g(p.original0, gen)
                g, v = p.original0.detach().clone(), p.original1.detach().clone()
                out[f"{prefix}.parametrizations.weight.original0"] = g
                out[f"{prefix}.parametrizations.weight.original1"] = v
                folded = conv
                parametrize.remove_parametrizations(folded, "weight", leave_parametrized=True)
            out[f"{prefix}.folded"] = folded.weight.detach().clone()
            out[f"{prefix}.norm_torch"], out[f"{prefix}.norm_accurate"] = norms(v, g)
            report(f"{prefix} (g {tuple(g.shape)})", recipe(v, g), out[f"{prefix}.folded"])
    return out


def main():
    warnings.filterwarnings("ignore", category=FutureWarning)
    torch.manual_seed(2027)
    gen = torch.Generator().manual_seed(7)
    model = Decoder(gen).eval()
    x = torch.randn(1, 32, 16)
    folded = folded_copy(model).eval()
    with torch.no_grad():
        y = model(x)
        y_folded = folded(x)
        y64 = copy_of(model).double()(x.double())
        y64_folded = copy.deepcopy(folded).double()(x.double())
    assert y.shape == (1, 1, 384), y.shape
    # The folded model is the model: PyTorch folds the same way in forward.
    assert torch.equal(y, y_folded)

    os.makedirs(OUT, exist_ok=True)
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
    save_file(state, os.path.join(OUT, "model.safetensors"))
    fstate = folded.state_dict()
    p = model.ups[1].parametrizations.weight
    pairs = {"ups.0": (model.ups[0].weight_v, model.ups[0].weight_g),
             "ups.1": (p.original1, p.original0)}
    reference = {}
    for prefix, (v, g) in pairs.items():
        v, g = v.detach().clone(), g.detach().clone()
        reference[f"{prefix}.weight"] = fstate[f"{prefix}.weight"].contiguous()
        reference[f"{prefix}.norm_torch"], reference[f"{prefix}.norm_accurate"] = norms(v, g)
    save_file(reference, os.path.join(OUT, "folded.safetensors"))
    save_file({k: v.contiguous() for k, v in dims_file(gen).items()},
              os.path.join(OUT, "weight_norm_dims.safetensors"))
    np.save(os.path.join(OUT, "input.npy"), x.numpy().astype(np.float32))
    np.save(os.path.join(OUT, "output.npy"), y.numpy().astype(np.float32))
    with open(os.path.join(OUT, "net.toml"), "w") as f:
        f.write(NET_TOML)

    print("torch", torch.__version__, "tensors:", ", ".join(
        f"{k} {tuple(v.shape)}" for k, v in state.items()))
    print("the importer's fold against PyTorch's folded weights:")
    for prefix, (v, g) in pairs.items():
        report(f"{prefix}.weight", recipe(v, g), fstate[f"{prefix}.weight"])
        differ = int((reference[f"{prefix}.norm_torch"] != reference[f"{prefix}.norm_accurate"])
                     .sum())
        print(f"    PyTorch's float32 norm is not the accurate one in {differ} of "
              f"{g.numel()} slices")
    print("output", tuple(y.shape), "range", float(y.min()), float(y.max()))
    print("max |y - y64| (float32 model vs float64 model, g and v in float64):",
          float((y.double() - y64).abs().max()))
    print("max |y - y64| (float64 model over PyTorch's float32 folded weights):",
          float((y.double() - y64_folded).abs().max()))


if __name__ == "__main__":
    main()
