package dev.thinly.thin.tools;

import com.carrotsearch.hppc.LongArrayList;
import com.carrotsearch.hppc.LongLongHashMap;
import dev.thinly.pdata.codec.BlockChecksum;
import dev.thinly.pdata.codec.LittleEndian;
import dev.thinly.pdata.spacemap.disk.Bitmap;
import dev.thinly.pdata.spacemap.disk.IndexEntry;
import dev.thinly.pdata.spacemap.disk.MetadataIndexBlock;
import dev.thinly.pdata.spacemap.disk.SpaceMapRoot;
import dev.thinly.thin.format.BlockTime;
import dev.thinly.thin.tools.CheckContext.Role;
import dev.thinly.thin.tools.CheckReport.Kind;
import java.util.Arrays;

/**
 * The two space maps' own structures: the metadata index block, the data index tree, the bitmaps
 * and both ref-count trees are referenced (they count as metadata references too), walked and
 * validated; the data ref-count tree's entries are compared with the recomputed data counts as it
 * is walked. {@link CheckCounts} then compares every stored count.
 */
final class CheckSpaceMaps {
  private static final int ENTRIES = Bitmap.ENTRIES;

  private final CheckContext ctx;
  private final CheckTreeWalker walker;
  private final DataRefCounts dataCounts;
  final SpaceMapRoot metadataRoot;
  final SpaceMapRoot dataRoot;

  /** Bitmap locations by bitmap number; -1 where the index has no usable entry. */
  long[] metadataBitmaps = new long[0];

  long[] dataBitmaps = new long[0];

  /** The metadata ref-count tree: block to count. */
  final LongLongHashMap metadataTree = new LongLongHashMap();

  /** The blocks the data ref-count tree has entries for. */
  final DataRefCounts dataTreeKeys = new DataRefCounts();

  private final LongArrayList dataIndexKeys = new LongArrayList();
  private final LongArrayList dataIndexBlocks = new LongArrayList();
  private boolean compareDataTree;

  CheckSpaceMaps(
      CheckContext ctx,
      CheckTreeWalker walker,
      DataRefCounts dataCounts,
      SpaceMapRoot metadataRoot,
      SpaceMapRoot dataRoot) {
    this.ctx = ctx;
    this.walker = walker;
    this.dataCounts = dataCounts;
    this.metadataRoot = metadataRoot;
    this.dataRoot = dataRoot;
    walker.onLeaf(Role.DATA_INDEX, this::dataIndexLeaf);
    walker.onLeaf(Role.DATA_REF_COUNTS, this::dataRefCountLeaf);
    walker.onLeaf(Role.METADATA_REF_COUNTS, this::metadataRefCountLeaf);
  }

  /** Bitmaps a map of {@code nrBlocks} blocks needs (0 for nonsense sizes, capped at an int). */
  static int nrBitmaps(long nrBlocks) {
    if (nrBlocks <= 0) {
      return 0;
    }
    return (int)
        Math.min(Integer.MAX_VALUE, nrBlocks / ENTRIES + (nrBlocks % ENTRIES == 0 ? 0 : 1));
  }

  // ---------------------------------------------------------------- structures

  /** References and validates the data space map's index tree, bitmaps and ref-count tree. */
  void walkDataSpaceMap() {
    if (ctx.reference(dataRoot.bitmapRoot(), Role.DATA_INDEX, "superblock")) {
      walker.walkRoot(dataRoot.bitmapRoot(), Role.DATA_INDEX, "data space map index tree");
    }
    long nb = (dataRoot.nrBlocks() + ENTRIES - 1) / ENTRIES;
    if (dataRoot.nrBlocks() < 0 || nb > dataIndexKeys.size()) {
      // never size anything by a count the index does not back (a corrupt nr_blocks)
      ctx.markIncomplete();
      ctx.fatal(
          Kind.SPACE_MAP_INDEX,
          dataRoot.bitmapRoot(),
          "the data space map has "
              + Long.toUnsignedString(dataRoot.nrBlocks())
              + " blocks, but its index only has entries for "
              + dataIndexKeys.size()
              + " bitmaps of "
              + ENTRIES);
      return;
    }
    dataBitmaps = new long[(int) nb];
    Arrays.fill(dataBitmaps, -1);
    for (int i = 0; i < dataIndexKeys.size(); i++) {
      long key = dataIndexKeys.get(i);
      long bitmap = dataIndexBlocks.get(i);
      if (Long.compareUnsigned(key, nb) >= 0) {
        ctx.fatal(
            Kind.SPACE_MAP_INDEX,
            bitmap,
            "data space map index has an entry for bitmap "
                + Long.toUnsignedString(key)
                + ", but the map only has "
                + nb);
        continue;
      }
      if (ctx.reference(bitmap, Role.DATA_BITMAP, "data space map index tree")) {
        dataBitmaps[(int) key] = bitmap;
      }
    }
    int missing = 0;
    int first = -1;
    for (int i = 0; i < nb; i++) {
      if (dataBitmaps[i] < 0) {
        missing++;
        first = first < 0 ? i : first;
      }
    }
    if (missing > 0) {
      ctx.markIncomplete();
      ctx.fatal(
          Kind.SPACE_MAP_INDEX,
          -1,
          "data space map index has no usable entry for "
              + missing
              + " of its "
              + nb
              + " bitmaps (the first is bitmap "
              + first
              + ")");
    }
    compareDataTree = dataCounts != null && !ctx.countsIncomplete();
    if (ctx.reference(dataRoot.refCountRoot(), Role.DATA_REF_COUNTS, "superblock")) {
      walker.walkRoot(
          dataRoot.refCountRoot(), Role.DATA_REF_COUNTS, "data space map ref-count tree");
    }
  }

