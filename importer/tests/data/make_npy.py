"""Writes the .npy files of tests/npy_numpy.rs with NumPy itself (numpy 2.4.6 made the
committed ones): the reader's reference. Run from this directory: python3 make_npy.py"""
import numpy as np
from numpy.lib import format as fmt

# (2, 3, 4) float32, element i = i / 4 - 1 in C order (exact in binary).
a = (np.arange(24, dtype=np.float32) / 4 - 1).reshape(2, 3, 4)


def write(name, array, version):
    with open(name, "wb") as f:
        fmt.write_array(f, array, version=version)


write("c_v1.npy", a, (1, 0))
write("c_v2.npy", a, (2, 0))
write("c_v3.npy", a, (3, 0))
write("fortran_v1.npy", np.asfortranarray(a), (1, 0))
write("scalar.npy", np.float32(2.5), (1, 0))
write("empty.npy", np.zeros((0, 3), dtype=np.float32), (1, 0))
write("f8.npy", a.astype(np.float64), (1, 0))
write("be_f4.npy", a.astype(">f4"), (1, 0))
write("structured.npy", np.zeros(2, dtype=[("x", "<f4"), ("y", [("z", "<i2")])]), (1, 0))
# A NaN with a payload and an infinity: element 5 (index (0, 1, 1)) and 23.
b = a.copy()
b.flat[5] = np.frombuffer(np.uint32(0x7FC01234).tobytes(), dtype=np.float32)[0]
b.flat[23] = -np.inf
write("non_finite.npy", b, (1, 0))
