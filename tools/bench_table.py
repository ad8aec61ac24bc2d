#!/usr/bin/env python3
"""The speed table of docs/speed.md, from the last `cargo bench --bench kernels` run and
the last `tools/peers.py` run.

Reads target/criterion/<shape>/<bench>/new/{benchmark,estimates}.json (criterion's own
output) and target/peers.json (`target` being $CARGO_TARGET_DIR where it is set; no
dependency beyond Python 3) and prints a Markdown table, one row per shape:
- each backend, forced, in GFLOP/s, and that as a percentage of the peak of the same
  width measured in the same run (the `peak` group): scalar against the scalar FMA peak,
  SSE2 and AVX2 against the AVX2 peak, AVX-512 against the AVX-512 peak;
- `default`, the plain `forward` (the library's own choice of backend), against the peak
  of the widest width measured (AVX-512 where the CPU has it);
- the peers that tools/peers.py measured, in GFLOP/s: PyTorch's `conv_transpose1d` and
  Intel IPP's `ippsFIRMR_32f` (mono shapes only), one thread each, called from Python;
- `default / PyTorch`, how many times PyTorch's speed the default is.
The median is used throughout. A column nothing was measured for is left out.

    tools/speed.sh   (runs the benches and tools/peers.py, then this)
"""
import json
import os
import pathlib
import sys

REPO = pathlib.Path(__file__).resolve().parent.parent
TARGET = pathlib.Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target")
if not TARGET.is_absolute():
    TARGET = REPO / TARGET
ROOT = TARGET / "criterion"
PEERS = TARGET / "peers.json"
SHAPES = ["mono_x2", "mono_x4", "mono_x3_48k", "stereo_dw_x2", "tiny_nn", "melgan_small", "hifigan_up1"]
BACKENDS = ["scalar", "sse2", "avx2", "avx512", "neon"]
PEAK_OF = {"scalar": "scalar", "sse2": "avx2", "avx2": "avx2", "avx512": "avx512", "neon": None}
WIDTHS = ["scalar", "avx2", "avx512"]  # the peak loops, narrowest first
PEER_NAMES = {"pytorch": "PyTorch", "ipp": "IPP"}


def gflops(group, bench):
    d = ROOT / group / bench / "new"
    try:
        meta = json.loads((d / "benchmark.json").read_text())
        est = json.loads((d / "estimates.json").read_text())
    except FileNotFoundError:
        return None
    return meta["throughput"]["Elements"] / est["median"]["point_estimate"]  # per ns = G/s


def peers():
    """tools/peers.py's results: {peer: {"shapes": {shape: {"gflops": ...}}, ...}}."""
    try:
        return json.loads(PEERS.read_text())["peers"]
    except FileNotFoundError:
        return {}


def peer_gflops(measured, peer, shape):
    return measured.get(peer, {}).get("shapes", {}).get(shape, {}).get("gflops")


def cell(v, peak=None):
    if v is None:
        return "-"
    return f"{v:.1f} ({100 * v / peak:.0f} %)" if peak else f"{v:.1f}"


def main():
    peaks = {b: gflops("peak", b) for b in WIDTHS}
    widest = next((peaks[w] for w in reversed(WIDTHS) if peaks[w]), None)
    have = [b for b in BACKENDS + ["default"] if any(gflops(s, b) for s in SHAPES)]
    if not have:
        sys.exit(f"no results under {ROOT}: run `cargo bench --bench kernels` first")
    measured = peers()
    peer_cols = [p for p in PEER_NAMES if any(peer_gflops(measured, p, s) for s in SHAPES)]
    ratio = "default" in have and "pytorch" in peer_cols

    print("Peak (single core, f32 FMA): " + ", ".join(
        f"{b} {v:.1f} GFLOP/s" for b, v in peaks.items() if v))
    if peer_cols:
        print("Peers (one thread, called from Python; an empty call's time in brackets): "
              + ", ".join(f"{PEER_NAMES[p]} {measured[p]['version'].split()[0]}"
                          f" `{measured[p]['function']}`"
                          f" ({measured[p]['call_overhead_ns'] / 1000:.1f} µs)"
                          for p in peer_cols))
    print()
    heads = have + [PEER_NAMES[p] for p in peer_cols] + (["default / PyTorch"] if ratio else [])
    print("| shape | " + " | ".join(heads) + " |")
    print("|---|" + "---|" * len(heads))
    for s in SHAPES:
        cells = []
        for b in have:
            peak = widest if b == "default" else peaks.get(PEAK_OF[b]) if PEAK_OF[b] else None
            cells.append(cell(gflops(s, b), peak))
        cells += [cell(peer_gflops(measured, p, s)) for p in peer_cols]
        if ratio:
            ours, theirs = gflops(s, "default"), peer_gflops(measured, "pytorch", s)
            cells.append(f"{ours / theirs:.1f}x" if ours and theirs else "-")
        print(f"| {s} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
