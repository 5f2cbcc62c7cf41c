package dev.thinly.pdata.spacemap.disk;

import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.btree.BTreeWalker;
import java.util.ArrayList;
import java.util.List;

/**
 * Test access to the on-disk space maps' internals, and their self-consistency checks: index
 * entries exact ({@code nr_free} over all 16320 slots, {@code none_free_before} a true lower bound),
 * the ref-count tree holding exactly the blocks whose bitmap entry is 3 (with counts of 3 or
 * more), entries past {@code nr_blocks} zero, {@code nr_allocated} equal to the non-zero entries.
 */
public final class SpaceMapInspector {
  private SpaceMapInspector() {}

  /** Number of bitmaps of a map of {@code nrBlocks} blocks. */
  public static int nrBitmaps(long nrBlocks) {
    return BitmapCounts.nrBitmaps(nrBlocks);
  }

  /** The current index entry of bitmap {@code i} of the data space map. */
  public static IndexEntry indexEntry(DiskSpaceMap sm, int i) {
    return sm.entry(i);
  }

  /** The current root of the data space map's ref-count tree. */
  public static long refCountRoot(DiskSpaceMap sm) {
    return sm.refCountRoot;
  }

  /** Problems of the data space map; it keeps its index entries exact at all times. */
  public static List<String> problems(DiskSpaceMap sm) {
    return problems(sm, sm.nrAllocated());
  }

  /**
   * Problems of the metadata space map. Its bitmaps, index entries and ref-count tree are only
   * written by {@link MetadataSpaceMap#commit}, so call this right after a commit.
   */
  public static List<String> problemsAfterCommit(MetadataSpaceMap sm) {
    List<String> out = problems(sm, sm.nrAllocated);
    if (sm.nrAllocated != sm.nrAllocated()) {
      out.add("bitmaps say " + sm.nrAllocated + " allocated, the overlay " + sm.nrAllocated());
    }
    return out;
  }

  private static List<String> problems(BitmapCounts sm, long reportedAllocated) {
    List<String> out = new ArrayList<>();
    long allocated = 0;
    List<Long> threes = new ArrayList<>();
    for (int i = 0; i < nrBitmaps(sm.nrBlocks); i++) {
      IndexEntry e = sm.entry(i);
      ReadBlock bitmap = sm.readBitmap(e);
      int free = 0;
      int firstFree = -1;
      for (int j = 0; j < Bitmap.ENTRIES; j++) {
        long block = (long) i * Bitmap.ENTRIES + j;
        int v = Bitmap.get(bitmap, j);
        if (v == 0) {
          free++;
          if (firstFree < 0) {
            firstFree = j;
          }
        } else if (block >= sm.nrBlocks) {
          out.add(sm.what() + ": entry for block " + block + " beyond nr_blocks is " + v);
        } else {
          allocated++;
        }
        if (v == 3) {
          threes.add(block);
        }
      }
      if (e.nrFree() != free) {
        out.add(sm.what() + ": bitmap " + i + " nr_free " + e.nrFree() + ", actually " + free);
      }
      if (firstFree >= 0 && e.noneFreeBefore() > firstFree) {
        out.add(
            sm.what() + ": bitmap " + i + " none_free_before " + e.noneFreeBefore()
                + " but entry " + firstFree + " is free");
      }
    }
    if (allocated != reportedAllocated) {
      out.add(sm.what() + ": nr_allocated " + reportedAllocated + ", bitmaps hold " + allocated);
    }
    List<Long> treeKeys = new ArrayList<>();
    BTreeWalker.forEach(
        sm.refTree,
        sm.refCountRoot,
        (key, leaf, off) -> {
          treeKeys.add(key);
          if (leaf.getU32(off) < 3) {
            out.add(sm.what() + ": ref-count tree holds " + leaf.getU32(off) + " for " + key);
          }
          return true;
        });
    if (!treeKeys.equals(threes)) {
      out.add(sm.what() + ": ref-count tree keys " + treeKeys + " but bitmap 3s at " + threes);
    }
    return out;
  }
}
