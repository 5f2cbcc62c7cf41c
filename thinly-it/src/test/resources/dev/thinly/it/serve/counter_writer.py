"""A counter sequence for snapshot tests: write i puts counter i into block i % N.

  counter_writer.py write URI N
      Writes i = 0, 1, 2, ... one at a time (each acknowledged before the next is sent) and prints
      "i ISSUED_NS ACKED_NS" for each, on the CLOCK_MONOTONIC clock that the JVM's nanoTime also
      reads. Stops cleanly on SIGTERM (exit 0). If the server ends the connection it prints
      "connection ended: ERROR" and exits 3.

  counter_writer.py verify URI N
      Reads blocks 0..N-1 and finds the k for which they hold exactly the state after writes
      0..k (k = -1: nothing written); prints "state after K" or exits 1 if no k fits.
"""
import signal
import struct
import sys
import time

import nbd

BLOCK = 4096


def block_data(i):
    return struct.pack("<Q", i) + (b"%016d" % i) * ((BLOCK - 8) // 16) + bytes((BLOCK - 8) % 16)


stop = False


def on_term(signum, frame):
    global stop
    stop = True


def write(uri, n):
    signal.signal(signal.SIGTERM, on_term)
    h = nbd.NBD()
    h.connect_uri(uri)
    i = 0
    try:
        while not stop:
            issued = time.monotonic_ns()
            h.pwrite(block_data(i), (i % n) * BLOCK)
            print(i, issued, time.monotonic_ns(), flush=True)
            i += 1
    except nbd.Error as e:
        print("connection ended:", e, flush=True)
        sys.exit(3)
    h.shutdown()


def verify(uri, n):
    h = nbd.NBD()
    h.connect_uri(uri)
    data = h.pread(n * BLOCK, 0)
    h.shutdown()
    counters = []
    for b in range(n):
        got = data[b * BLOCK : (b + 1) * BLOCK]
        counters.append(None if got == bytes(BLOCK) else struct.unpack("<Q", got[:8])[0])
        if counters[-1] is not None and got != block_data(counters[-1]):
            sys.exit("block %d: torn or foreign data" % b)
    k = max((c for c in counters if c is not None), default=-1)
    for b in range(n):
        # the last write to block b among writes 0..k
        expected = None if b > k else k - (k - b) % n
        if counters[b] != expected:
            sys.exit("block %d holds %s, but the state after write %d has %s" % (b, counters[b], k, expected))
    print("state after", k)


if __name__ == "__main__":
    {"write": write, "verify": verify}[sys.argv[1]](sys.argv[2], int(sys.argv[3]))
