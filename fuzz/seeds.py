"""Writes the seed files of fuzz/corpus/{npy,safetensors}/seed-*: valid files (NumPy
writes the .npy ones; the safetensors ones follow the format by hand: u64 LE header
length, JSON, data) and hostile ones of every class the importer refuses, including the
inputs libFuzzer found before the readers were bounded (a 184-byte .npy whose header
length says 3.3 GB). Run from fuzz/: python3 seeds.py. Inputs the fuzzer adds later are
named by their SHA-1, as libFuzzer names them."""
import io
import json
import os
import struct

import numpy as np
from numpy.lib import format as fmt

NPY = "corpus/npy"
ST = "corpus/safetensors"
os.makedirs(NPY, exist_ok=True)
os.makedirs(ST, exist_ok=True)


def put(directory, name, data):
    with open(os.path.join(directory, "seed-" + name), "wb") as f:
        f.write(data)


def npy(array, version=(1, 0)):
    f = io.BytesIO()
    fmt.write_array(f, array, version=version)
    return f.getvalue()


def npy_raw(header, major=1, length=None, data=b""):
    h = header.encode("latin1")
    n = len(h) if length is None else length
    return b"\x93NUMPY" + bytes([major, 0]) + (
        struct.pack("<H", n) if major == 1 else struct.pack("<I", n)) + h + data


a = (np.arange(24, dtype=np.float32) / 4 - 1).reshape(2, 3, 4)
put(NPY, "c_v1", npy(a))
put(NPY, "c_v2", npy(a, (2, 0)))
put(NPY, "c_v3", npy(a, (3, 0)))
put(NPY, "fortran", npy(np.asfortranarray(a)))
put(NPY, "scalar", npy(np.float32(2.5)))
put(NPY, "empty", npy(np.zeros((0, 3), np.float32)))
put(NPY, "f8", npy(a.astype(np.float64)))
put(NPY, "structured", npy(np.zeros(2, dtype=[("x", "<f4"), ("y", [("z", "<i2")])])))
b = a.copy()
b.flat[5] = np.nan
b.flat[23] = -np.inf
put(NPY, "non_finite", npy(b))
F4_3 = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"
put(NPY, "claims_3_3_gb", npy_raw(F4_3.ljust(172), 2, 3_300_000_000))
put(NPY, "claims_v1", npy_raw(F4_3, 1, 65535))
put(NPY, "python2_long", npy_raw("{'descr': '<f4', 'fortran_order': False, 'shape': (3L,), }",
                                 data=b"\0" * 12))
put(NPY, "deep_descr", npy_raw("{'descr': %s'<f4'%s, 'fortran_order': False, 'shape': (1,), }"
                               % ("[" * 40, "]" * 40), 2, data=b"\0" * 4))
put(NPY, "deep_shape", npy_raw("{'descr': '<f4', 'fortran_order': False, 'shape': %s1,%s, }"
                               % ("(" * 40, ")" * 40), data=b"\0" * 4))
put(NPY, "unterminated", npy_raw("{'descr': '<f4, 'fortran_order': False, 'shape': (1,)"))
put(NPY, "huge_dim", npy_raw("{'descr': '<f4', 'fortran_order': False, 'shape': (%s,), }"
                             % ("9" * 60)))
put(NPY, "overflow", npy_raw("{'descr': '<f4', 'fortran_order': False, 'shape': "
                             "(1099511627776, 1099511627776, 1099511627776), }"))
put(NPY, "empty_arrays", npy_raw("{'descr': '<f4', 'fortran_order': False, 'shape': "
                                 "(4611686018427387904, 0), }"))
put(NPY, "many_dims", npy_raw("{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }"
                              % ", ".join(["1"] * 65), data=b"\0" * 4))
put(NPY, "truncated", npy_raw(F4_3, data=b"\0" * 8))


def st(tensors, metadata=None, length=None, extra=b""):
    """tensors: (name, dtype, shape, data bytes), laid out in order."""
    header, data = {}, b""
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    h = json.dumps(header, separators=(",", ":")).encode()
    return struct.pack("<Q", len(h) if length is None else length) + h + data + extra


def st_json(text, data=b"", length=None):
    h = text.encode()
    return struct.pack("<Q", len(h) if length is None else length) + h + data


w = a.tobytes()
bias = np.array([0.5, -0.5, 0.25], np.float32).tobytes()
put(ST, "model", st([("ups.0.weight", "F32", [2, 3, 4], w), ("ups.0.bias", "F32", [3], bias)],
                    {"format": "pt"}))
put(ST, "types", st([("a", "F64", [2], b"\0" * 16), ("b", "I64", [1], b"\0" * 8),
                     ("c", "BF16", [3], b"\0" * 6), ("d", "F32", [0], b""),
                     ("e", "F32", [1, 1, 3], b"\0\0\xc0\x7f" * 3)]))
put(ST, "claims_3_3_gb", st([("w", "F32", [1], b"\0" * 4)], length=3_300_000_000))
put(ST, "claims_max", st_json("{}", length=2**64 - 1))
put(ST, "offsets_overflow", st_json("{%s}" % ",".join(
    '"t%d":{"dtype":"U8","shape":[%d],"data_offsets":[%d,%d]}'
    % (i, 2**61 - 1, i * (2**61 - 1), (i + 1) * (2**61 - 1)) for i in range(8))))
put(ST, "shape_overflow", st_json(
    '{"w":{"dtype":"F32","shape":[1099511627776,1099511627776,1099511627776],'
    '"data_offsets":[0,4]}}', b"\0" * 4))
put(ST, "beyond_data", st_json('{"w":{"dtype":"F32","shape":[1000],"data_offsets":[0,4000]}}',
                               b"\0" * 4))
put(ST, "overlap", st_json('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},'
                           '"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', b"\0" * 4))
put(ST, "twice", st_json('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},'
                         '"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', b"\0" * 4))
put(ST, "deep_field", st_json('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":%s1%s}}'
                              % ("[" * 200, "]" * 200), b"\0" * 4))
put(ST, "bad_json", st_json('{"w": {"dtype": "F32", "shape": [1], oops'))
