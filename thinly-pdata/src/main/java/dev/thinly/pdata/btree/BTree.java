package dev.thinly.pdata.btree;

import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.block.WriteBlock;
import dev.thinly.pdata.codec.LittleEndian;
import dev.thinly.pdata.error.CorruptMetadataException;
import dev.thinly.pdata.tx.TransactionManager;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongUnaryOperator;

/**
 * Copy-on-write B+tree of unsigned 64-bit keys to fixed-size values, in the persistent-data format
 * ({@link Node}). A tree is named by its root block; every modifying operation returns the new
 * root, shadowing the path from the root (so a tree shared with a snapshot is never changed in
 * place) and keeping every non-root node at least one-third full.
 *
 * <p>Costs: lookup O(log n) block reads; insert and remove shadow O(log n) blocks (remove may also
 * shadow one sibling per level); {@link #deleteTree} visits only the nodes no one else references.
 *
 * <p>Not thread-safe for writers; lookups and walks may run concurrently with each other.
 */
public final class BTree {
  /** Result of an insert: the new root and whether the key was new. */
  public record Insert(long root, boolean added) {}

  /** Result of a removal: the new root and how many entries were removed. */
  public record Removal(long root, long removed) {}

  final TransactionManager tm;
  final ValueType valueType;

  public BTree(TransactionManager tm, ValueType valueType) {
    this.tm = tm;
    this.valueType = valueType;
  }

  public ValueType valueType() {
    return valueType;
  }

  public TransactionManager transactionManager() {
    return tm;
  }

  /** Creates an empty tree (one empty leaf) and returns its root, with one reference. */
  public long createEmpty() {
    WriteBlock leaf = tm.newBlock(NodeValidator.INSTANCE);
    Node.init(leaf, Node.LEAF, valueType.sizeBytes(), Node.maxEntries(valueType.sizeBytes()));
    return leaf.blocknr();
  }

  ReadBlock read(long blocknr) {
    return tm.read(blocknr, NodeValidator.INSTANCE);
  }

  // ---------------------------------------------------------------- lookup

  /** The leaf holding {@code key} and the key's index in it, or null. */
  private ReadBlock findLeaf(long root, long key, int[] indexOut) {
    ReadBlock n = read(root);
    for (int depth = 0; ; depth++) {
      int i = Node.lowerBound(n, key);
      if (i < 0) {
        return null;
      }
      if (Node.isLeaf(n)) {
        if (Node.key(n, i) != key) {
          return null;
        }
        indexOut[0] = i;
        return n;
      }
      if (depth > 64) {
        throw new CorruptMetadataException(root, "btree", "tree deeper than 64 levels (a cycle?)");
      }
      n = read(Node.child(n, i));
    }
  }

  /** The value of {@code key} as bytes. */
  public Optional<byte[]> lookup(long root, long key) {
    int[] idx = new int[1];
    ReadBlock leaf = findLeaf(root, key, idx);
    if (leaf == null) {
      return Optional.empty();
    }
    byte[] v = new byte[valueType.sizeBytes()];
    leaf.copyTo(Node.valueOffset(leaf, idx[0]), v, 0, v.length);
    return Optional.of(v);
  }

  /** The value of {@code key} for trees with 8-byte (or 4-byte, zero-extended) values. */
  public OptionalLong lookupLong(long root, long key) {
    int[] idx = new int[1];
    ReadBlock leaf = findLeaf(root, key, idx);
    if (leaf == null) {
      return OptionalLong.empty();
    }
    int off = Node.valueOffset(leaf, idx[0]);
    return OptionalLong.of(valueType.sizeBytes() == 4 ? leaf.getU32(off) : leaf.getLong(off));
  }

  /** The smallest key {@code >= key}, if any. */
  public OptionalLong lookupGreaterOrEqual(long root, long key) {
    long[] found = new long[1];
    boolean[] any = new boolean[1];
    BTreeWalker.forEachFrom(
        this,
        root,
        key,
        (k, leaf, off) -> {
          found[0] = k;
          any[0] = true;
          return false;
        });
    return any[0] ? OptionalLong.of(found[0]) : OptionalLong.empty();
  }

