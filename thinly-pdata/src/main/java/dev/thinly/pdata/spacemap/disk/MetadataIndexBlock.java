package dev.thinly.pdata.spacemap.disk;

import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.block.SaltedValidator;
import dev.thinly.pdata.block.WriteBlock;
import dev.thinly.pdata.codec.BlockChecksum;

/**
 * The metadata space map's index: one block instead of a btree, so that updating it never needs a
 * metadata allocation of its own.
 *
 * <pre>
 * offset  size   field
 *      0     4   csum      salted CRC-32C (salt 160478)
 *      4     4   padding   0
 *      8     8   blocknr   own location
 *     16 255*16  entries   {@link IndexEntry} of bitmaps 0..254; unused entries are zero
 * </pre>
 *
 * 255 bitmaps of 16320 entries cap the metadata device at 4,161,600 blocks (about 15.9 GiB).
 */
public final class MetadataIndexBlock {
  public static final int MAX_BITMAPS = 255;
  public static final long MAX_METADATA_BLOCKS = (long) MAX_BITMAPS * Bitmap.ENTRIES;
  static final int ENTRIES = 16;

  public static final SaltedValidator VALIDATOR =
      new SaltedValidator("metadata space map index", BlockChecksum.INDEX_SALT);

  private MetadataIndexBlock() {}

  public static IndexEntry[] decode(ReadBlock b, int nrBitmaps) {
    IndexEntry[] entries = new IndexEntry[nrBitmaps];
    for (int i = 0; i < nrBitmaps; i++) {
      entries[i] = IndexEntry.decode(b, ENTRIES + IndexEntry.SIZE * i);
    }
    return entries;
  }

  public static void encode(WriteBlock b, IndexEntry[] entries) {
    b.zero(ENTRIES, IndexEntry.SIZE * MAX_BITMAPS);
    for (int i = 0; i < entries.length; i++) {
      entries[i].encode(b, ENTRIES + IndexEntry.SIZE * i);
    }
  }
}
