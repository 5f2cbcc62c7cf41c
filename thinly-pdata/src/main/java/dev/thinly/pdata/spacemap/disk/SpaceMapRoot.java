package dev.thinly.pdata.spacemap.disk;

import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.block.WriteBlock;

/**
 * The root of a space map, embedded in the superblock (data map at offset 64, metadata map at
 * 192; each padded with zeros to 128 bytes).
 *
 * <pre>
 * offset size field
 *      0    8 nr_blocks       blocks managed
 *      8    8 nr_allocated    blocks with a non-zero count
 *     16    8 bitmap_root     data map: root of the index btree; metadata map: the index block
 *     24    8 ref_count_root  root of the btree of counts >= 3 (always exists)
 * </pre>
 */
public record SpaceMapRoot(long nrBlocks, long nrAllocated, long bitmapRoot, long refCountRoot) {
  public static final int SIZE = 32;

  public static SpaceMapRoot decode(ReadBlock b, int offset) {
    return new SpaceMapRoot(
        b.getLong(offset), b.getLong(offset + 8), b.getLong(offset + 16), b.getLong(offset + 24));
  }

  public void encode(WriteBlock b, int offset) {
    b.putLong(offset, nrBlocks);
    b.putLong(offset + 8, nrAllocated);
    b.putLong(offset + 16, bitmapRoot);
    b.putLong(offset + 24, refCountRoot);
  }
}
