#!/usr/bin/env python3
"""The speed table of docs/speed.md, from the last `cargo bench --bench kernels` run.

Reads target/criterion/<shape>/<backend>/new/{benchmark,estimates}.json (criterion's
own output; no dependency beyond Python 3) and prints a Markdown table: GFLOP/s of each
shape on each backend, and that as a percentage of the peak of the same width measured
in the same run (the `peak` group): scalar against the scalar FMA peak, SSE2 and AVX2
against the AVX2 peak, AVX-512 against the AVX-512 peak. The median is used.

    tools/speed.sh   (runs the benches, then this)
"""
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent / "target" / "criterion"
SHAPES = ["mono_x2", "mono_x4", "mono_x3_48k", "stereo_dw_x2", "tiny_nn", "melgan_small", "hifigan_up1"]
BACKENDS = ["scalar", "sse2", "avx2", "avx512", "neon"]
PEAK_OF = {"scalar": "scalar", "sse2": "avx2", "avx2": "avx2", "avx512": "avx512", "neon": None}


def gflops(group, bench):
    d = ROOT / group / bench / "new"
    try:
        meta = json.loads((d / "benchmark.json").read_text())
        est = json.loads((d / "estimates.json").read_text())
    except FileNotFoundError:
        return None
    return meta["throughput"]["Elements"] / est["median"]["point_estimate"]  # per ns = G/s


def main():
    peaks = {b: gflops("peak", b) for b in ("scalar", "avx2", "avx512")}
    have = [b for b in BACKENDS if any(gflops(s, b) for s in SHAPES)]
    if not have:
        sys.exit(f"no results under {ROOT}: run `cargo bench --bench kernels` first")
    print("Peak (single core, f32 FMA): " + ", ".join(
        f"{b} {v:.1f} GFLOP/s" for b, v in peaks.items() if v))
    print()
    print("| shape | " + " | ".join(have) + " |")
    print("|---|" + "---|" * len(have))
    for s in SHAPES:
        cells = []
        for b in have:
            v = gflops(s, b)
            peak = peaks.get(PEAK_OF[b]) if PEAK_OF[b] else None
            if v is None:
                cells.append("-")
            elif peak:
                cells.append(f"{v:.1f} ({100 * v / peak:.0f} %)")
            else:
                cells.append(f"{v:.1f}")
        print(f"| {s} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
