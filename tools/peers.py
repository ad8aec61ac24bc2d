#!/usr/bin/env python3
"""Peer implementations on the seven benchmark shapes of benches/kernels.rs, for the
speed table of docs/speed.md (tools/bench_table.py reads what this writes).

    pip install torch numpy           # PyTorch
    pip install ipp-devel ipp-include # Intel IPP
    python3 tools/peers.py            # writes target/peers.json ($CARGO_TARGET_DIR's if set)
    tools/speed.sh                    # the benches, then this, then the table

Peers, each on one thread, f32, batch 1, no bias, P = 0, D = 1, OP = 0:
- PyTorch: `torch.nn.functional.conv_transpose1d` with `torch.set_num_threads(1)`, weight
  (CIN, COUT/G, K), input (1, CIN, L), on every shape.
- Intel IPP: `ippsFIRMR_32f` (multi-rate FIR, upFactor = S, downFactor = 1, the K taps)
  through ctypes, on the mono shapes (CIN = COUT = 1). It computes the same polyphase
  interpolation: L iterations give the first L * S outputs of the transposed convolution,
  checked here against a plain Python reference, the K - S outputs of the tail being left
  in its delay line (it multiplies by the zeros of the delay line at the start instead).

Each is timed as it is called from Python, call overhead included (which dominates the
small shapes): warm-up, then repeated samples of back-to-back calls, about one second per
shape; the median time per call is reported as GFLOP/s with the bench's count,
`2 * L * CIN * COUT/G * K`. The cheapest call of each (a one-frame layer for PyTorch, an
early-returning call for IPP) is recorded as its per-call overhead.

A peer that is not installed, or does not load, is reported and skipped; this script
never fails for a missing peer. The shapes are read from benches/kernels.rs, so the
two stay the same.

IPP runs in a child process: its dispatcher exits the process when it cannot find the
CPU-specific library, and the dynamic loader reads LD_LIBRARY_PATH only at start-up. The
PyPI wheels of 2026.1 ship `libippsk0.so.12` where the dispatcher asks for
`libippsk0.so.12.1`; links under the names it asks for are made in target/ipp-lib/.
`IPP_LIB_DIR` names the folder of libipps.so.* if it is elsewhere.
"""
import ctypes
import glob
import importlib.metadata
import json
import os
import pathlib
import platform
import random
import re
import site
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
TARGET = pathlib.Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
if not TARGET.is_absolute():
    TARGET = ROOT / TARGET
OUT = TARGET / "peers.json"

SECONDS = 1.0  # measured per shape and peer
WARM_UP = 0.2
SAMPLE = 0.01  # seconds of back-to-back calls per sample


def log(msg):
    print(f"peers: {msg}", file=sys.stderr)


