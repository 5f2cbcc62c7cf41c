package dev.thinly.pdata.btree;

import dev.thinly.pdata.block.BlockManager;
import dev.thinly.pdata.block.WriteBlock;
import java.util.OptionalLong;

/**
 * Removal from a {@link BTree}. On the way down every node that might lose an entry is first
 * given more than the minimum (one third of its capacity) by merging it with a sibling, or by
 * moving entries over from that sibling; a root left with a single child is replaced by that
 * child. So every non-root node stays at least one-third full, the rule thin_check enforces.
 *
 * <p>Unlike the kernel, a child that already holds more than the minimum is not rebalanced, which
 * spares shadowing its siblings on most removals.
 */
final class BTreeRemover {
  private BTreeRemover() {}

  /** Where a descent ended: the (writable) leaf, whether it is the root, and the new root. */
  private record Descent(WriteBlock leaf, boolean leafIsRoot, long root) {}

  static BTree.Removal remove(BTree t, long root, long key) {
    if (t.lookup(root, key).isEmpty()) {
      return new BTree.Removal(root, 0);
    }
    Descent d = descend(t, root, key);
    WriteBlock leaf = d.leaf();
    int i = Node.indexOf(leaf, key);
    t.valueType.dec(leaf, Node.valueOffset(leaf, i));
    Node.deleteRange(leaf, i, i + 1);
    return new BTree.Removal(d.root(), 1);
  }

  static BTree.Removal removeRange(BTree t, long root, long begin, long end) {
    long removed = 0;
    long from = begin;
    while (Long.compareUnsigned(from, end) < 0) {
      OptionalLong first = t.lookupGreaterOrEqual(root, from);
      if (first.isEmpty() || Long.compareUnsigned(first.getAsLong(), end) >= 0) {
        break;
      }
      long key = first.getAsLong();
      Descent d = descend(t, root, key);
      root = d.root();
      WriteBlock leaf = d.leaf();
      int nr = Node.nrEntries(leaf);
      int i = Node.indexOf(leaf, key);
      // a non-root leaf may give up entries down to its minimum; descend() left it above that
      int limit = d.leafIsRoot() ? nr - i : Math.min(nr - i, nr - Node.minEntries(leaf));
      int j = i;
      while (j - i < limit && Long.compareUnsigned(Node.key(leaf, j), end) < 0) {
        t.valueType.dec(leaf, Node.valueOffset(leaf, j));
        j++;
      }
      Node.deleteRange(leaf, i, j);
      removed += j - i;
      // everything in [begin, key] is gone now; the next lookup finds what is left
      from = key;
      t.tm.writeBackIfOverCapacity();
    }
    return new BTree.Removal(root, removed);
  }

  /** Shadows the path to the leaf holding {@code key}, rebalancing so the leaf can lose entries. */
  private static Descent descend(BTree t, long root, long key) {
    WriteBlock n = t.shadowRoot(root);
    long newRoot = n.blocknr();
    boolean isRoot = true;
    while (!Node.isLeaf(n)) {
      if (isRoot && Node.nrEntries(n) == 1) {
        collapseRoot(t, n);
        continue;
      }
      int i = Math.max(0, Node.lowerBound(n, key));
      WriteBlock child = t.shadowChild(n, i);
      if (Node.nrEntries(child) <= Node.minEntries(child)) {
        child = rebalance(t, n, i, child, key);
        if (isRoot && Node.nrEntries(n) == 1) {
          collapseRoot(t, n);
          continue;
        }
      }
      n = child;
      isRoot = false;
    }
    return new Descent(n, isRoot, newRoot);
  }

  /** The root has one child: the child's content moves into the root block; the child is freed. */
  private static void collapseRoot(BTree t, WriteBlock root) {
    WriteBlock child = t.shadowChild(root, 0);
    root.copyFrom(0, child, 0, BlockManager.BLOCK_SIZE);
    t.tm.dec(child.blocknr());
  }

  /**
   * Gives child {@code i} of {@code parent} more than the minimum number of entries, using its right
   * sibling (or its left one if it is the last child): merge when both fit in one node, otherwise
   * split their entries evenly. Returns the node that now holds {@code key}.
   */
  private static WriteBlock rebalance(BTree t, WriteBlock parent, int i, WriteBlock child, long key) {
    int li;
    WriteBlock left;
    WriteBlock right;
    if (i + 1 < Node.nrEntries(parent)) {
      li = i;
      left = child;
      right = t.shadowChild(parent, i + 1);
    } else {
      li = i - 1;
      left = t.shadowChild(parent, i - 1);
      right = child;
    }
    int nrLeft = Node.nrEntries(left);
    int nrRight = Node.nrEntries(right);
    int total = nrLeft + nrRight;
    if (total <= Node.maxEntries(left)) {
      Node.copyEntries(left, nrLeft, right, 0, nrRight);
      Node.setNrEntries(left, total);
      Node.deleteRange(parent, li + 1, li + 2);
      t.tm.dec(right.blocknr());
      return left;
    }
    int targetLeft = total / 2;
    if (nrLeft < targetLeft) {
      int k = targetLeft - nrLeft;
      Node.copyEntries(left, nrLeft, right, 0, k);
      Node.setNrEntries(left, targetLeft);
      Node.deleteRange(right, 0, k);
    } else if (nrLeft > targetLeft) {
      int k = nrLeft - targetLeft;
      Node.shiftRight(right, k);
      Node.copyEntries(right, 0, left, targetLeft, k);
      Node.setNrEntries(right, nrRight + k);
      Node.setNrEntries(left, targetLeft);
    }
    Node.setKey(parent, li + 1, Node.key(right, 0));
    return Long.compareUnsigned(key, Node.key(right, 0)) >= 0 ? right : left;
  }
}
