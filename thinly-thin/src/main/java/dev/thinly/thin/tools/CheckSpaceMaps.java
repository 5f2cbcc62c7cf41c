package dev.thinly.thin.tools;

import com.carrotsearch.hppc.LongArrayList;
import com.carrotsearch.hppc.LongLongHashMap;
import dev.thinly.pdata.codec.BlockChecksum;
import dev.thinly.pdata.codec.LittleEndian;
import dev.thinly.pdata.spacemap.disk.Bitmap;
import dev.thinly.pdata.spacemap.disk.IndexEntry;
import dev.thinly.pdata.spacemap.disk.MetadataIndexBlock;
import dev.thinly.pdata.spacemap.disk.SpaceMapRoot;
import dev.thinly.thin.tools.CheckContext.Role;
import dev.thinly.thin.tools.CheckReport.Kind;
import dev.thinly.thin.tools.CheckReport.Severity;
import java.util.Arrays;

/**
 * The two space maps: their own structures (metadata index block, data index tree, bitmaps,
 * ref-count trees) are referenced, walked and validated, then every stored count is compared with
 * the recomputed one.
 *
 * <p>Classification of a difference (documented choice): for <b>metadata</b> counts the rule of
 * thin_check 0.9.0 (a stored count above the computed one is a leak, non-fatal; below is fatal:
 * the kernel could free a block still in use), so that this check and 0.9.0 agree on every image
 * 0.9.0 can judge; for <b>data</b> counts, which 0.9.0 does not check, the rule of 1.x (only
 * "stored 1, computed 0" is a non-fatal leak, anything else is fatal). A stored {@code
 * nr_allocated} below the number of blocks in use is non-fatal; above it only a warning:
 * thin_restore 0.9.0 writes one too many (spec 3.1) and the kernel only uses it to report free
 * space. {@code nr_free} and {@code none_free_before} are allocation hints that neither tool
 * version validates; they are not checked.
 */
final class CheckSpaceMaps {
  private static final int ENTRIES = Bitmap.ENTRIES;
  private static final int WORDS = Bitmap.WORDS;
  private static final int DATA = 16;
  private static final long LOW_BITS = 0x5555555555555555L;

  private final CheckContext ctx;
  private final CheckTreeWalker walker;
  private final DataRefCounts dataCounts;
  private final SpaceMapRoot metadataRoot;
  private final SpaceMapRoot dataRoot;
  private long[] metadataBitmaps = new long[0];
  /** The metadata bitmaps as read for the comparison (at most 255 blocks). */
  private byte[][] metadataBitmapData = new byte[0][];
  private long[] dataBitmaps = new long[0];
  private final LongLongHashMap metadataTree = new LongLongHashMap();
  private final DataRefCounts dataTreeKeys = new DataRefCounts();
  private final LongArrayList dataIndexKeys = new LongArrayList();
  private final LongArrayList dataIndexBlocks = new LongArrayList();
  private boolean compareDataTree;
  private CountRun run;

  /**
   * A run of consecutive blocks with the same difference, reported as one line: a damaged bitmap
   * or a lost leaf typically shows as hundreds of neighbouring blocks.
   */
  private record CountRun(
      Severity severity, Kind kind, String map, long first, long last, long expected, long stored) {
    String message() {
      String blocks = first == last ? "block " + first : "blocks " + first + ".." + last;
      return map + " reference counts differ for " + blocks + ", expected " + expected + ", but got " + stored;
    }
  }

  private void countDiffers(Severity severity, Kind kind, String map, long block, long expected, long stored) {
    if (run != null && run.severity == severity && run.kind == kind && run.last + 1 == block
        && run.expected == expected && run.stored == stored) {
      run = new CountRun(severity, kind, map, run.first, block, expected, stored);
      return;
    }
    flushRun();
    run = new CountRun(severity, kind, map, block, block, expected, stored);
  }

  private void flushRun() {
    if (run != null) {
      ctx.problem(run.severity, run.kind, run.first, run.message());
      run = null;
    }
  }

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

  static int nrBitmaps(long nrBlocks) {
    return (int) ((nrBlocks + ENTRIES - 1) / ENTRIES);
  }

  // ---------------------------------------------------------------- structures

