package dev.thinly.pdata.testkit;

import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.btree.Node;
import dev.thinly.pdata.btree.NodeValidator;
import dev.thinly.pdata.tx.TransactionManager;
import java.util.ArrayList;
import java.util.List;

/** Checks the structural invariants of a btree; returns the problems found. */
public final class TreeShape {
  private TreeShape() {}

  public static List<String> problems(TransactionManager tm, long root) {
    List<String> out = new ArrayList<>();
    int[] leafDepth = {-1};
    long[] lastKey = {-1};
    boolean[] any = {false};
    walk(tm, root, true, 0, Long.MIN_VALUE, false, leafDepth, lastKey, any, out);
    return out;
  }

  private static void walk(
      TransactionManager tm,
      long block,
      boolean isRoot,
      int depth,
      long lowerBound,
      boolean hasLower,
      int[] leafDepth,
      long[] lastKey,
      boolean[] any,
      List<String> out) {
    ReadBlock n = tm.read(block, NodeValidator.INSTANCE);
    int nr = Node.nrEntries(n);
    if (!isRoot && nr < Node.minEntries(n)) {
      out.add("block " + block + " has " + nr + " entries, minimum " + Node.minEntries(n));
    }
    if (!isRoot && nr == 0) {
      out.add("empty non-root block " + block);
    }
    for (int i = 0; i < nr; i++) {
      long k = Node.key(n, i);
      if (i > 0 && Long.compareUnsigned(Node.key(n, i - 1), k) >= 0) {
        out.add("keys out of order in block " + block);
      }
      if (i == 0 && hasLower && Long.compareUnsigned(lowerBound, k) > 0) {
        out.add("parent key " + lowerBound + " > first key " + k + " of block " + block);
      }
    }
    if (Node.isLeaf(n)) {
      if (leafDepth[0] < 0) {
        leafDepth[0] = depth;
      } else if (leafDepth[0] != depth) {
        out.add("leaf " + block + " at depth " + depth + ", others at " + leafDepth[0]);
      }
      for (int i = 0; i < nr; i++) {
        long k = Node.key(n, i);
        if (any[0] && Long.compareUnsigned(lastKey[0], k) >= 0) {
          out.add("key " + k + " in block " + block + " not above previous leaf's last key");
        }
        any[0] = true;
        lastKey[0] = k;
      }
      return;
    }
    if (Node.maxEntries(n) != Node.INTERNAL_MAX_ENTRIES) {
      out.add("internal node " + block + " with max_entries " + Node.maxEntries(n));
    }
    for (int i = 0; i < nr; i++) {
      walk(tm, Node.child(n, i), false, depth + 1, Node.key(n, i), true, leafDepth, lastKey, any, out);
    }
  }
}