  // ---------------------------------------------------------------- insert

  /**
   * Inserts or overwrites {@code key}; an overwritten value is dec'd unless it is the same.
   *
   * <p>A new key splits every full node on its way down (the kernel's top-down insert), so the
   * leaf has room. An overwrite grows no node and splits nothing: splitting there would halve
   * leaves that a bulk load or restore packed full, doubling the nodes a commit writes when a
   * snapshot's shared blocks are remapped (docs/benchmarks.md, experiment 6).
   */
  public Insert insert(long root, long key, byte[] value) {
    if (value.length != valueType.sizeBytes()) {
      throw new IllegalArgumentException("value of " + value.length + " bytes in a tree of " + valueType.sizeBytes());
    }
    boolean overwrite = findLeaf(root, key, new int[1]) != null;
    WriteBlock n = shadowRoot(root);
    long newRoot = n.blocknr();
    if (!overwrite && Node.nrEntries(n) == Node.maxEntries(n)) {
      splitBeneath(n);
    }
    while (true) {
      int i = Node.lowerBound(n, key);
      if (Node.isLeaf(n)) {
        if (i >= 0 && Node.key(n, i) == key) {
          int off = Node.valueOffset(n, i);
          if (!valueType.sameReference(n, off, value)) {
            valueType.dec(n, off);
          }
          Node.setValue(n, i, value);
          return new Insert(newRoot, false);
        }
        Node.insertAt(n, i + 1, key, value);
        return new Insert(newRoot, true);
      }
      if (i < 0) {
        // the new key is below everything: lower the bound of the first child
        i = 0;
        Node.setKey(n, 0, key);
      }
      WriteBlock child = shadowChild(n, i);
      if (!overwrite && Node.nrEntries(child) == Node.maxEntries(child)) {
        WriteBlock right = splitChild(n, i, child);
        if (Long.compareUnsigned(key, Node.key(right, 0)) >= 0) {
          child = right;
        }
      }
      n = child;
    }
  }

  /** Convenience for 8-byte values. */
  public Insert insertLong(long root, long key, long value) {
    byte[] v = new byte[8];
    LittleEndian.putLong(v, 0, value);
    return insert(root, key, v);
  }

  // ---------------------------------------------------------------- shadowing

  /** Shadows the root; if it was shared, its children gain a reference. */
  WriteBlock shadowRoot(long root) {
    TransactionManager.Shadow s = tm.shadow(root, NodeValidator.INSTANCE);
    if (s.incChildren()) {
      incChildren(s.block());
    }
    return s.block();
  }

  /** Shadows child {@code i} of {@code parent} and points the parent at the copy. */
  WriteBlock shadowChild(WriteBlock parent, int i) {
    long child = Node.child(parent, i);
    TransactionManager.Shadow s = tm.shadow(child, NodeValidator.INSTANCE);
    WriteBlock c = s.block();
    if (c.blocknr() != child) {
      Node.setChild(parent, i, c.blocknr());
    }
    if (s.incChildren()) {
      incChildren(c);
    }
    return c;
  }

  /** One more node references everything {@code n} references. */
  void incChildren(ReadBlock n) {
    int nr = Node.nrEntries(n);
    if (Node.isInternal(n)) {
      for (int i = 0; i < nr; i++) {
        tm.inc(Node.child(n, i));
      }
    } else {
      for (int i = 0; i < nr; i++) {
        valueType.inc(n, Node.valueOffset(n, i));
      }
    }
  }

  /**
   * Splits a full root in place: its entries move into two new children and it becomes an
   * internal node with two entries. The root keeps its location.
   */
  private void splitBeneath(WriteBlock root) {
    int nr = Node.nrEntries(root);
    int nrLeft = nr / 2;
    WriteBlock left = tm.newBlock(NodeValidator.INSTANCE);
    WriteBlock right = tm.newBlock(NodeValidator.INSTANCE);
    Node.copyShape(left, root);
    Node.copyShape(right, root);
    Node.copyEntries(left, 0, root, 0, nrLeft);
    Node.setNrEntries(left, nrLeft);
    Node.copyEntries(right, 0, root, nrLeft, nr - nrLeft);
    Node.setNrEntries(right, nr - nrLeft);
    root.zero(Node.FLAGS, dev.thinly.pdata.block.BlockManager.BLOCK_SIZE - Node.FLAGS);
    Node.init(root, Node.INTERNAL, 8, Node.INTERNAL_MAX_ENTRIES);
    Node.insertChildAt(root, 0, Node.key(left, 0), left.blocknr());
    Node.insertChildAt(root, 1, Node.key(right, 0), right.blocknr());
  }

