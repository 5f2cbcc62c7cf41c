package dev.thinly.pdata.testkit;

import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.btree.Node;
import dev.thinly.pdata.btree.NodeValidator;
import dev.thinly.pdata.spacemap.SpaceMap;
import dev.thinly.pdata.spacemap.disk.DiskSpaceMap;
import dev.thinly.pdata.spacemap.disk.IndexEntry;
import dev.thinly.pdata.spacemap.disk.MetadataSpaceMap;
import dev.thinly.pdata.spacemap.disk.SpaceMapInspector;
import dev.thinly.pdata.tx.TransactionManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recomputes reference counts from the structures (spec 5.7) and compares them with a space map:
 * the test oracle for "inc when shadowing a shared node, dec on removal".
 *
 * <p>Metadata: one count per distinct referencing place; a node shared by several parents is
 * counted once per parent but its children only once. Data (through {@link ValueRefs}): one count
 * per distinct leaf holding the value.
 */
public final class RefCounts {
  /** Receives each value of each distinct leaf once. */
  @FunctionalInterface
  public interface ValueRefs {
    void value(ReadBlock leaf, int valueOffset);
  }

  private final TransactionManager tm;
  private final Map<Long, Long> counts = new HashMap<>();
  private final Set<Long> walked = new HashSet<>();

  public RefCounts(TransactionManager tm) {
    this.tm = tm;
  }

  public void add(long block) {
    counts.merge(block, 1L, Long::sum);
  }

  /** The recomputed count of {@code block}. */
  public long expected(long block) {
    return counts.getOrDefault(block, 0L);
  }

  /** One reference to the tree at {@code root}; its nodes are walked once however shared. */
  public void addTree(long root) {
    addTree(root, (leaf, off) -> {});
  }

  /** Like {@link #addTree(long)}, also reporting the values of every distinct leaf. */
  public void addTree(long root, ValueRefs values) {
    add(root);
    if (!walked.add(root)) {
      return;
    }
    ReadBlock n = tm.read(root, NodeValidator.INSTANCE);
    int nr = Node.nrEntries(n);
    if (Node.isInternal(n)) {
      for (int i = 0; i < nr; i++) {
        addTree(Node.child(n, i), values);
      }
    } else {
      for (int i = 0; i < nr; i++) {
        values.value(n, Node.valueOffset(n, i));
      }
    }
  }

  /** The metadata space map's own blocks: index block, bitmaps, ref-count tree. */
  public void addMetadataSpaceMap(MetadataSpaceMap sm) {
    add(sm.indexBlock());
    for (IndexEntry e : sm.indexEntries()) {
      add(e.blocknr());
    }
    addTree(sm.root().refCountRoot());
  }

  /**
   * The data space map's metadata blocks: index tree, its current bitmaps (from the in-memory
   * index entries, which lead the index tree until the map commits), ref-count tree.
   */
  public void addDiskSpaceMap(DiskSpaceMap sm) {
    addTree(sm.root().bitmapRoot());
    for (int i = 0; i < SpaceMapInspector.nrBitmaps(sm.nrBlocks()); i++) {
      add(SpaceMapInspector.indexEntry(sm, i).blocknr());
    }
    addTree(SpaceMapInspector.refCountRoot(sm));
  }

  /** Differences between the recomputed counts and {@code sm}; empty when exact. */
  public List<String> compareWith(SpaceMap sm) {
    List<String> diffs = new ArrayList<>();
    for (long b = 0; b < sm.nrBlocks(); b++) {
      long expected = expected(b);
      long actual = sm.count(b);
      if (expected != actual) {
        diffs.add("block " + b + ": expected " + expected + ", space map says " + actual);
      }
    }
    for (long b : counts.keySet()) {
      if (b < 0 || b >= sm.nrBlocks()) {
        diffs.add("block " + b + " is referenced but beyond the space map");
      }
    }
    long used = counts.values().stream().filter(c -> c > 0).count();
    if (used != sm.nrAllocated()) {
      diffs.add("nr_allocated " + sm.nrAllocated() + ", expected " + used);
    }
    return diffs;
  }

  /**
   * A cheaper comparison for use after every step: the counts of every referenced block, and
   * {@code nr_allocated} (which catches a leaked block as long as the map's own bookkeeping is
   * right; {@link #compareWith} scans every block).
   */
  public List<String> compareReferencedWith(SpaceMap sm) {
    List<String> diffs = new ArrayList<>();
    for (Map.Entry<Long, Long> e : counts.entrySet()) {
      long b = e.getKey();
      if (b < 0 || b >= sm.nrBlocks()) {
        diffs.add("block " + b + " is referenced but beyond the space map");
      } else if (sm.count(b) != e.getValue()) {
        diffs.add("block " + b + ": expected " + e.getValue() + ", space map says " + sm.count(b));
      }
    }
    long used = counts.values().stream().filter(c -> c > 0).count();
    if (used != sm.nrAllocated()) {
      diffs.add("nr_allocated " + sm.nrAllocated() + ", expected " + used);
    }
    return diffs;
  }

  /** Metadata counts of a fixture whose trees hold plain values (no data space map). */
  public static List<String> check(PdataFixture f, long... roots) {
    RefCounts rc = forFixture(f);
    for (long r : roots) {
      rc.addTree(r);
    }
    return rc.compareWith(f.sm());
  }

  /** The references every fixture has: superblock, metadata and (if any) data space map. */
  public static RefCounts forFixture(PdataFixture f) {
    RefCounts rc = new RefCounts(f.tm());
    rc.add(0);
    rc.addMetadataSpaceMap(f.sm());
    if (f.dataSm() != null) {
      rc.addDiskSpaceMap(f.dataSm());
    }
    return rc;
  }
}
