#!/usr/bin/env python3
# make_seeds.py: writes the small seed corpora of the fuzz targets (corpus/<target>/), valid files of each
# kind the readers accept, so that libFuzzer starts from inputs that get past the first checks.
# Run from anywhere: python3 tests/fuzz/make_seeds.py (the files are committed; rerun only to change them).
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


# ---- checkpoints (docs/checkpoint-format.md) ----
def entry(name, dtype, shape):
    code = 0 if dtype == "f" else 1
    out = struct.pack("<I", len(name)) + name.encode() + struct.pack("<BB", code, len(shape))
    for d in shape:
        out += struct.pack("<Q", d)
    count = 1
    for d in shape:
        count *= d
    return out + struct.pack("<" + dtype * count, *[0.5 * i for i in range(count)])


def checkpoint(parameters, state):
    body = b"".join(entry(*p) for p in parameters) + b"".join(entry(*s) for s in state)
    size = 32 + len(body) + 4
    head = b"\x89TGCKPT\n" + struct.pack("<IIQII", 1, 0, size, len(parameters), len(state))
    data = head + body
    return data + struct.pack("<I", zlib.crc32(data))


ckpts = {
    "empty.tgc": checkpoint([], []),
    "mlp.tgc": checkpoint([("w", "f", (2, 3)), ("b", "f", (3,))], []),
    "adam.tgc": checkpoint([("w", "f", (2, 3)), ("b", "f", (3,))], [("w.m", "d", (2, 3)), ("step", "d", ())]),
    "zero_dim.tgc": checkpoint([("e", "d", (0, 4))], []),
}
for target in ("checkpoint_fuzz", "checkpoint_crc_fuzz"):
    for name, data in ckpts.items():
        write(target, name, data)


# ---- IDX ----
def idx(type_code, fmt, dims, values):
    head = bytes([0, 0, type_code, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims)
    return head + b"".join(struct.pack(">" + fmt, v) for v in values)


write("idx_fuzz", "u8_images", idx(0x08, "B", (2, 2, 3), range(12)))
write("idx_fuzz", "u8_labels", idx(0x08, "B", (4,), (3, 0, 9, 1)))
write("idx_fuzz", "i8", idx(0x09, "b", (3,), (-1, 0, 127)))
write("idx_fuzz", "i16", idx(0x0B, "h", (2, 2), (-300, 1, 2, 30000)))
write("idx_fuzz", "i32", idx(0x0C, "i", (2,), (65536, -7)))
write("idx_fuzz", "f32", idx(0x0D, "f", (1, 2), (1.5, -2.25)))
write("idx_fuzz", "f64", idx(0x0E, "d", (2,), (1e300, -0.5)))
write("idx_fuzz", "empty", idx(0x08, "B", (2, 0, 5), ()))

# ---- CSV: the first byte holds the options (csv_fuzz.cpp) ----
write("csv_fuzz", "header_labels", b"\x01sepal,petal,label\n5.1,3.5,0\n4.9,3.0,1\n6.2,2.9,2\n")
write("csv_fuzz", "plain", b"\x00" b"1,2,0\n3,4,1\n")
write("csv_fuzz", "quoted_semicolon", b"\x05" b'"a";"b ""x""";label\n1;+2e3;0\n-1;.5;1\n')
write("csv_fuzz", "crlf_bom_float64", b"\x0b\xef\xbb\xbfx,y\r\n1,2\r\n3,1e300\r\n")
write("csv_fuzz", "regression_cr", b"\x18" b"0.5,1\r1.5,2\r")
