package dev.thinly.thin.tools;

import com.carrotsearch.hppc.LongIntHashMap;
import org.roaringbitmap.PeekableIntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * Recomputed data block reference counts, sized by what is mapped rather than by the data device: a
 * compressed bitmap of blocks counted at least once, one of blocks counted at least twice, and an
 * exact map for the few counted three times or more (blocks shared by three or more leaves). Data
 * block numbers have 40 bits; each bitmap covers the 2^32 blocks of one value of the top 8.
 *
 * <p>A pool with 10 million mapped blocks costs a few tens of MiB here, where an array of counts
 * for the whole data device could need gigabytes.
 */
final class DataRefCounts {
  private static final int PARTS = 256;

  private final RoaringBitmap[] once = new RoaringBitmap[PARTS];
  private final RoaringBitmap[] twice = new RoaringBitmap[PARTS];
  private final LongIntHashMap more = new LongIntHashMap();

  /** Receives counts in ascending block order. */
  @FunctionalInterface
  interface CountVisitor {
    void visit(long dataBlock, long count);
  }

  /** One more reference to {@code dataBlock} (which must be below 2^40). */
  void inc(long dataBlock) {
    int part = (int) (dataBlock >>> 32);
    int low = (int) dataBlock;
    if (once[part] == null) {
      once[part] = new RoaringBitmap();
      twice[part] = new RoaringBitmap();
    }
    if (once[part].checkedAdd(low)) {
      return;
    }
    if (twice[part].checkedAdd(low)) {
      return;
    }
    more.putOrAdd(dataBlock, 3, 1);
  }

  long count(long dataBlock) {
    int part = (int) (dataBlock >>> 32);
    int low = (int) dataBlock;
    if (once[part] == null || !once[part].contains(low)) {
      return 0;
    }
    if (!twice[part].contains(low)) {
      return 1;
    }
    return Math.max(2, more.getOrDefault(dataBlock, 2));
  }

  /** Number of blocks with a non-zero count. */
  long nrNonZero() {
    long n = 0;
    for (RoaringBitmap b : once) {
      if (b != null) {
        n += b.getLongCardinality();
      }
    }
    return n;
  }

  /** Visits every block in {@code [from, to)} with a non-zero count, ascending. */
  void forEachInRange(long from, long to, CountVisitor v) {
    for (int part = (int) (from >>> 32); part < PARTS && ((long) part << 32) < to; part++) {
      RoaringBitmap b = once[part];
      if (b == null) {
        continue;
      }
      long base = (long) part << 32;
      PeekableIntIterator it = b.getIntIterator();
      if (from > base) {
        it.advanceIfNeeded((int) (from - base));
      }
      while (it.hasNext()) {
        long block = base + Integer.toUnsignedLong(it.peekNext());
        if (block >= to) {
          break;
        }
        it.next();
        v.visit(block, count(block));
      }
    }
  }
}