def shapes():
    """The bench's shapes: `shape::<L, CIN, COUT, COUT/G, K, S, N>(c, "name")` lines."""
    src = (ROOT / "benches" / "kernels.rs").read_text()
    pat = re.compile(r'shape::<\s*' + r'(\d+)\s*,\s*' * 6 + r'[^>]*>\(\s*c\s*,\s*"(\w+)"\s*\)')
    out = []
    for m in pat.finditer(src):
        length, cin, cout, cg, k, s = map(int, m.groups()[:6])
        out.append(dict(name=m[7], L=length, CIN=cin, COUT=cout, CG=cg, K=k, S=s,
                        groups=cout // cg, flops=2 * length * cin * cg * k))
    if len(out) != 7:
        sys.exit(f"peers: found {len(out)} shapes in benches/kernels.rs, expected 7")
    return out


def per_call(f, args, seconds=SECONDS):
    """Median seconds per call of `f(*args)` over samples of back-to-back calls."""
    end = time.perf_counter() + WARM_UP
    calls = 0
    while time.perf_counter() < end:
        f(*args)
        calls += 1
    n = max(1, int(calls / WARM_UP * SAMPLE))  # calls per sample
    rep = range(n)
    samples = []
    end = time.perf_counter() + seconds
    while len(samples) < 10 or time.perf_counter() < end:
        t = time.perf_counter_ns()
        for _ in rep:
            f(*args)
        samples.append((time.perf_counter_ns() - t) / n)
    return statistics.median(samples) * 1e-9, n * len(samples)


def result(shape, seconds, calls):
    return dict(gflops=shape["flops"] / seconds * 1e-9, ns_per_call=seconds * 1e9, calls=calls)


# PyTorch ---------------------------------------------------------------------------

def pytorch(all_shapes):
    try:
        import torch
        import torch.nn.functional as F
    except ImportError as e:
        log(f"PyTorch not installed ({e}); skipped (pip install torch numpy)")
        return None
    torch.set_num_threads(1)
    torch.manual_seed(0)
    out = dict(version=torch.__version__, function="torch.nn.functional.conv_transpose1d",
               threads=torch.get_num_threads(),
               capability=torch.backends.cpu.get_cpu_capability(), shapes={})
    with torch.inference_mode():
        x, w = torch.rand(1, 1, 1), torch.rand(1, 1, 1)
        out["call_overhead_ns"] = per_call(F.conv_transpose1d, (x, w), 0.3)[0] * 1e9
        for s in all_shapes:
            x = torch.rand(1, s["CIN"], s["L"]) * 2 - 1
            w = (torch.rand(s["CIN"], s["CG"], s["K"]) * 2 - 1) / s["K"]
            y = F.conv_transpose1d(x, w, None, s["S"], 0, 0, s["groups"])
            assert y.shape == (1, s["COUT"], (s["L"] - 1) * s["S"] + s["K"]), y.shape
            t, calls = per_call(F.conv_transpose1d, (x, w, None, s["S"], 0, 0, s["groups"]))
            out["shapes"][s["name"]] = result(s, t, calls)
            log(f"PyTorch {s['name']}: {out['shapes'][s['name']]['gflops']:.2f} GFLOP/s")
    return out


# Intel IPP -------------------------------------------------------------------------

def ipp_lib_dir():
    """The folder holding libipps.so.*: IPP_LIB_DIR, the `ipp` wheel's files, or the usual
    prefixes' lib/ folders."""
    def has(d):
        return bool(glob.glob(str(pathlib.Path(d) / "libipps.so*")))

    if os.environ.get("IPP_LIB_DIR"):
        return pathlib.Path(os.environ["IPP_LIB_DIR"]) if has(os.environ["IPP_LIB_DIR"]) else None
    try:
        for f in importlib.metadata.files("ipp") or []:
            if f.name.startswith("libipps.so") and has(pathlib.Path(f.locate()).parent):
                return pathlib.Path(f.locate()).resolve().parent
    except importlib.metadata.PackageNotFoundError:
        pass
    dirs = [pathlib.Path(p) / "lib" for p in (sys.prefix, sys.base_prefix, site.USER_BASE)]
    dirs += [pathlib.Path(p) for p in site.getsitepackages()]
    dirs += [pathlib.Path(p) for p in os.environ.get("LD_LIBRARY_PATH", "").split(":") if p]
    return next((d for d in dirs if has(d)), None)


def ipp_links(lib):
    """A folder of links under the names the dispatchers (libipps, libippcore, libippvm)
    ask for that are missing from `lib`, to the installed file of the same library."""
    shim = TARGET / "ipp-lib"
    shim.mkdir(parents=True, exist_ok=True)
    for dispatcher in lib.glob("libipp[a-z]*.so*"):
        if not re.fullmatch(r"libipp(s|core|vm)\.so[.\d]*", dispatcher.name):
            continue
        for name in set(re.findall(rb"libipp\w+\.so(?:\.\d+)+", dispatcher.read_bytes())):
            name = name.decode()
            if (lib / name).exists():
                continue
            base = name
            while not (lib / base).exists() and re.search(r"\.\d+$", base):
                base = re.sub(r"\.\d+$", "", base)
            link = shim / name
            if (lib / base).exists():
                if link.is_symlink():
                    link.unlink()
                link.symlink_to(lib / base)
    return shim


def ipp(all_shapes):
    lib = ipp_lib_dir()
    if lib is None:
        log("Intel IPP not installed (no libipps.so*); skipped (pip install ipp-devel ipp-include)")
        return None
    shim = ipp_links(lib)
    env = dict(os.environ, LD_LIBRARY_PATH=":".join(
        p for p in (str(shim), str(lib), os.environ.get("LD_LIBRARY_PATH", "")) if p))
    mono = [s for s in all_shapes if s["CIN"] == 1 and s["COUT"] == 1]
    child = subprocess.run([sys.executable, __file__, "--ipp-child", str(lib), json.dumps(mono)],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sys.stderr.write(child.stderr)
    try:
        out = json.loads(child.stdout)
    except json.JSONDecodeError:
        out = None
    if child.returncode != 0 or not out:
        lines = child.stderr.strip().splitlines() or [f"exit {child.returncode}"]
        why = lines[-1] if lines[0].startswith("Traceback") else lines[0]
        log(f"Intel IPP in {lib} did not run ({why}); skipped")
        return None
    return out


def ipp_child(lib, mono):
    """Runs in the child process: times ippsFIRMR_32f on `mono`, prints JSON."""
    lib = pathlib.Path(lib)
    core = ctypes.CDLL(str(sorted(lib.glob("libippcore.so*"))[0]), mode=ctypes.RTLD_GLOBAL)
    ipps = ctypes.CDLL(str(sorted(lib.glob("libipps.so*"))[0]), mode=ctypes.RTLD_GLOBAL)

    class Version(ctypes.Structure):
        _fields_ = [("major", ctypes.c_int), ("minor", ctypes.c_int),
                    ("majorBuild", ctypes.c_int), ("build", ctypes.c_int),
                    ("targetCpu", ctypes.c_char * 4), ("Name", ctypes.c_char_p),
                    ("Version", ctypes.c_char_p), ("BuildDate", ctypes.c_char_p)]

    c_int, ptr = ctypes.c_int, ctypes.c_void_p
    pint = ctypes.POINTER(c_int)
    core.ippInit.restype = c_int
    ipps.ippsGetLibVersion.restype = ctypes.POINTER(Version)
    ipps.ippsFIRMRGetSize.argtypes = [c_int, c_int, c_int, c_int, pint, pint]
    ipps.ippsFIRMRInit_32f.argtypes = [ptr, c_int, c_int, c_int, c_int, c_int, ptr]
    firmr = ipps.ippsFIRMR_32f
    firmr.argtypes = [ptr, ptr, c_int, ptr, ptr, ptr, ptr]
    ipp32f = 13  # IppDataType

    def check(status, what):
        if status != 0:
            raise RuntimeError(f"{what}: IppStatus {status}")

    check(core.ippInit(), "ippInit")
    v = ipps.ippsGetLibVersion().contents
    out = dict(version=v.Version.decode(), library=v.Name.decode(), function="ippsFIRMR_32f",
               threads=1, shapes={})
    rng = random.Random(0)
    keep = []  # the buffers outlive the calls
    for s in mono:
        length, k, up = s["L"], s["K"], s["S"]
        taps = (ctypes.c_float * k)(*(rng.uniform(-1, 1) / k for _ in range(k)))
        x = (ctypes.c_float * length)(*(rng.uniform(-1, 1) for _ in range(length)))
        y = (ctypes.c_float * (length * up))()
        spec_size, buf_size = c_int(), c_int()
        check(ipps.ippsFIRMRGetSize(k, up, 1, ipp32f, ctypes.byref(spec_size),
                                    ctypes.byref(buf_size)), "ippsFIRMRGetSize")
        spec = (ctypes.c_uint8 * spec_size.value)()
        buf = (ctypes.c_uint8 * buf_size.value)()
        check(ipps.ippsFIRMRInit_32f(ctypes.addressof(taps), k, up, 0, 1, 0,
                                     ctypes.addressof(spec)), "ippsFIRMRInit_32f")
        args = (ctypes.addressof(x), ctypes.addressof(y), length, ctypes.addressof(spec),
                None, None, ctypes.addressof(buf))
        keep += [taps, x, y, spec, buf]
        check(firmr(*args), "ippsFIRMR_32f")
        # y[n] = sum over i of x[i] * taps[n - i * S]: the transposed convolution.
        want = [0.0] * (length * up)
        for i in range(length):
            for j in range(min(k, length * up - i * up)):
                want[i * up + j] += x[i] * taps[j]
        err = max(abs(a - b) for a, b in zip(y, want))
        if err > 1e-5:
            raise RuntimeError(f"ippsFIRMR_32f on {s['name']} differs from the reference by {err}")
        if "call_overhead_ns" not in out:  # numIters = 0: returns at once (ippStsSizeErr)
            empty = args[:2] + (0,) + args[3:]
            out["call_overhead_ns"] = per_call(firmr, empty, 0.3)[0] * 1e9
        t, calls = per_call(firmr, args)
        out["shapes"][s["name"]] = result(s, t, calls)
        print(f"peers: IPP {s['name']}: {out['shapes'][s['name']]['gflops']:.2f} GFLOP/s",
              file=sys.stderr)
    print(json.dumps(out))


def cpu_name():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def main():
    if sys.argv[1:2] == ["--ipp-child"]:
        ipp_child(sys.argv[2], json.loads(sys.argv[3]))
        return
    all_shapes = shapes()
    peers = {}
    for name, run in (("pytorch", pytorch), ("ipp", ipp)):
        try:
            got = run(all_shapes)
        except Exception as e:  # a peer that breaks is skipped, never fatal
            log(f"{name} failed ({type(e).__name__}: {e}); skipped")
            got = None
        if got:
            peers[name] = got
    OUT.parent.mkdir(parents=True, exist_ok=True)
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    OUT.write_text(json.dumps(dict(machine=platform.machine(), cpu=cpu_name(), affinity=cpus,
                                   shapes=all_shapes, peers=peers), indent=1) + "\n")
    log(f"wrote {OUT}")


if __name__ == "__main__":
    main()
