"""Keeps writes in flight for shutdown tests, and checks what they left.

  inflight_writer.py write URI DEPTH
      Keeps DEPTH asynchronous 128 KiB writes in flight; write i goes to slot i (never reused).
      Prints "ok I T" or "err I ERRNO T" as each completes (T: CLOCK_MONOTONIC ns, the clock of
      the JVM's nanoTime). After the first error it sends nothing more, waits for what is in
      flight, prints "done ISSUED" and exits 0.

  inflight_writer.py verify URI OUTCOMES_FILE
      With the lines printed by write: every "ok" slot must hold its data, every slot refused
      with ESHUTDOWN must be untouched (zeros), a slot whose outcome is unknown (the connection
      ended first) may hold either, and the slots after the last one issued must be zeros.
"""
import hashlib
import sys
import time

import nbd

SLOT = 128 * 1024


def pattern(i):
    return hashlib.sha256(b"slot %d" % i).digest() * (SLOT // 32)


def write(uri, depth):
    h = nbd.NBD()
    h.connect_uri(uri)
    slots = h.get_size() // SLOT
    in_flight = {}  # cookie -> (index, buffer kept alive until the reply)
    issued = 0
    failed = False
    while True:
        while not failed and len(in_flight) < depth:
            if issued == slots:
                sys.exit("ran out of slots before the server stopped")
            buf = nbd.Buffer.from_bytearray(pattern(issued))
            in_flight[h.aio_pwrite(buf, issued * SLOT)] = (issued, buf)
            issued += 1
        if not in_flight:
            break
        try:
            h.poll(-1)
        except nbd.Error:
            failed = True  # the connection is gone; every command left is retired with an error
        for cookie in list(in_flight):
            i = in_flight[cookie][0]
            try:
                if not h.aio_command_completed(cookie):
                    continue
                print("ok", i, time.monotonic_ns(), flush=True)
            except nbd.Error as e:
                failed = True
                print("err", i, e.errno, time.monotonic_ns(), flush=True)
            del in_flight[cookie]
    print("done", issued, flush=True)


def verify(uri, outcomes_file):
    ok, refused, unknown = set(), set(), set()
    issued = None
    for line in open(outcomes_file):
        f = line.split()
        if f[0] == "ok":
            ok.add(int(f[1]))
        elif f[0] == "err":
            (refused if f[2] == "ESHUTDOWN" else unknown).add(int(f[1]))
        elif f[0] == "done":
            issued = int(f[1])
    h = nbd.NBD()
    h.connect_uri(uri)
    zero = bytes(SLOT)
    bad = []
    for i in range(issued + 64):
        got = h.pread(SLOT, i * SLOT)
        if i in ok and got != pattern(i):
            bad.append("slot %d: acknowledged, but %s" % (i, "zeros" if got == zero else "other data"))
        elif (i in refused or i >= issued) and got != zero:
            bad.append("slot %d: never executed (%s), but written" % (i, "ESHUTDOWN" if i in refused else "not sent"))
        elif i in unknown and got not in (zero, pattern(i)):
            bad.append("slot %d: torn" % i)
    h.shutdown()
    if bad:
        sys.exit("\n".join(bad[:20]))
    print("verified %d acknowledged, %d refused, %d unknown" % (len(ok), len(refused), len(unknown)))


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], int(sys.argv[3]))
    else:
        verify(sys.argv[2], sys.argv[3])
