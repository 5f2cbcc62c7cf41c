package dev.thinly.pdata.testkit;

import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.btree.Node;
import dev.thinly.pdata.btree.NodeValidator;
import dev.thinly.pdata.tx.TransactionManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks the structural invariants of a btree (spec 4.3) and returns the problems found: keys
 * strictly increasing within nodes and across leaves, every key of child {@code i} in {@code
 * [keys[i], keys[i+1])}, all leaves at one depth, every non-root node at least one-third full,
 * internal nodes with value size 8 and 252 slots, leaves with one value size and the matching
 * capacity, no node reached twice.
 */
public final class TreeShape {
  private TreeShape() {}

  /** Problems of the tree at {@code root}; empty if it is well formed. */
  public static List<String> problems(TransactionManager tm, long root) {
    Walk w = new Walk(tm);
    w.walk(root, true, 0, 0, false, 0, false);
    return w.out;
  }

  /** Number of levels (1 for a lone leaf). */
  public static int height(TransactionManager tm, long root) {
    int h = 1;
    ReadBlock n = tm.read(root, NodeValidator.INSTANCE);
    while (Node.isInternal(n)) {
      n = tm.read(Node.child(n, 0), NodeValidator.INSTANCE);
      h++;
    }
    return h;
  }

  private static final class Walk {
    final TransactionManager tm;
    final List<String> out = new ArrayList<>();
    final Set<Long> seen = new HashSet<>();
    int leafDepth = -1;
    int leafValueSize = -1;
    long lastKey;
    boolean any;

    Walk(TransactionManager tm) {
      this.tm = tm;
    }

    void walk(long block, boolean isRoot, int depth, long lower, boolean hasLower, long upper, boolean hasUpper) {
      if (!seen.add(block)) {
        out.add("block " + block + " is reached twice");
        return;
      }
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
          out.add("keys out of order in block " + block + " at " + i);
        }
        if (hasLower && Long.compareUnsigned(k, lower) < 0) {
          out.add("key " + Long.toUnsignedString(k) + " of block " + block + " below parent key " + Long.toUnsignedString(lower));
        }
        if (hasUpper && Long.compareUnsigned(k, upper) >= 0) {
          out.add("key " + Long.toUnsignedString(k) + " of block " + block + " not below the next parent key " + Long.toUnsignedString(upper));
        }
      }
      if (Node.isLeaf(n)) {
        leaf(block, n, nr, depth);
        return;
      }
      if (Node.maxEntries(n) != Node.INTERNAL_MAX_ENTRIES || Node.valueSize(n) != 8) {
        out.add("internal node " + block + " with max_entries " + Node.maxEntries(n) + ", value size " + Node.valueSize(n));
      }
      if (nr == 0) {
        out.add("internal node " + block + " without entries");
      }
      for (int i = 0; i < nr; i++) {
        boolean last = i + 1 == nr;
        walk(
            Node.child(n, i),
            false,
            depth + 1,
            Node.key(n, i),
            true,
            last ? upper : Node.key(n, i + 1),
            last ? hasUpper : true);
      }
    }

    void leaf(long block, ReadBlock n, int nr, int depth) {
      if (leafDepth < 0) {
        leafDepth = depth;
      } else if (leafDepth != depth) {
        out.add("leaf " + block + " at depth " + depth + ", others at " + leafDepth);
      }
      if (leafValueSize < 0) {
        leafValueSize = Node.valueSize(n);
      } else if (leafValueSize != Node.valueSize(n)) {
        out.add("leaf " + block + " has value size " + Node.valueSize(n) + ", others " + leafValueSize);
      }
      if (Node.maxEntries(n) != Node.maxEntries(Node.valueSize(n))) {
        out.add("leaf " + block + " has max_entries " + Node.maxEntries(n) + " for value size " + Node.valueSize(n));
      }
      for (int i = 0; i < nr; i++) {
        long k = Node.key(n, i);
        if (any && Long.compareUnsigned(lastKey, k) >= 0) {
          out.add("key " + Long.toUnsignedString(k) + " in block " + block + " not above previous leaf's last key");
        }
        any = true;
        lastKey = k;
      }
    }
  }
}
