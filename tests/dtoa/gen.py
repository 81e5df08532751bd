#!/usr/bin/env python3
"""gen.py — the table tests/dtoa/dtoa_test checks src/dtoa.c against, from Python itself.

    gen.py [--random N] [--seed S] [--no-edges]

One line per double: "r HEXBITS REPR JAVA", REPR being Python's repr() and JAVA the layout
jinn's jinjava profile gives the same digits (Double.toString's: plain for 1e-3 <= |d| < 1e7,
else d.dddE±x; JDK17 below for 19 subnormals). Then one line per decimal text: "s TEXT" (dtoa_test compares dtoa_strtod with
glibc's strtod on it, bit for bit, and the end pointer). Edges first (subnormals, min/max,
every power of 2 and 10 and their neighbours, the repr layout boundaries 1e-4/1e-5 and
1e15/1e16, integers near 2**53, zeros, inf, nan), then N random doubles by bit pattern and N
random short decimals read as doubles. Deterministic for a given seed."""
import decimal
import math
import random
import struct
import sys


def bits(d):
    return struct.unpack("<Q", struct.pack("<d", d))[0]


def from_bits(b):
    return struct.unpack("<d", struct.pack("<Q", b))[0]


JDK17 = {  # src/dtoa.c's jdk_subnormals: what JDK 17 prints for these subnormals
    0x0000000000000001: "4.9E-324",
    0x000000000000000a: "4.9E-323",
    0x000000000000000c: "5.9E-323",
    0x000000000000000e: "6.9E-323",
    0x0000000000000010: "7.9E-323",
    0x0000000000000012: "8.9E-323",
    0x0000000000000020: "1.58E-322",
    0x0000000000000080: "6.32E-322",
    0x0000000000000800: "1.0118E-320",
    0x0000000000004000: "8.0948E-320",
    0x0000000000020000: "6.47582E-319",
    0x0000000000200000: "1.0361308E-317",
    0x0000000004000000: "3.31561842E-316",
    0x0000000020000000: "2.652494739E-315",
    0x0000000400000000: "8.4879831639E-314",
    0x0000004000000000: "1.358077306218E-312",
    0x0000020000000000: "1.0864618449742E-311",
    0x0000100000000000: "8.6916947597938E-311",
    0x0002000000000000: "2.781342323134002E-309",
}


def java(d):
    if math.isnan(d):
        return "NaN"
    if math.isinf(d):
        return "Infinity" if d > 0 else "-Infinity"
    if bits(abs(d)) in JDK17:
        return ("-" if d < 0 else "") + JDK17[bits(abs(d))]
    if d == 0 or 1e-3 <= abs(d) < 1e7:
        return repr(d)
    t = decimal.Decimal(repr(d)).normalize().as_tuple()
    digits = "".join(map(str, t.digits))
    x = t.exponent + len(digits) - 1
    return ("-" if t.sign else "") + digits[0] + "." + (digits[1:] or "0") + "E" + str(x)


