package dev.thinly.pdata.btree;

import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.error.CorruptMetadataException;

/** In-order traversals of a {@link BTree}. Read-only; safe alongside other readers. */
public final class BTreeWalker {
  /** Receives entries in ascending key order; returns false to stop. */
  @FunctionalInterface
  public interface EntryVisitor {
    boolean visit(long key, ReadBlock leaf, int valueOffset);
  }

  /** Receives whole leaves in ascending key order; returns false to stop. */
  @FunctionalInterface
  public interface LeafVisitor {
    boolean visit(ReadBlock leaf);
  }

  private BTreeWalker() {}

  /** Visits every entry with key {@code >= fromKey} (unsigned), in order. */
  public static void forEachFrom(BTree tree, long root, long fromKey, EntryVisitor visitor) {
    walk(tree, root, fromKey, visitor, 0);
  }

  /** Visits every entry in order. */
  public static void forEach(BTree tree, long root, EntryVisitor visitor) {
    walk(tree, root, 0, visitor, 0);
  }

  private static boolean walk(BTree tree, long block, long fromKey, EntryVisitor v, int depth) {
    if (depth > 64) {
      throw new CorruptMetadataException(block, "btree", "tree deeper than 64 levels (a cycle?)");
    }
    ReadBlock n = tree.read(block);
    int nr = Node.nrEntries(n);
    int start = Math.max(0, Node.lowerBound(n, fromKey));
    if (Node.isLeaf(n)) {
      for (int i = start; i < nr; i++) {
        long k = Node.key(n, i);
        if (Long.compareUnsigned(k, fromKey) >= 0 && !v.visit(k, n, Node.valueOffset(n, i))) {
          return false;
        }
      }
      return true;
    }
    for (int i = start; i < nr; i++) {
      if (!walk(tree, Node.child(n, i), fromKey, v, depth + 1)) {
        return false;
      }
    }
    return true;
  }

  /** Visits every leaf in key order. */
  public static void forEachLeaf(BTree tree, long root, LeafVisitor visitor) {
    leaves(tree, root, visitor, 0);
  }

  private static boolean leaves(BTree tree, long block, LeafVisitor v, int depth) {
    if (depth > 64) {
      throw new CorruptMetadataException(block, "btree", "tree deeper than 64 levels (a cycle?)");
    }
    ReadBlock n = tree.read(block);
    if (Node.isLeaf(n)) {
      return v.visit(n);
    }
    int nr = Node.nrEntries(n);
    for (int i = 0; i < nr; i++) {
      if (!leaves(tree, Node.child(n, i), v, depth + 1)) {
        return false;
      }
    }
    return true;
  }

  /** Number of entries (walks every leaf). */
  public static long count(BTree tree, long root) {
    long[] n = new long[1];
    forEachLeaf(
        tree,
        root,
        leaf -> {
          n[0] += Node.nrEntries(leaf);
          return true;
        });
    return n[0];
  }
}
