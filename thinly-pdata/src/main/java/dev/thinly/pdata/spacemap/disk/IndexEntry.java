package dev.thinly.pdata.spacemap.disk;

import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.block.WriteBlock;
import dev.thinly.pdata.codec.LittleEndian;

/**
 * Describes one bitmap block of a space map.
 *
 * <pre>
 * offset size field
 *      0    8 blocknr           location of the bitmap block
 *      8    4 nr_free           entries with count 0 in this bitmap (all 16320 slots count,
 *                               including those past nr_blocks in the last bitmap)
 *     12    4 none_free_before  no entry below this index is free (an allocation hint)
 * </pre>
 */
public record IndexEntry(long blocknr, long nrFree, long noneFreeBefore) {
  public static final int SIZE = 16;

  public static IndexEntry decode(ReadBlock b, int offset) {
    return new IndexEntry(b.getLong(offset), b.getU32(offset + 8), b.getU32(offset + 12));
  }

  public static IndexEntry decode(byte[] b, int offset) {
    return new IndexEntry(
        LittleEndian.getLong(b, offset),
        LittleEndian.getU32(b, offset + 8),
        LittleEndian.getU32(b, offset + 12));
  }

  public void encode(WriteBlock b, int offset) {
    b.putLong(offset, blocknr);
    b.putInt(offset + 8, (int) nrFree);
    b.putInt(offset + 12, (int) noneFreeBefore);
  }

  public byte[] toBytes() {
    byte[] b = new byte[SIZE];
    LittleEndian.putLong(b, 0, blocknr);
    LittleEndian.putInt(b, 8, (int) nrFree);
    LittleEndian.putInt(b, 12, (int) noneFreeBefore);
    return b;
  }

  /** A new, empty bitmap at {@code blocknr}. */
  public static IndexEntry fresh(long blocknr) {
    return new IndexEntry(blocknr, Bitmap.ENTRIES, 0);
  }
}
