package dev.thinly.nbd.export;

import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.pdata.error.ReadOnlyException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A sparse export in the heap, for tests and demos. Storage is allocated in pages on first write;
 * absent pages read as zeroes and are reported as holes by {@link #blockStatus}, and trimming or
 * zeroing whole pages frees them again, so it behaves like a thin volume with a tiny chunk size.
 *
 * <p>Thread-safe. Page lookups go through a concurrent sorted map so that block status can skip
 * holes without visiting them. Flush is a no-op: memory is as durable as this object.
 */
public final class MemoryExport implements Export {
  /** The default page size, which is also the granularity of holes. */
  public static final int DEFAULT_PAGE_BYTES = 4096;

  private final String name;
  private final String description;
  private final long sizeBytes;
  private final int pageBytes;
  private final int pageShift;
  private final boolean readOnly;
  private final BlockSizes blockSizes;
  private final Set<ExportCapability> capabilities;
  private final ConcurrentSkipListMap<Long, byte[]> pages = new ConcurrentSkipListMap<>();

  private MemoryExport(Builder b) {
    this.name = b.name;
    this.description = b.description;
    this.sizeBytes = b.sizeBytes;
    this.pageBytes = b.pageBytes;
    this.pageShift = Integer.numberOfTrailingZeros(b.pageBytes);
    this.readOnly = b.readOnly;
    this.blockSizes = b.blockSizes;
    this.capabilities = Set.copyOf(b.capabilities);
  }

  /** A builder with every capability, 4 KiB pages and default block sizes. */
  public static Builder builder(String name, long sizeBytes) {
    return new Builder(name, sizeBytes);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public long sizeBytes() {
    return sizeBytes;
  }

  @Override
  public boolean readOnly() {
    return readOnly;
  }

  @Override
  public BlockSizes blockSizes() {
    return blockSizes;
  }

  @Override
  public Set<ExportCapability> capabilities() {
    return capabilities;
  }

  /** Bytes of allocated pages. */
  public long allocatedBytes() {
    return (long) pages.size() * pageBytes;
  }

  @Override
  public void read(long offsetBytes, int lengthBytes, ReadSink sink) {
    checkRange(offsetBytes, lengthBytes);
    long pos = offsetBytes;
    long end = offsetBytes + lengthBytes;
    while (pos < end) {
      long page = pos >>> pageShift;
      byte[] data = pages.get(page);
      if (data == null) {
        // a run of absent pages up to the next allocated one
        Long next = pages.ceilingKey(page);
        long holeEnd = next == null ? end : Math.min(end, next << pageShift);
        sink.zeroes(pos, holeEnd - pos);
        pos = holeEnd;
        continue;
      }
      // a run of allocated pages, copied into one buffer so the reply has one data chunk
      long runEnd = Math.min(end, (page + 1) << pageShift);
      while (runEnd < end && pages.containsKey(runEnd >>> pageShift)) {
        runEnd = Math.min(end, runEnd + pageBytes);
      }
      ByteBuffer dst = sink.dataBuffer(pos, (int) (runEnd - pos));
      while (pos < runEnd) {
        int inPage = (int) (pos & (pageBytes - 1));
        int n = (int) Math.min(runEnd - pos, pageBytes - inPage);
        byte[] p = pages.get(pos >>> pageShift);
        if (p == null) {
          // trimmed between the run scan and now: reads as zeroes, as a hole would
          dst.put(new byte[n]);
        } else {
          dst.put(p, inPage, n);
        }
        pos += n;
      }
    }
  }

  @Override
  public void write(long offsetBytes, ByteBuffer data, boolean fua) {
    checkWritable();
    checkRange(offsetBytes, data.remaining());
    long pos = offsetBytes;
    while (data.hasRemaining()) {
      int inPage = (int) (pos & (pageBytes - 1));
      int n = Math.min(data.remaining(), pageBytes - inPage);
      byte[] p = pages.computeIfAbsent(pos >>> pageShift, k -> new byte[pageBytes]);
      data.get(p, inPage, n);
      pos += n;
    }
  }

  @Override
  public void flush() {}

  @Override
  public void trim(long offsetBytes, long lengthBytes, boolean fua) {
    checkWritable();
    checkRange(offsetBytes, lengthBytes);
    punch(offsetBytes, lengthBytes);
  }

  @Override
  public void writeZeroes(
      long offsetBytes, long lengthBytes, boolean noHole, boolean fastZero, boolean fua) {
    checkWritable();
    checkRange(offsetBytes, lengthBytes);
    if (!noHole) {
      punch(offsetBytes, lengthBytes);
      return;
    }
    long end = offsetBytes + lengthBytes;
    for (long pos = offsetBytes; pos < end; ) {
      int inPage = (int) (pos & (pageBytes - 1));
      int n = (int) Math.min(end - pos, pageBytes - inPage);
      byte[] p = pages.computeIfAbsent(pos >>> pageShift, k -> new byte[pageBytes]);
      Arrays.fill(p, inPage, inPage + n, (byte) 0);
      pos += n;
    }
  }

  /** Frees whole pages in the range and zeroes the partial ones at its edges. */
  private void punch(long offsetBytes, long lengthBytes) {
    long end = offsetBytes + lengthBytes;
    long firstWhole = (offsetBytes + pageBytes - 1) >>> pageShift;
    long endWhole = end >>> pageShift;
    if (firstWhole < endWhole) {
      pages.subMap(firstWhole, endWhole).clear();
    }
    zeroWithinPages(offsetBytes, Math.min(end, firstWhole << pageShift));
    zeroWithinPages(Math.max(offsetBytes, endWhole << pageShift), end);
  }

  private void zeroWithinPages(long from, long to) {
    for (long pos = from; pos < to; ) {
      int inPage = (int) (pos & (pageBytes - 1));
      int n = (int) Math.min(to - pos, pageBytes - inPage);
      byte[] p = pages.get(pos >>> pageShift);
      if (p != null) {
        Arrays.fill(p, inPage, inPage + n, (byte) 0);
      }
      pos += n;
    }
  }

  @Override
  public void blockStatus(long offsetBytes, long lengthBytes, ExtentSink sink) {
    checkRange(offsetBytes, lengthBytes);
    long pos = offsetBytes;
    long end = offsetBytes + lengthBytes;
    while (pos < end) {
      long page = pos >>> pageShift;
      Long next = pages.ceilingKey(page);
      boolean more;
      if (next == null || next != page) {
        long holeEnd = next == null ? end : Math.min(end, next << pageShift);
        more = sink.extent(holeEnd - pos, ExtentSink.HOLE | ExtentSink.ZERO);
        pos = holeEnd;
      } else {
        long runEndPage = page + 1;
        for (Map.Entry<Long, byte[]> e : pages.tailMap(page, false).entrySet()) {
          if (e.getKey() != runEndPage || (runEndPage << pageShift) >= end) {
            break;
          }
          runEndPage++;
        }
        long runEnd = Math.min(end, runEndPage << pageShift);
        more = sink.extent(runEnd - pos, ExtentSink.DATA);
        pos = runEnd;
      }
      if (!more) {
        return;
      }
    }
  }

  @Override
  public void close() {}

  private void checkRange(long offsetBytes, long lengthBytes) {
    if (offsetBytes < 0 || lengthBytes < 0 || offsetBytes > sizeBytes - lengthBytes) {
      throw new InvalidRequestException(
          lengthBytes + " bytes at " + offsetBytes + " exceed export " + name + " of " + sizeBytes);
    }
  }

  private void checkWritable() {
    if (readOnly) {
      throw new ReadOnlyException("export " + name, "");
    }
  }

  /** Options of a {@link MemoryExport}. */
  public static final class Builder {
    private final String name;
    private final long sizeBytes;
    private String description = "";
    private int pageBytes = DEFAULT_PAGE_BYTES;
    private boolean readOnly;
    private BlockSizes blockSizes = BlockSizes.DEFAULT;
    private final EnumSet<ExportCapability> capabilities = EnumSet.allOf(ExportCapability.class);

    private Builder(String name, long sizeBytes) {
      if (sizeBytes < 0) {
        throw new IllegalArgumentException("negative size " + sizeBytes);
      }
      this.name = name;
      this.sizeBytes = sizeBytes;
    }

    public Builder description(String description) {
      this.description = description;
      return this;
    }

    /** The allocation unit (a power of two of at least 512), which is also the hole granularity. */
    public Builder pageBytes(int pageBytes) {
      if (pageBytes < 512 || Integer.bitCount(pageBytes) != 1) {
        throw new IllegalArgumentException("page size must be a power of two >= 512: " + pageBytes);
      }
      this.pageBytes = pageBytes;
      return this;
    }

    public Builder readOnly(boolean readOnly) {
      this.readOnly = readOnly;
      return this;
    }

    public Builder blockSizes(BlockSizes blockSizes) {
      this.blockSizes = blockSizes;
      return this;
    }

    /** Withdraws capabilities, e.g. to test how the server behaves without them. */
    public Builder without(ExportCapability... removed) {
      capabilities.removeAll(Arrays.asList(removed));
      return this;
    }

    public MemoryExport build() {
      return new MemoryExport(this);
    }
  }
}
