"""Multi-conn and FUA durability: writes on some connections, made durable by others.

  multi_conn.py write URI SEED
      Opens three connections. Writes 64 KiB to 32 fresh blocks on the first, flushes on the
      second (multi-conn: a flush covers writes acknowledged on every connection), writes one
      block with FUA on the third, and prints "durable" once all that is acknowledged. Then keeps
      writing unflushed data elsewhere until the connection breaks.

  multi_conn.py verify URI SEED
      Checks that everything acknowledged before "durable" reads back.
"""
import hashlib
import sys

import nbd

BLOCK = 65536


def data(seed, i):
    return hashlib.sha256(b"%d %d" % (seed, i)).digest() * (BLOCK // 32)


def connect(uri):
    h = nbd.NBD()
    h.connect_uri(uri)
    return h


def write(uri, seed):
    a, b, c = connect(uri), connect(uri), connect(uri)
    assert a.can_multi_conn() and c.can_fua()
    for i in range(32):
        a.pwrite(data(seed, i), (2 * i + 1) * BLOCK)
    b.flush()
    c.pwrite(data(seed, 99), 100 * BLOCK, flags=nbd.CMD_FLAG_FUA)
    print("durable", flush=True)
    try:
        i = 0
        while True:
            a.pwrite(data(seed, 1000 + i), (200 + i % 50) * BLOCK)
            i += 1
    except nbd.Error as e:
        print("stopped:", e, flush=True)


def verify(uri, seed):
    h = connect(uri)
    bad = [i for i in range(32) if h.pread(BLOCK, (2 * i + 1) * BLOCK) != data(seed, i)]
    if h.pread(BLOCK, 100 * BLOCK) != data(seed, 99):
        bad.append("the FUA write")
    if bad:
        sys.exit("lost after kill -9: %s" % bad)
    print("verified")


if __name__ == "__main__":
    {"write": write, "verify": verify}[sys.argv[1]](sys.argv[2], int(sys.argv[3]))