  /** Splits full child {@code i} of {@code parent} into two halves; returns the new right half. */
  private WriteBlock splitChild(WriteBlock parent, int i, WriteBlock child) {
    int nr = Node.nrEntries(child);
    int nrLeft = nr / 2;
    WriteBlock right = tm.newBlock(NodeValidator.INSTANCE);
    Node.copyShape(right, child);
    Node.copyEntries(right, 0, child, nrLeft, nr - nrLeft);
    Node.setNrEntries(right, nr - nrLeft);
    Node.setNrEntries(child, nrLeft);
    Node.insertChildAt(parent, i + 1, Node.key(right, 0), right.blocknr());
    return right;
  }

  // ---------------------------------------------------------------- removal and deletion

  /** Removes {@code key}; its value is dec'd. */
  public Removal remove(long root, long key) {
    return BTreeRemover.remove(this, root, key);
  }

  /** Removes every key in {@code [begin, end)} (unsigned); each removed value is dec'd. */
  public Removal removeRange(long root, long begin, long end) {
    return BTreeRemover.removeRange(this, root, begin, end);
  }

  /**
   * Drops one reference to the tree at {@code root}. If that was the last one, the nodes that no
   * other tree shares are freed and their values dec'd; shared nodes only lose a reference.
   */
  public void deleteTree(long root) {
    if (tm.refCount(root) > 1) {
      tm.dec(root);
      return;
    }
    ReadBlock n = read(root);
    int nr = Node.nrEntries(n);
    if (Node.isInternal(n)) {
      for (int i = 0; i < nr; i++) {
        deleteTree(Node.child(n, i));
      }
    } else {
      for (int i = 0; i < nr; i++) {
        valueType.dec(n, Node.valueOffset(n, i));
      }
    }
    tm.dec(root);
  }

  // ---------------------------------------------------------------- multi-level trees

  /**
   * Replaces the 8-byte value of an existing {@code key} with {@code fn(old)} <em>without</em>
   * calling the value type's inc or dec: for the upper level of a multi-level tree, whose value is
   * the root of a lower tree. The path to the key is shadowed before {@code fn} runs, so that if a
   * node on it was shared its values gain their references first and {@code fn} then sees the lower
   * tree's root with its true count (the kernel's top-down order). {@code fn} changes the lower tree
   * (which releases or keeps the old root's reference as shadowing dictates) and returns its new
   * root.
   *
   * @return the new root of this tree
   * @throws IllegalArgumentException if {@code key} is absent
   */
  public long update(long root, long key, LongUnaryOperator fn) {
    if (lookupLong(root, key).isEmpty()) {
      throw new IllegalArgumentException("no key " + Long.toUnsignedString(key) + " to update");
    }
    long newRoot = touch(root, key);
    long old = lookupLong(newRoot, key).getAsLong();
    long value = fn.applyAsLong(old);
    // fn may have written back and evicted our shadows; shadowing them again is free (in place)
    WriteBlock leaf = shadowRoot(newRoot);
    while (!Node.isLeaf(leaf)) {
      leaf = shadowChild(leaf, Node.lowerBound(leaf, key));
    }
    leaf.putLong(Node.valueOffset(leaf, Node.indexOf(leaf, key)), value);
    return newRoot;
  }

  /**
   * Shadows the path from the root to the leaf that holds (or would hold) {@code key}, so that
   * every node on it is exclusive to this tree; returns the new root. Values are not changed.
   */
  public long touch(long root, long key) {
    WriteBlock n = shadowRoot(root);
    long newRoot = n.blocknr();
    while (!Node.isLeaf(n)) {
      n = shadowChild(n, Math.max(0, Node.lowerBound(n, key)));
    }
    return newRoot;
  }
}