  /** References and validates the metadata index block, its bitmaps and the ref-count tree. */
  void walkMetadataSpaceMap() {
    long index = metadataRoot.bitmapRoot();
    if (ctx.reference(index, Role.METADATA_INDEX, "superblock")) {
      readMetadataIndex(index);
    } else {
      ctx.markIncomplete();
    }
    if (ctx.reference(metadataRoot.refCountRoot(), Role.METADATA_REF_COUNTS, "superblock")) {
      walker.walkRoot(
          metadataRoot.refCountRoot(),
          Role.METADATA_REF_COUNTS,
          "metadata space map ref-count tree");
    }
  }

  private void readMetadataIndex(long index) {
    byte[] b;
    try {
      b = ctx.reader.read(index);
    } catch (RuntimeException e) {
      ctx.markIncomplete();
      ctx.fatal(
          Kind.IO,
          index,
          "cannot read the metadata space map index block " + index + ": " + e.getMessage());
      return;
    }
    String bad =
        CheckBlockReader.checkSalted(b, index, BlockChecksum.INDEX_SALT, "metadata index block");
    if (bad != null) {
      ctx.markIncomplete();
      ctx.fatal(bad.startsWith("bad checksum") ? Kind.CHECKSUM : Kind.BLOCKNR, index, bad);
      return;
    }
    int nb = Math.min(nrBitmaps(metadataRoot.nrBlocks()), MetadataIndexBlock.MAX_BITMAPS);
    metadataBitmaps = new long[nb];
    for (int i = 0; i < nb; i++) {
      long bitmap = LittleEndian.getLong(b, 16 + IndexEntry.SIZE * i);
      metadataBitmaps[i] = -1;
      if (bitmap == 0) {
        ctx.markIncomplete();
        ctx.fatal(
            Kind.SPACE_MAP_INDEX,
            index,
            "metadata space map index has no bitmap for blocks from " + (long) i * ENTRIES);
      } else if (ctx.reference(
          bitmap, Role.METADATA_BITMAP, "metadata space map index block " + index)) {
        metadataBitmaps[i] = bitmap;
      }
    }
  }

  private void dataIndexLeaf(long block, byte[] n, int nr, String what) {
    for (int i = 0; i < nr; i++) {
      dataIndexKeys.add(CheckTreeWalker.key(n, i));
      dataIndexBlocks.add(CheckTreeWalker.longValue(n, i));
    }
  }

  private void dataRefCountLeaf(long block, byte[] n, int nr, String what) {
    for (int i = 0; i < nr; i++) {
      long dataBlock = CheckTreeWalker.key(n, i);
      long count =
          Integer.toUnsignedLong(LittleEndian.getInt(n, CheckTreeWalker.valueOffset(n, i)));
      if (Long.compareUnsigned(dataBlock, dataRoot.nrBlocks()) >= 0
          || dataBlock >= BlockTime.MAX_DATA_BLOCKS) {
        ctx.fatal(
            Kind.REF_COUNT_TREE,
            block,
            what
                + " has an entry for data block "
                + Long.toUnsignedString(dataBlock)
                + ", beyond the "
                + dataRoot.nrBlocks()
                + " data blocks");
        continue;
      }
      dataTreeKeys.inc(dataBlock);
      if (count < 3) {
        ctx.fatal(
            Kind.REF_COUNT_TREE,
            block,
            what
                + " holds count "
                + count
                + " for data block "
                + dataBlock
                + "; only counts of 3 or more belong there");
      } else if (compareDataTree && dataCounts.count(dataBlock) != count) {
        ctx.fatal(
            Kind.DATA_COUNT,
            block,
            "data reference counts differ for block "
                + dataBlock
                + ", expected "
                + dataCounts.count(dataBlock)
                + ", but the ref-count tree says "
                + count);
      }
    }
  }

  private void metadataRefCountLeaf(long block, byte[] n, int nr, String what) {
    for (int i = 0; i < nr; i++) {
      long key = CheckTreeWalker.key(n, i);
      long count =
          Integer.toUnsignedLong(LittleEndian.getInt(n, CheckTreeWalker.valueOffset(n, i)));
      if (Long.compareUnsigned(key, metadataRoot.nrBlocks()) >= 0) {
        ctx.fatal(
            Kind.REF_COUNT_TREE,
            block,
            what
                + " has an entry for block "
                + Long.toUnsignedString(key)
                + ", beyond the "
                + metadataRoot.nrBlocks()
                + " metadata blocks");
      } else if (count < 3) {
        ctx.fatal(
            Kind.REF_COUNT_TREE,
            block,
            what
                + " holds count "
                + count
                + " for block "
                + key
                + "; only counts of 3 or more belong there");
      } else {
        metadataTree.put(key, count);
      }
    }
  }

  // ---------------------------------------------------------------- counts

  /** Compares both maps' stored counts with the recomputed ones (see {@link CheckCounts}). */
  void compareCounts() {
    CheckCounts counts = new CheckCounts(ctx, this, dataCounts);
    counts.compareData();
    counts.compareMetadata();
  }
}
