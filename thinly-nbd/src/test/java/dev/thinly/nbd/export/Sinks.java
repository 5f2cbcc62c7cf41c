package dev.thinly.nbd.export;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Test sinks that collect what an export reports. */
final class Sinks {
  private Sinks() {}

  /** Materializes a read into bytes, and remembers which ranges came as zeroes. */
  static final class Bytes implements ReadSink {
    final long start;
    final byte[] bytes;
    final List<long[]> zeroRanges = new ArrayList<>();
    long next;

    Bytes(long start, int length) {
      this.start = start;
      this.bytes = new byte[length];
      this.next = start;
    }

    @Override
    public ByteBuffer dataBuffer(long offsetBytes, int lengthBytes) {
      check(offsetBytes, lengthBytes);
      next += lengthBytes;
      return ByteBuffer.wrap(bytes, (int) (offsetBytes - start), lengthBytes).slice();
    }

    @Override
    public void zeroes(long offsetBytes, long lengthBytes) {
      check(offsetBytes, lengthBytes);
      zeroRanges.add(new long[] {offsetBytes, lengthBytes});
      next += lengthBytes;
    }

    private void check(long offsetBytes, long lengthBytes) {
      if (offsetBytes != next || lengthBytes <= 0 || next + lengthBytes > start + bytes.length) {
        throw new AssertionError(
            "out of order: " + lengthBytes + " bytes at " + offsetBytes + ", expected " + next);
      }
    }

    boolean complete() {
      return next == start + bytes.length;
    }
  }

  /** Collects extents, optionally stopping after some. */
  static final class Extents implements ExtentSink {
    final List<long[]> extents = new ArrayList<>();
    final int stopAfter;

    Extents() {
      this(Integer.MAX_VALUE);
    }

    Extents(int stopAfter) {
      this.stopAfter = stopAfter;
    }

    @Override
    public boolean extent(long lengthBytes, int flags) {
      if (lengthBytes <= 0) {
        throw new AssertionError("empty extent");
      }
      extents.add(new long[] {lengthBytes, flags});
      return extents.size() < stopAfter;
    }

    long total() {
      return extents.stream().mapToLong(e -> e[0]).sum();
    }
  }
}
