package dev.thinly.thin.metadata;

import dev.thinly.pdata.block.WriteBlock;
import dev.thinly.pdata.btree.BTreeBuilder;
import dev.thinly.pdata.codec.LittleEndian;
import dev.thinly.pdata.spacemap.disk.Bitmap;
import dev.thinly.pdata.spacemap.disk.IndexEntry;
import dev.thinly.pdata.spacemap.disk.MetadataIndexBlock;
import dev.thinly.pdata.spacemap.disk.SpaceMapRoot;
import dev.thinly.pdata.tx.TransactionManager;
import java.util.function.IntToLongFunction;

/**
 * Writes both space maps of a pool built in one go, from counts gathered while building (spec
 * 10.2 steps 7 and 8): bitmaps with two bits per block, an index (a btree for the data map, one
 * block for the metadata map) whose entries follow the kernel's convention ({@code nr_free} over
 * all 16320 entries of a bitmap, {@code none_free_before} = the first free entry), and a ref-count
 * btree holding exactly the blocks counted 3 or more.
 */
final class SpaceMapWriter {
  private SpaceMapWriter() {}

  static int nrBitmaps(long nrBlocks) {
    return (int) ((nrBlocks + Bitmap.ENTRIES - 1) / Bitmap.ENTRIES);
  }

  private static byte[] u32(long count) {
    byte[] b = new byte[4];
    LittleEndian.putInt(b, 0, (int) Math.min(count, 0xFFFF_FFFFL));
    return b;
  }

  /** Fills a bitmap from {@code counts} (entry to count) and returns its index entry. */
  private static IndexEntry fill(WriteBlock bitmap, int entries, IntToLongFunction counts) {
    int used = 0;
    int firstFree = Bitmap.ENTRIES;
    for (int e = 0; e < entries; e++) {
      long c = counts.applyAsLong(e);
      if (c == 0) {
        firstFree = Math.min(firstFree, e);
      } else {
        Bitmap.set(bitmap, e, (int) Math.min(c, 3));
        used++;
      }
    }
    if (entries < Bitmap.ENTRIES) {
      firstFree = Math.min(firstFree, entries);
    }
    return new IndexEntry(bitmap.blocknr(), Bitmap.ENTRIES - used, firstFree);
  }

  /** The data space map; data blocks never touched are free. */
  static SpaceMapRoot writeDataSpaceMap(TransactionManager tm, DataBlockCounts counts, long nrBlocks) {
    BTreeBuilder index = new BTreeBuilder(tm, IndexEntry.SIZE);
    BTreeBuilder refs = new BTreeBuilder(tm, 4);
    long allocated = 0;
    int bitmaps = nrBitmaps(nrBlocks);
    for (int i = 0; i < bitmaps; i++) {
      int entries = (int) Math.min(Bitmap.ENTRIES, nrBlocks - (long) i * Bitmap.ENTRIES);
      byte[] chunk = counts.chunkBytes(i);
      int chunkIndex = i;
      WriteBlock bitmap = tm.newBlock(Bitmap.VALIDATOR);
      // an untouched stretch of the data device is a zero bitmap: nothing to look at
      IndexEntry e =
          chunk == null
              ? IndexEntry.fresh(bitmap.blocknr())
              : fill(bitmap, entries, x -> counts.count(chunkIndex, chunk, x));
      allocated += Bitmap.ENTRIES - e.nrFree();
      // the bitmap is complete before the builders may write back and evict it
      index.add(i, e.toBytes());
      if (chunk != null) {
        for (int x = 0; x < entries; x++) {
          long c = counts.count(i, chunk, x);
          if (c >= 3) {
            refs.add((long) i * Bitmap.ENTRIES + x, u32(c));
          }
        }
      }
    }
    long indexRoot = index.build();
    long refRoot = refs.build();
    return new SpaceMapRoot(nrBlocks, allocated, indexRoot, refRoot);
  }

  /**
   * The metadata space map for {@code nrBlocks} blocks; it allocates its own blocks first, so its
   * counts include itself. Must be the last thing allocated before the superblock.
   */
  static SpaceMapRoot writeMetadataSpaceMap(TransactionManager tm, BulkSpaceMap sm, long nrBlocks) {
    int bitmaps = nrBitmaps(nrBlocks);
    long indexBlock = tm.newBlock(MetadataIndexBlock.VALIDATOR).blocknr();
    long[] bitmapBlocks = new long[bitmaps];
    for (int i = 0; i < bitmaps; i++) {
      bitmapBlocks[i] = tm.newBlock(Bitmap.VALIDATOR).blocknr();
    }
    // counts of 3+ belong to nodes with several parents; the tree's own nodes get count 1, so
    // building it does not change which blocks it must hold
    BTreeBuilder refs = new BTreeBuilder(tm, 4);
    long used = sm.used();
    for (long b = 0; b < used; b++) {
      long c = sm.count(b);
      if (c >= 3) {
        refs.add(b, u32(c));
      }
    }
    long refRoot = refs.build();
    if (sm.used() > nrBlocks) {
      throw new IllegalStateException("metadata blocks allocated beyond the space map");
    }
    IndexEntry[] entries = new IndexEntry[bitmaps];
    long allocated = 0;
    for (int i = 0; i < bitmaps; i++) {
      long base = (long) i * Bitmap.ENTRIES;
      int n = (int) Math.min(Bitmap.ENTRIES, nrBlocks - base);
      WriteBlock bitmap = tm.shadow(bitmapBlocks[i], Bitmap.VALIDATOR).block();
      entries[i] = fill(bitmap, n, x -> sm.count(base + x));
      allocated += Bitmap.ENTRIES - entries[i].nrFree();
    }
    WriteBlock index = tm.shadow(indexBlock, MetadataIndexBlock.VALIDATOR).block();
    MetadataIndexBlock.encode(index, entries);
    return new SpaceMapRoot(nrBlocks, allocated, indexBlock, refRoot);
  }
}