def edges():
    out = set()
    add = out.add
    for b in (0, 1, 2, 3, 0x000FFFFFFFFFFFFF, 0x000FFFFFFFFFFFFE, 0x0010000000000000,
              0x0010000000000001, 0x7FEFFFFFFFFFFFFF, 0x7FEFFFFFFFFFFFFE, 0x7FF0000000000000,
              0x7FF8000000000000, 0x3FF0000000000000, 0x0008000000000000):
        add(b)
        add(b | (1 << 63))
    for e in range(-1074, 1024):  # every power of 2, and a neighbour each side
        b = bits(math.ldexp(1.0, e))
        add(b), add(b + 1), add(max(b - 1, 0))
    for e in range(-323, 309):  # every power of 10 as Python reads it, and neighbours
        b = bits(float("1e%d" % e))
        add(b), add(b + 1), add(b - 1)
        for m in (2, 5, 9.5, 9.999999999999999):
            d = float("%re%d" % (m, e))
            if math.isfinite(d) and d:
                add(bits(d))
    for d in (1e16, 1e15, 1e-5, 1e-4, 9999999999999998.0, 999999999999999.9, 0.0001,
              9.999999999999999e-05, 0.00010000000000000002, 1e-3, 1e7, 9999999.999999998,
              0.0009999999999999998, 0.1, 0.2, 0.3, 0.1 + 0.2, 2.675, 1 / 3, 2 / 3, math.pi, math.e,
              5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 123456789012345678.0,
              2.0 ** 63, 2.0 ** 64, 1e21, 1e22, 1e23, 2e23, 4.35, 0.3 * 3, 100.0, 1e100):
        b = bits(d)
        for k in range(-3, 4):
            if 0 <= b + k < 0x7FF0000000000000:
                add(b + k)
    for k in range(-200, 201):  # integers near 2**53 and 2**54
        add(bits(float(2 ** 53 + k)))
        add(bits(float(2 ** 54 + 2 * k)))
    for i in range(0, 1001):
        add(bits(float(i)))
        add(bits(i / 100))
        add(bits(i / 1000))
    return sorted(out)


def short_decimal(rng):
    nd = rng.randint(1, 19)
    digits = "".join(rng.choice("0123456789") for _ in range(nd))
    form = rng.randrange(6)
    sign = rng.choice(["", "", "-", "+"])
    if form == 0:
        return sign + digits
    pos = rng.randint(0, nd)
    text = sign + digits[:pos] + "." + digits[pos:]
    if form >= 3:
        text += rng.choice("eE") + rng.choice(["", "-", "+"]) + str(rng.randint(0, 40))
    return text


STRTOD_EDGES = [
    "0", "-0", "+0", "0.0", "-0.0", "0e999", "0.000", ".5", "5.", "-.5e1", "1e22", "1e23", "9e22",
    "12e30", "9007199254740992", "9007199254740993", "9007199254740991e22", "9007199254740993e-5",
    "1e-22", "1e-23", "0.1e-22", "123456789012345678", "1234567890123456789", "12345678901234567890",
    "00000000000000000000000000012.5", "0.000000000000000000000000000001", "1e", "1e+", "1e-x", "1ex",
    "0x1p3", "0X10", "inf", "-Infinity", "nan", " 1.5", "\t2", "1.5e10000", "1e-400", "1.2.3", "1_000",
    "1.5f", "2.5e3e4", "", "-", "+", ".", "e5", "1e0005", "1e00005", "4.35", "2.675", "0.1", "0.3",
    "179769313486231570000000000000000000000", "1e308", "2e308", "4.9e-324", "2.5e-324",
]


def main():
    args = sys.argv[1:]
    n, seed, with_edges = 20000, 12, True
    while args:
        a = args.pop(0)
        if a == "--random":
            n = int(args.pop(0))
        elif a == "--seed":
            seed = int(args.pop(0))
        elif a == "--no-edges":
            with_edges = False
        else:
            sys.exit(__doc__)
    rng = random.Random(seed)
    w = sys.stdout.write
    if with_edges:
        for b in edges():
            d = from_bits(b)
            w("r %016x %s %s\n" % (b, repr(d), java(d)))
    chunk = []
    for i in range(n):
        if i % 3 == 2:  # a third: short decimals, the numbers templates hold
            d = float(short_decimal(rng))
            b = bits(d)
        else:
            b = rng.getrandbits(64)
            d = from_bits(b)
        chunk.append("r %016x %s %s\n" % (b, repr(d), java(d)))
        if len(chunk) == 10000:
            w("".join(chunk))
            chunk = []
    w("".join(chunk))
    if with_edges:
        for t in STRTOD_EDGES:
            w("s %s\n" % t)
    for _ in range(n):
        w("s %s\n" % short_decimal(rng))


main()