  /** References and validates the data space map's index tree, bitmaps and ref-count tree. */
  void walkDataSpaceMap() {
    if (ctx.reference(dataRoot.bitmapRoot(), Role.DATA_INDEX, "superblock")) {
      walker.walkRoot(dataRoot.bitmapRoot(), Role.DATA_INDEX, "data space map index tree");
    }
    int nb = nrBitmaps(dataRoot.nrBlocks());
    dataBitmaps = new long[nb];
    Arrays.fill(dataBitmaps, -1);
    for (int i = 0; i < dataIndexKeys.size(); i++) {
      long key = dataIndexKeys.get(i);
      long bitmap = dataIndexBlocks.get(i);
      if (Long.compareUnsigned(key, nb) >= 0) {
        ctx.fatal(
            Kind.SPACE_MAP_INDEX,
            bitmap,
            "data space map index has an entry for bitmap " + Long.toUnsignedString(key)
                + ", but the map only has " + nb);
        continue;
      }
      if (ctx.reference(bitmap, Role.DATA_BITMAP, "data space map index tree")) {
        dataBitmaps[(int) key] = bitmap;
      }
    }
    for (int i = 0; i < nb; i++) {
      if (dataBitmaps[i] < 0 && !ctx.countsIncomplete()) {
        ctx.markIncomplete();
        ctx.fatal(Kind.SPACE_MAP_INDEX, -1, "data space map index has no usable entry for bitmap " + i);
      }
    }
    compareDataTree = dataCounts != null && !ctx.countsIncomplete();
    if (ctx.reference(dataRoot.refCountRoot(), Role.DATA_REF_COUNTS, "superblock")) {
      walker.walkRoot(dataRoot.refCountRoot(), Role.DATA_REF_COUNTS, "data space map ref-count tree");
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
          metadataRoot.refCountRoot(), Role.METADATA_REF_COUNTS, "metadata space map ref-count tree");
    }
  }

  private void readMetadataIndex(long index) {
    byte[] b;
    try {
      b = ctx.reader.read(index);
    } catch (RuntimeException e) {
      ctx.markIncomplete();
      ctx.fatal(Kind.IO, index, "cannot read the metadata space map index block " + index + ": " + e.getMessage());
      return;
    }
    String bad = CheckBlockReader.checkSalted(b, index, BlockChecksum.INDEX_SALT, "metadata index block");
    if (bad != null) {
      ctx.markIncomplete();
      ctx.fatal(bad.startsWith("bad checksum") ? Kind.CHECKSUM : Kind.BLOCKNR, index, bad);
      return;
    }
    int nb = nrBitmaps(metadataRoot.nrBlocks());
    metadataBitmaps = new long[nb];
    for (int i = 0; i < nb; i++) {
      long bitmap = LittleEndian.getLong(b, 16 + IndexEntry.SIZE * i);
      metadataBitmaps[i] = -1;
      if (bitmap == 0) {
        ctx.markIncomplete();
        ctx.fatal(Kind.SPACE_MAP_INDEX, index, "metadata space map index has no bitmap for blocks from " + (long) i * ENTRIES);
      } else if (ctx.reference(bitmap, Role.METADATA_BITMAP, "metadata space map index block " + index)) {
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
      long count = Integer.toUnsignedLong(LittleEndian.getInt(n, CheckTreeWalker.valueOffset(n, i)));
      if (Long.compareUnsigned(dataBlock, dataRoot.nrBlocks()) >= 0) {
        ctx.fatal(Kind.REF_COUNT_TREE, block, what + " has an entry for data block "
            + Long.toUnsignedString(dataBlock) + ", beyond the " + dataRoot.nrBlocks() + " data blocks");
        continue;
      }
      dataTreeKeys.inc(dataBlock);
      if (count < 3) {
        ctx.fatal(Kind.REF_COUNT_TREE, block, what + " holds count " + count + " for data block "
            + dataBlock + "; only counts of 3 or more belong there");
      } else if (compareDataTree && dataCounts.count(dataBlock) != count) {
        ctx.fatal(Kind.DATA_COUNT, block, "data reference counts differ for block " + dataBlock
            + ", expected " + dataCounts.count(dataBlock) + ", but the ref-count tree says " + count);
      }
    }
  }

  private void metadataRefCountLeaf(long block, byte[] n, int nr, String what) {
    for (int i = 0; i < nr; i++) {
      long key = CheckTreeWalker.key(n, i);
      long count = Integer.toUnsignedLong(LittleEndian.getInt(n, CheckTreeWalker.valueOffset(n, i)));
      if (Long.compareUnsigned(key, metadataRoot.nrBlocks()) >= 0) {
        ctx.fatal(Kind.REF_COUNT_TREE, block, what + " has an entry for block "
            + Long.toUnsignedString(key) + ", beyond the " + metadataRoot.nrBlocks() + " metadata blocks");
      } else if (count < 3) {
        ctx.fatal(Kind.REF_COUNT_TREE, block, what + " holds count " + count + " for block " + key
            + "; only counts of 3 or more belong there");
      } else {
        metadataTree.put(key, count);
      }
    }
  }

  // ---------------------------------------------------------------- counts

  /** Compares the metadata space map with the recomputed counts, and its nr_allocated. */
  void compareMetadata() {
    long nrBlocks = metadataRoot.nrBlocks();
    long allocated = 0;
    metadataBitmapData = new byte[metadataBitmaps.length][];
    for (int i = 0; i < metadataBitmaps.length; i++) {
      byte[] bm = readBitmap(metadataBitmaps[i], "metadata");
      if (bm == null) {
        continue;
      }
      metadataBitmapData[i] = bm;
      long base = (long) i * ENTRIES;
      long[] expected = new long[WORDS];
      long end = Math.min(base + ENTRIES, nrBlocks);
      for (long b = base; b < end; b++) {
        int c = b < ctx.nrMetadataBlocks ? ctx.metadataCounts[(int) b] : 0;
        if (c != 0) {
          set(expected, (int) (b - base), Math.min(c, 3));
        }
      }
      allocated += compareWords(bm, expected, base, end, true);
    }
    flushRun();
    for (long key : metadataTree.keys().toArray()) {
      int v = entryOf(key);
      if (v >= 0 && v != 3) {
        ctx.problem(Severity.NON_FATAL, Kind.REF_COUNT_TREE, key, "metadata space map ref-count tree has a stale entry for block "
            + key + " (count " + metadataTree.get(key) + "), but its bitmap says " + v);
      }
    }
    checkNrAllocated("metadata", metadataRoot.nrAllocated(), allocated);
  }

  /** Compares the data space map with the recomputed counts, and its nr_allocated. */
  void compareData() {
    long nrBlocks = dataRoot.nrBlocks();
    long allocated = 0;
    for (int i = 0; i < dataBitmaps.length; i++) {
      if (i % 64 == 0) {
        prefetchBitmaps(i);
      }
      byte[] bm = readBitmap(dataBitmaps[i], "data");
      if (bm == null) {
        continue;
      }
      long base = (long) i * ENTRIES;
      long end = Math.min(base + ENTRIES, nrBlocks);
      long[] expected = new long[WORDS];
      dataCounts.forEachInRange(base, end, (b, c) -> set(expected, (int) (b - base), (int) Math.min(c, 3)));
      allocated += compareWords(bm, expected, base, end, false);
    }
    ctx.reader.dropPrefetched();
    flushRun();
    checkNrAllocated("data", dataRoot.nrAllocated(), allocated);
  }

  private void prefetchBitmaps(int from) {
    long[] blocks = new long[64];
    int n = 0;
    for (int i = from; i < Math.min(from + 64, dataBitmaps.length); i++) {
      if (dataBitmaps[i] > 0) {
        blocks[n++] = dataBitmaps[i];
      }
    }
    ctx.reader.dropPrefetched();
    ctx.reader.prefetch(blocks, n);
  }

  private byte[] readBitmap(long block, String map) {
    if (block <= 0) {
      return null;
    }
    byte[] b;
    try {
      b = ctx.reader.read(block);
    } catch (RuntimeException e) {
      ctx.fatal(Kind.IO, block, "cannot read " + map + " space map bitmap " + block + ": " + e.getMessage());
      return null;
    }
    String bad = CheckBlockReader.checkSalted(b, block, BlockChecksum.BITMAP_SALT, "space map bitmap");
    if (bad != null) {
      ctx.fatal(bad.startsWith("bad checksum") ? Kind.CHECKSUM : Kind.BLOCKNR, block, map + " " + bad);
      return null;
    }
    return b;
  }

  /**
   * Compares one bitmap word by word with the expected 2-bit counts (only words that differ are
   * examined entry by entry) and returns how many of its entries below {@code end} are in use.
   */
  private long compareWords(byte[] bm, long[] expected, long base, long end, boolean metadata) {
    long inUse = 0;
    for (int w = 0; w < WORDS; w++) {
      long stored = LittleEndian.getLong(bm, DATA + 8 * w);
      long first = base + 32L * w;
      if (first + 32 <= end) {
        inUse += Long.bitCount((stored | (stored >>> 1)) & LOW_BITS);
        // equal words need no more work unless a count of 3+ points into the ref-count tree
        if (stored == expected[w] && (stored & (stored >>> 1) & LOW_BITS) == 0) {
          continue;
        }
      }
      for (int j = 0; j < 32; j++) {
        long block = first + j;
        int v = get(stored, j);
        if (block >= end) {
          if (v != 0) {
            flushRun();
            ctx.problem(Severity.NON_FATAL, Kind.BITMAP_TAIL, block, (metadata ? "metadata" : "data")
                + " space map bitmap marks block " + block + " in use, beyond the end of the map");
          }
          continue;
        }
        if (first + 32 > end && v != 0) {
          inUse++;
        }
        if (v != get(expected[w], j) || v == 3) {
          if (metadata) {
            compareMetadataEntry(block, v);
          } else {
            compareDataEntry(block, v);
          }
        }
      }
    }
    return inUse;
  }

  private void compareMetadataEntry(long block, int v) {
    long computed = block < ctx.nrMetadataBlocks ? ctx.metadataCounts[(int) block] : 0;
    long stored = v;
    if (v == 3) {
      if (!metadataTree.containsKey(block)) {
        flushRun();
        ctx.fatal(Kind.REF_COUNT_TREE, block, "metadata space map bitmap says block " + block
            + " has 3 or more references, but the ref-count tree has no entry for it");
        return;
      }
      stored = metadataTree.get(block);
    }
    if (stored != computed) {
      countDiffers(stored > computed ? Severity.NON_FATAL : Severity.FATAL, Kind.METADATA_COUNT,
          "metadata", block, computed, stored);
    }
  }

  private void compareDataEntry(long block, int v) {
    long computed = dataCounts.count(block);
    if (v == 3) {
      // the ref-count tree entry was compared with the computed count as the tree was walked
      if (dataTreeKeys.count(block) == 0) {
        flushRun();
        ctx.fatal(Kind.REF_COUNT_TREE, block, "data space map bitmap says block " + block
            + " has 3 or more references, but the ref-count tree has no entry for it");
      }
      return;
    }
    if (v != computed) {
      boolean leak = v == 1 && computed == 0;
      countDiffers(leak ? Severity.NON_FATAL : Severity.FATAL, Kind.DATA_COUNT, "data", block, computed, v);
    }
  }

  private void checkNrAllocated(String map, long stored, long inUse) {
    if (stored > inUse) {
      ctx.problem(Severity.WARNING, Kind.NR_ALLOCATED, -1, map + " space map: nr_allocated is " + stored
          + ", but only " + inUse + " blocks are in use");
    } else if (stored < inUse) {
      ctx.problem(Severity.NON_FATAL, Kind.NR_ALLOCATED, -1, map + " space map: nr_allocated is "
          + stored + ", but " + inUse + " blocks are in use");
    }
  }

  /** The stored 2-bit count of a metadata block, -1 if its bitmap could not be read. */
  private int entryOf(long block) {
    int i = (int) (block / ENTRIES);
    if (i >= metadataBitmapData.length || metadataBitmapData[i] == null) {
      return -1;
    }
    int e = (int) (block % ENTRIES);
    return get(LittleEndian.getLong(metadataBitmapData[i], DATA + 8 * (e >>> 5)), e & 31);
  }

  /** Entry {@code j} of a bitmap word: the lower bit of each pair is the high bit of the count. */
  private static int get(long word, int j) {
    int shift = 2 * j;
    return (int) ((word >>> shift) & 1) << 1 | (int) ((word >>> (shift + 1)) & 1);
  }

  private static void set(long[] words, int entry, int count2) {
    int shift = 2 * (entry & 31);
    words[entry >>> 5] |= (long) (count2 >>> 1) << shift | (long) (count2 & 1) << (shift + 1);
  }
}
