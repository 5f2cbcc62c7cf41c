#!/usr/bin/env python3
"""Writes the fuzz seeds committed under src/test/resources: valid client conversations that
give the fuzzer a head start (regression mode runs exactly these). Re-run after changing it:
    python3 thinly-nbd/scripts/make-fuzz-seeds.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = os.path.join(HERE, "..", "src", "test", "resources", "dev", "thinly", "nbd", "server")
IHAVEOPT = 0x49484156454F5054
REQUEST = 0x25609513


def option(number, data=b""):
    return struct.pack(">QII", IHAVEOPT, number, len(data)) + data


def info(name, items=()):
    n = name.encode()
    return struct.pack(">I", len(n)) + n + struct.pack(">H", len(items)) + b"".join(
        struct.pack(">H", i) for i in items)


def meta(name, *queries):
    n = name.encode()
    out = struct.pack(">I", len(n)) + n + struct.pack(">I", len(queries))
    for q in queries:
        out += struct.pack(">I", len(q)) + q.encode()
    return out


def request(cmd, offset, length, flags=0, cookie=1, payload=b""):
    return struct.pack(">IHHQQI", REQUEST, flags, cmd, cookie, offset, length) + payload


def write(test, method, name, data):
    d = os.path.join(BASE, test + "Inputs", method)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


flags = struct.pack(">I", 3)
go = flags + option(8) + option(10, meta("disk", "base:allocation")) + option(7, info("disk", (0, 1, 2, 3)))
listing = flags + option(3) + option(6, info("disk", (1, 2))) + option(9, meta("disk")) + option(11) + option(2)
export_name = struct.pack(">I", 1) + option(1, b"disk")
starttls = flags + option(5) + option(7, info("disk"))
for method in ("negotiation", "negotiationWithTlsRequired"):
    write("HandshakeFuzzTest", method, "go", go)
    write("HandshakeFuzzTest", method, "list-info-abort", listing)
    write("HandshakeFuzzTest", method, "export-name", export_name)
    write("HandshakeFuzzTest", method, "starttls", starttls)

session = (request(1, 512, 8, cookie=1, payload=b"abcdefgh")
           + request(0, 0, 4096, flags=4, cookie=2)
           + request(7, 0, 65536, flags=8, cookie=3)
           + request(6, 4096, 8192, flags=2 | 16, cookie=4)
           + request(4, 0, 512, flags=1, cookie=5)
           + request(3, 0, 0, cookie=6)
           + request(5, 0, 1024, cookie=7)
           + request(2, 0, 0, cookie=8))
errors = (request(0, 65535, 2, cookie=1) + request(1, 1 << 40, 4, cookie=2, payload=b"zzzz")
          + request(9, 0, 0, cookie=3) + request(0, 0, 0, flags=0x80, cookie=4))
for method in ("structuredSession", "simpleSession"):
    write("RequestFuzzTest", method, "session", session)
    write("RequestFuzzTest", method, "errors", errors)
