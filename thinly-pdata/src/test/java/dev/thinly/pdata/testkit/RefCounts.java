package dev.thinly.pdata.testkit;

import dev.thinly.pdata.block.ReadBlock;

import dev.thinly.pdata.btree.Node;
import dev.thinly.pdata.btree.NodeValidator;
import dev.thinly.pdata.spacemap.SpaceMap;
import dev.thinly.pdata.spacemap.disk.IndexEntry;
import dev.thinly.pdata.spacemap.disk.MetadataSpaceMap;
import dev.thinly.pdata.tx.TransactionManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Recomputes metadata reference counts from the structures and compares them with a space map:
 * the test oracle for "inc when shadowing a shared node, dec on removal".
 */
public final class RefCounts {
  private final TransactionManager tm;
  private final Map<Long, Long> counts = new HashMap<>();
  private final java.util.Set<Long> walked = new java.util.HashSet<>();

  public RefCounts(TransactionManager tm) {
    this.tm = tm;
  }

  public void add(long block) {
    counts.merge(block, 1L, Long::sum);
  }

  /** One reference to the tree at {@code root}; its nodes are walked once however shared. */
  public void addTree(long root) {
    add(root);
    if (!walked.add(root)) {
      return;
    }
    ReadBlock n = tm.read(root, NodeValidator.INSTANCE);
    if (Node.isInternal(n)) {
      for (int i = 0; i < Node.nrEntries(n); i++) {
        addTree(Node.child(n, i));
      }
    }
  }

  /** The metadata space map's own blocks. */
  public void addMetadataSpaceMap(MetadataSpaceMap sm) {
    add(sm.indexBlock());
    for (IndexEntry e : sm.indexEntries()) {
      add(e.blocknr());
    }
    addTree(sm.root().refCountRoot());
  }

  /** Differences between the recomputed counts and {@code sm}; empty when exact. */
  public List<String> compareWith(SpaceMap sm) {
    List<String> diffs = new ArrayList<>();
    for (long b = 0; b < sm.nrBlocks(); b++) {
      long expected = counts.getOrDefault(b, 0L);
      long actual = sm.count(b);
      if (expected != actual) {
        diffs.add("block " + b + ": expected " + expected + ", space map says " + actual);
      }
    }
    long used = counts.keySet().stream().filter(b -> counts.get(b) > 0).count();
    if (used != sm.nrAllocated()) {
      diffs.add("nr_allocated " + sm.nrAllocated() + ", expected " + used);
    }
    return diffs;
  }

  /** Counts for trees whose leaves are plain, after the superblock. */
  public static List<String> check(PdataFixture f, long... roots) {
    RefCounts rc = new RefCounts(f.tm);
    rc.add(0);
    rc.addMetadataSpaceMap(f.sm);
    for (long r : roots) {
      rc.addTree(r);
    }
    return rc.compareWith(f.sm);
  }

}
