"""Self-describing 4 KiB blocks for crash tests, written with periodic flushes, and their check.

  flushing_writer.py write URI SEED FLUSH_EVERY
      Writes block after block (write i goes to a pseudo-random block chosen by SEED and i) and
      flushes after every FLUSH_EVERY writes. After each completed flush it prints
      "flushed N" (writes 0..N-1 are durable); every 64 writes "wrote N". When the connection
      breaks it prints "stopped after N writes" (N acknowledged; write N may have been sent).

  flushing_writer.py verify URI SEED DURABLE ISSUED
      Reads the whole export. A block must hold its last durable write (index < DURABLE) or any
      later write to it (index < ISSUED); a block no durable write reached may also be zeros;
      a block no write reached must be zeros. Prints "verified B blocks, L later writes found".
"""
import hashlib
import struct
import sys

import nbd

BLOCK = 4096


def block_of(seed, i, blocks):
    h = hashlib.sha256(b"block %d %d" % (seed, i)).digest()
    return int.from_bytes(h[:8], "little") % blocks


def pattern(seed, i, block):
    body = hashlib.sha256(b"data %d %d" % (seed, i)).digest() * (BLOCK // 32)
    return struct.pack("<QQ", i, block) + body[: BLOCK - 16]


def connect(uri):
    h = nbd.NBD()
    h.connect_uri(uri)
    return h


def write(uri, seed, flush_every):
    h = connect(uri)
    blocks = h.get_size() // BLOCK
    i = 0
    try:
        while True:
            b = block_of(seed, i, blocks)
            h.pwrite(pattern(seed, i, b), b * BLOCK)
            i += 1
            if i % flush_every == 0:
                h.flush()
                print("flushed", i, flush=True)
            elif i % 64 == 0:
                print("wrote", i, flush=True)
    except nbd.Error as e:
        print("stopped after", i, "writes:", e, flush=True)


def verify(uri, seed, durable, issued):
    h = connect(uri)
    blocks = h.get_size() // BLOCK
    last_durable = {}
    for i in range(durable):
        last_durable[block_of(seed, i, blocks)] = i
    later = {}
    for i in range(durable, issued):
        later.setdefault(block_of(seed, i, blocks), set()).add(i)
    zero = bytes(BLOCK)
    problems = []
    found_later = 0
    chunk = 256
    for first in range(0, blocks, chunk):
        n = min(chunk, blocks - first)
        data = h.pread(n * BLOCK, first * BLOCK)
        for b in range(first, first + n):
            got = data[(b - first) * BLOCK : (b - first + 1) * BLOCK]
            allowed = set(later.get(b, ()))
            if b in last_durable:
                allowed.add(last_durable[b])
            if got == zero:
                if b in last_durable:
                    problems.append("block %d: zeros, but write %d was flushed" % (b, last_durable[b]))
                continue
            index, where = struct.unpack("<QQ", got[:16])
            if index not in allowed or where != b or got != pattern(seed, index, b):
                problems.append("block %d: holds write %d for block %d (allowed: %s)"
                                % (b, index, where, sorted(allowed)[:5]))
            elif index >= durable:
                found_later += 1
    h.shutdown()
    if problems:
        print("\n".join(problems[:20]))
        print("%d bad blocks" % len(problems))
        sys.exit(1)
    print("verified %d blocks, %d later writes found" % (blocks, found_later))


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "write":
        write(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif mode == "verify":
        verify(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    else:
        sys.exit("unknown mode " + mode)
