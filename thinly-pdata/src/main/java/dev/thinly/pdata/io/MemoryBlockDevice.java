package dev.thinly.pdata.io;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A device in the heap, stored in 64 KiB pages allocated on first write (so large sparse devices
 * cost nothing until written). Thread-safe. Flush is a no-op: memory is "durable" for as long as
 * the object lives; crash simulation is {@code FaultInjectingBlockDevice}'s job.
 */
public final class MemoryBlockDevice implements BlockDevice {
  private static final int PAGE_SHIFT = 16;
  private static final int PAGE_BYTES = 1 << PAGE_SHIFT;
  private static final byte[] ZEROS = new byte[PAGE_BYTES];

  private final String name;
  private byte[][] pages;
  private long sizeBytes;
  private final boolean growable;

  public MemoryBlockDevice(String name, long sizeBytes) {
    this(name, sizeBytes, true);
  }

  public MemoryBlockDevice(String name, long sizeBytes, boolean growable) {
    this.name = name;
    this.sizeBytes = sizeBytes;
    this.growable = growable;
    this.pages = new byte[pageCount(sizeBytes)][];
  }

  private static int pageCount(long sizeBytes) {
    return Math.toIntExact((sizeBytes + PAGE_BYTES - 1) >>> PAGE_SHIFT);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public synchronized long sizeBytes() {
    return sizeBytes;
  }

  @Override
  public synchronized void read(long offsetBytes, ByteBuffer dst) {
    Ranges.checkRange(name, offsetBytes, dst.remaining(), sizeBytes);
    long pos = offsetBytes;
    while (dst.hasRemaining()) {
      int page = (int) (pos >>> PAGE_SHIFT);
      int inPage = (int) (pos & (PAGE_BYTES - 1));
      int n = Math.min(dst.remaining(), PAGE_BYTES - inPage);
      byte[] p = pages[page];
      if (p == null) {
        dst.put(ZEROS, 0, n); // an unwritten page reads as zeros
      } else {
        dst.put(p, inPage, n);
      }
      pos += n;
    }
  }

  @Override
  public synchronized void write(long offsetBytes, ByteBuffer src) {
    Ranges.checkRange(name, offsetBytes, src.remaining(), sizeBytes);
    long pos = offsetBytes;
    while (src.hasRemaining()) {
      int page = (int) (pos >>> PAGE_SHIFT);
      int inPage = (int) (pos & (PAGE_BYTES - 1));
      int n = Math.min(src.remaining(), PAGE_BYTES - inPage);
      byte[] p = pages[page];
      if (p == null) {
        p = pages[page] = new byte[PAGE_BYTES];
      }
      src.get(p, inPage, n);
      pos += n;
    }
  }

  @Override
  public void flush() {}

  @Override
  public synchronized void discard(long offsetBytes, long lengthBytes) {
    Ranges.checkRange(name, offsetBytes, lengthBytes, sizeBytes);
    long pos = offsetBytes;
    long end = offsetBytes + lengthBytes;
    while (pos < end) {
      int page = (int) (pos >>> PAGE_SHIFT);
      int inPage = (int) (pos & (PAGE_BYTES - 1));
      int n = (int) Math.min(end - pos, PAGE_BYTES - inPage);
      if (pages[page] != null) {
        if (n == PAGE_BYTES) {
          pages[page] = null;
        } else {
          Arrays.fill(pages[page], inPage, inPage + n, (byte) 0);
        }
      }
      pos += n;
    }
  }

  @Override
  public synchronized void grow(long newSizeBytes) {
    if (newSizeBytes <= sizeBytes) {
      return;
    }
    if (!growable) {
      throw new IllegalStateException(name + " cannot grow");
    }
    pages = Arrays.copyOf(pages, pageCount(newSizeBytes));
    sizeBytes = newSizeBytes;
  }

  @Override
  public boolean growable() {
    return growable;
  }

  @Override
  public synchronized long allocatedBytes() {
    long n = 0;
    for (byte[] p : pages) {
      if (p != null) {
        n += PAGE_BYTES;
      }
    }
    return n;
  }

  @Override
  public void close() {}
}
