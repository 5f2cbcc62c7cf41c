package dev.thinly.pdata.spacemap.disk;

import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.block.SaltedValidator;
import dev.thinly.pdata.block.WriteBlock;
import dev.thinly.pdata.codec.BlockChecksum;

/**
 * A space-map bitmap block: 2 bits of reference count for each of 16320 blocks.
 *
 * <pre>
 * offset size field
 *      0    4 csum      salted CRC-32C (salt 240779)
 *      4    4 not_used  0
 *      8    8 blocknr   own location
 *     16 4080 words     510 little-endian u64; entry e is bit pair j = e % 32 of word e / 32
 * </pre>
 *
 * Within a pair the lower-numbered bit is the high bit of the count: {@code count = bit[2j] << 1 |
 * bit[2j+1]}. Count 3 means "3 or more: see the ref-count tree".
 */
public final class Bitmap {
  public static final int ENTRIES = 16320;
  public static final int WORDS = 510;
  static final int DATA = 16;
  private static final long LOW_BITS = 0x5555555555555555L;

  public static final SaltedValidator VALIDATOR =
      new SaltedValidator("space map bitmap", BlockChecksum.BITMAP_SALT);

  private Bitmap() {}

  public static int get(ReadBlock b, int entry) {
    long w = b.getLong(DATA + 8 * (entry >>> 5));
    int shift = 2 * (entry & 31);
    int hi = (int) (w >>> shift) & 1;
    int lo = (int) (w >>> (shift + 1)) & 1;
    return hi << 1 | lo;
  }

  public static void set(WriteBlock b, int entry, int count2) {
    int off = DATA + 8 * (entry >>> 5);
    int shift = 2 * (entry & 31);
    long w = b.getLong(off);
    w &= ~(3L << shift);
    w |= (long) (count2 >>> 1) << shift;
    w |= (long) (count2 & 1) << (shift + 1);
    b.putLong(off, w);
  }

  /** Bit 2j of the result is set iff entry j of the word is non-zero. */
  static long inUse(long word) {
    return (word | (word >>> 1)) & LOW_BITS;
  }

  /** Number of non-zero entries among the first {@code limit}. */
  public static int countInUse(ReadBlock b, int limit) {
    int n = 0;
    int fullWords = limit >>> 5;
    for (int w = 0; w < fullWords; w++) {
      n += Long.bitCount(inUse(b.getLong(DATA + 8 * w)));
    }
    int rest = limit & 31;
    if (rest > 0) {
      n += Long.bitCount(inUse(b.getLong(DATA + 8 * fullWords)) & ((1L << (2 * rest)) - 1));
    }
    return n;
  }

  /**
   * The first entry in {@code [from, to)} that is zero in {@code a} and, if {@code b} is not null,
   * in {@code b} too; -1 if none.
   */
  public static int findFree(ReadBlock a, ReadBlock b, int from, int to) {
    int e = from;
    while (e < to) {
      int word = e >>> 5;
      long used = inUse(a.getLong(DATA + 8 * word));
      if (b != null) {
        used |= inUse(b.getLong(DATA + 8 * word));
      }
      long free = ~used & LOW_BITS;
      free &= -1L << (2 * (e & 31)); // drop entries below e
      if (free != 0) {
        int found = (word << 5) + (Long.numberOfTrailingZeros(free) >>> 1);
        return found < to ? found : -1;
      }
      e = (word + 1) << 5;
    }
    return -1;
  }
}
