package dev.thinly.thin.tools;

import dev.thinly.pdata.codec.BlockChecksum;
import dev.thinly.pdata.codec.LittleEndian;
import dev.thinly.pdata.spacemap.disk.Bitmap;
import dev.thinly.thin.tools.CheckReport.Kind;
import dev.thinly.thin.tools.CheckReport.Severity;

/**
 * Every stored reference count of both space maps against the recomputed one, bitmap by bitmap
 * (word by word where they agree), and both maps' {@code nr_allocated}.
 *
 * <p>Classification of a difference (documented choice): for <b>metadata</b> counts the rule of
 * thin_check 0.9.0 (a stored count above the computed one is a leak, non-fatal; below is fatal: the
 * kernel could free a block still in use), so that this check and 0.9.0 agree on every image 0.9.0
 * can judge; for <b>data</b> counts, which 0.9.0 does not check, the rule of 1.x (only "stored 1,
 * computed 0" is a non-fatal leak, anything else is fatal). A stored {@code nr_allocated} below the
 * number of blocks in use is non-fatal; above it only a warning: thin_restore 0.9.0 writes one too
 * many (spec 3.1) and the kernel only uses it to report free space. {@code nr_free} and {@code
 * none_free_before} are allocation hints that neither tool version validates; they are not checked.
 */
final class CheckCounts {
  private static final int ENTRIES = Bitmap.ENTRIES;
  private static final int WORDS = Bitmap.WORDS;
  private static final int DATA = 16;
  private static final long LOW_BITS = 0x5555555555555555L;

  private final CheckContext ctx;
  private final CheckSpaceMaps maps;
  private final DataRefCounts dataCounts;

  /** The metadata bitmaps as read for the comparison (at most 255 blocks). */
  private byte[][] metadataBitmapData = new byte[0][];

  private CountRun run;

  CheckCounts(CheckContext ctx, CheckSpaceMaps maps, DataRefCounts dataCounts) {
    this.ctx = ctx;
    this.maps = maps;
    this.dataCounts = dataCounts;
  }

  /**
   * A run of consecutive blocks with the same difference, reported as one line: a damaged bitmap or
   * a lost leaf typically shows as hundreds of neighbouring blocks.
   */
  private record CountRun(
      Severity severity, Kind kind, String map, long first, long last, long expected, long stored) {
    String message() {
      String blocks = first == last ? "block " + first : "blocks " + first + ".." + last;
      return map
          + " reference counts differ for "
          + blocks
          + ", expected "
          + expected
          + ", but got "
          + stored;
    }
  }

  private void countDiffers(
      Severity severity, Kind kind, String map, long block, long expected, long stored) {
    if (run != null
        && run.severity == severity
        && run.kind == kind
        && run.last + 1 == block
        && run.expected == expected
        && run.stored == stored) {
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

  /** Compares the metadata space map with the recomputed counts, and its nr_allocated. */
  void compareMetadata() {
    long nrBlocks = maps.metadataRoot.nrBlocks();
    long allocated = 0;
    metadataBitmapData = new byte[maps.metadataBitmaps.length][];
    for (int i = 0; i < maps.metadataBitmaps.length; i++) {
      byte[] bm = readBitmap(maps.metadataBitmaps[i], "metadata");
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
    for (long key : maps.metadataTree.keys().toArray()) {
      int v = entryOf(key);
      if (v >= 0 && v != 3) {
        ctx.problem(
            Severity.NON_FATAL,
            Kind.REF_COUNT_TREE,
            key,
            "metadata space map ref-count tree has a stale entry for block "
                + key
                + " (count "
                + maps.metadataTree.get(key)
                + "), but its bitmap says "
                + v);
      }
    }
    checkNrAllocated("metadata", maps.metadataRoot.nrAllocated(), allocated);
  }

  /** Compares the data space map with the recomputed counts, and its nr_allocated. */
  void compareData() {
    long nrBlocks = maps.dataRoot.nrBlocks();
    long allocated = 0;
    for (int i = 0; i < maps.dataBitmaps.length; i++) {
      if (i % 64 == 0) {
        prefetchBitmaps(i);
      }
      byte[] bm = readBitmap(maps.dataBitmaps[i], "data");
      if (bm == null) {
        continue;
      }
      long base = (long) i * ENTRIES;
      long end = Math.min(base + ENTRIES, nrBlocks);
      long[] expected = new long[WORDS];
      dataCounts.forEachInRange(
          base, end, (b, c) -> set(expected, (int) (b - base), (int) Math.min(c, 3)));
      allocated += compareWords(bm, expected, base, end, false);
    }
    ctx.reader.dropPrefetched();
    flushRun();
    checkNrAllocated("data", maps.dataRoot.nrAllocated(), allocated);
  }

  private void prefetchBitmaps(int from) {
    long[] blocks = new long[64];
    int n = 0;
    for (int i = from; i < Math.min(from + 64, maps.dataBitmaps.length); i++) {
      if (maps.dataBitmaps[i] > 0) {
        blocks[n++] = maps.dataBitmaps[i];
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
      ctx.fatal(
          Kind.IO,
          block,
          "cannot read " + map + " space map bitmap " + block + ": " + e.getMessage());
      return null;
    }
    String bad =
        CheckBlockReader.checkSalted(b, block, BlockChecksum.BITMAP_SALT, "space map bitmap");
    if (bad != null) {
      ctx.fatal(
          bad.startsWith("bad checksum") ? Kind.CHECKSUM : Kind.BLOCKNR, block, map + " " + bad);
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
            ctx.problem(
                Severity.NON_FATAL,
                Kind.BITMAP_TAIL,
                block,
                (metadata ? "metadata" : "data")
                    + " space map bitmap marks block "
                    + block
                    + " in use, beyond the end of the map");
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
      if (!maps.metadataTree.containsKey(block)) {
        flushRun();
        ctx.fatal(
            Kind.REF_COUNT_TREE,
            block,
            "metadata space map bitmap says block "
                + block
                + " has 3 or more references, but the ref-count tree has no entry for it");
        return;
      }
      stored = maps.metadataTree.get(block);
    }
    if (stored != computed) {
      countDiffers(
          stored > computed ? Severity.NON_FATAL : Severity.FATAL,
          Kind.METADATA_COUNT,
          "metadata",
          block,
          computed,
          stored);
    }
  }

  private void compareDataEntry(long block, int v) {
    long computed = dataCounts.count(block);
    if (v == 3) {
      // the ref-count tree entry was compared with the computed count as the tree was walked
      if (maps.dataTreeKeys.count(block) == 0) {
        flushRun();
        ctx.fatal(
            Kind.REF_COUNT_TREE,
            block,
            "data space map bitmap says block "
                + block
                + " has 3 or more references, but the ref-count tree has no entry for it");
      }
      return;
    }
    if (v != computed) {
      boolean leak = v == 1 && computed == 0;
      countDiffers(
          leak ? Severity.NON_FATAL : Severity.FATAL, Kind.DATA_COUNT, "data", block, computed, v);
    }
  }

  private void checkNrAllocated(String map, long stored, long inUse) {
    if (stored > inUse) {
      ctx.problem(
          Severity.WARNING,
          Kind.NR_ALLOCATED,
          -1,
          map
              + " space map: nr_allocated is "
              + stored
              + ", but only "
              + inUse
              + " blocks are in use");
    } else if (stored < inUse) {
      ctx.problem(
          Severity.NON_FATAL,
          Kind.NR_ALLOCATED,
          -1,
          map + " space map: nr_allocated is " + stored + ", but " + inUse + " blocks are in use");
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
