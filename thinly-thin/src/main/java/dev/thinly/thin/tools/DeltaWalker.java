package dev.thinly.thin.tools;

import dev.thinly.pdata.block.BlockManager;
import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.btree.Node;
import dev.thinly.pdata.btree.NodeValidator;
import dev.thinly.pdata.error.CorruptMetadataException;
import dev.thinly.thin.format.BlockTime;
import java.util.ArrayDeque;

/**
 * Walks two mapping trees together in key order and records how they differ. Each side is a lazy
 * stream of tokens: a subtree not yet read, or the next mapping of a leaf being read. When both
 * streams present the same subtree block, that subtree is shared: its mappings are the same on both
 * sides, so it is recorded as shared and not read at all. Otherwise the token that must be opened
 * to make progress is read (the earlier one, or the taller one when they overlap), so a node that
 * both trees share is reached as a whole on both sides rather than opened on one.
 *
 * <p>Reads are proportional to what differs: the paths to changed leaves and the changed leaves of
 * both trees, plus a few nodes to find the key extent of shared subtrees at the trees' edges.
 */
final class DeltaWalker {
  /** Exclusive upper bound meaning "no bound" (the right edge of a tree). */
  private static final long UNBOUNDED = -1L;

  /** A subtree not read yet; {@code lowKnown} is false at a tree's left edge (no parent key). */
  private record Subtree(long block, long lowKey, long highKey, int height, boolean lowKnown) {}

  private static final class LeafCursor {
    final ReadBlock node;
    final int nr;
    int index;

    LeafCursor(ReadBlock node, int nr) {
      this.node = node;
      this.nr = nr;
    }

    long key() {
      return Node.key(node, index);
    }

    long dataBlock() {
      return BlockTime.dataBlock(node.getLong(Node.valueOffset(node, index)));
    }
  }

  /** One tree as a stream of tokens. */
  private final class Side {
    final ArrayDeque<Object> tokens = new ArrayDeque<>();
    long entries;
    long lastKey = -1;
    boolean any;

    Side(long root) {
      tokens.push(new Subtree(root, 0, UNBOUNDED, height(root), false));
    }

    Object peek() {
      return tokens.peekFirst();
    }

    /** Replaces the subtree at the front by its children, or its mappings if it is a leaf. */
    void open() {
      Subtree s = (Subtree) tokens.pollFirst();
      ReadBlock n = read(s.block());
      int nr = Node.nrEntries(n);
      if (Node.isLeaf(n)) {
        if (Node.valueSize(n) != 8) {
          throw damage(s.block(), "a mapping leaf with value size " + Node.valueSize(n));
        }
        entries += nr;
        if (nr > 0) {
          tokens.push(new LeafCursor(n, nr));
        }
        return;
      }
      if (s.height() <= 0) {
        throw damage(s.block(), "an internal node where a leaf belongs");
      }
      for (int i = nr - 1; i >= 0; i--) {
        long high = i + 1 < nr ? Node.key(n, i + 1) : s.highKey();
        tokens.push(new Subtree(Node.child(n, i), Node.key(n, i), high, s.height() - 1, true));
      }
    }

    /** Consumes the mapping at the front (a {@link LeafCursor}). */
    void pop() {
      LeafCursor c = (LeafCursor) tokens.peekFirst();
      long k = c.key();
      if (any && Long.compareUnsigned(k, lastKey) <= 0) {
        throw damage(c.node.blocknr(), "keys out of order");
      }
      any = true;
      lastKey = k;
      if (++c.index == c.nr) {
        tokens.pollFirst();
      }
    }
  }

  private final BlockManager bm;
  private final DeltaPieces out;
  private final Side left;
  private final Side right;

  DeltaWalker(BlockManager bm, long leftRoot, long rightRoot, DeltaPieces out) {
    this.bm = bm;
    this.out = out;
    this.left = new Side(leftRoot);
    this.right = new Side(rightRoot);
  }

  long leftEntries() {
    return left.entries;
  }

  long rightEntries() {
    return right.entries;
  }

  void run() {
    while (true) {
      Object l = left.peek();
      Object r = right.peek();
      if (l == null && r == null) {
        break;
      }
      if (l == null) {
        oneSided(right, DeltaPieces.RIGHT_ONLY);
      } else if (r == null) {
        oneSided(left, DeltaPieces.LEFT_ONLY);
      } else if (l instanceof Subtree ls && r instanceof Subtree rs) {
        twoSubtrees(ls, rs);
      } else if (l instanceof Subtree ls) {
        LeafCursor rc = (LeafCursor) r;
        if (Long.compareUnsigned(rc.key(), ls.lowKey()) < 0) {
          emitOne(right, DeltaPieces.RIGHT_ONLY);
        } else {
          left.open();
        }
      } else if (r instanceof Subtree rs) {
        LeafCursor lc = (LeafCursor) l;
        if (Long.compareUnsigned(lc.key(), rs.lowKey()) < 0) {
          emitOne(left, DeltaPieces.LEFT_ONLY);
        } else {
          right.open();
        }
      } else {
        twoMappings((LeafCursor) l, (LeafCursor) r);
      }
    }
    out.finish();
  }

  private void twoSubtrees(Subtree l, Subtree r) {
    if (l.block() == r.block()) {
      left.tokens.pollFirst();
      right.tokens.pollFirst();
      shared(l, r);
    } else if (before(l, r)) {
      left.open();
    } else if (before(r, l)) {
      right.open();
    } else if (l.height() > r.height()) {
      left.open();
    } else if (r.height() > l.height()) {
      right.open();
    } else {
      left.open();
      right.open();
    }
  }

  /** True if every key of {@code a} lies below every key of {@code b}. */
  private static boolean before(Subtree a, Subtree b) {
    return a.highKey() != UNBOUNDED && Long.compareUnsigned(a.highKey(), b.lowKey()) <= 0;
  }

  private void twoMappings(LeafCursor l, LeafCursor r) {
    int c = Long.compareUnsigned(l.key(), r.key());
    if (c < 0) {
      emitOne(left, DeltaPieces.LEFT_ONLY);
    } else if (c > 0) {
      emitOne(right, DeltaPieces.RIGHT_ONLY);
    } else {
      long ld = l.dataBlock();
      long rd = r.dataBlock();
      out.block(ld == rd ? DeltaPieces.SAME : DeltaPieces.DIFFERENT, l.key(), ld, rd);
      left.pop();
      right.pop();
    }
  }

  private void oneSided(Side s, byte kind) {
    if (s.peek() instanceof Subtree) {
      s.open();
    } else {
      emitOne(s, kind);
    }
  }

  private void emitOne(Side s, byte kind) {
    LeafCursor c = (LeafCursor) s.peek();
    long d = c.dataBlock();
    out.block(kind, c.key(), d, d);
    s.pop();
  }

  /**
   * Records a subtree both sides share. Its key range is where both parents place it; at the trees'
   * outer edges, where no parent key bounds it, its first or last key is read.
   */
  private void shared(Subtree l, Subtree r) {
    long low = Long.compareUnsigned(l.lowKey(), r.lowKey()) >= 0 ? l.lowKey() : r.lowKey();
    boolean lowKnown = l.lowKnown() || r.lowKnown();
    long high;
    if (l.highKey() == UNBOUNDED) {
      high = r.highKey();
    } else if (r.highKey() == UNBOUNDED) {
      high = l.highKey();
    } else {
      high = Long.compareUnsigned(l.highKey(), r.highKey()) <= 0 ? l.highKey() : r.highKey();
    }
    if (!lowKnown || high == UNBOUNDED) {
      long[] extent = extent(l.block());
      if (extent == null) {
        return; // an empty shared tree maps nothing
      }
      if (!lowKnown) {
        low = extent[0];
      }
      if (high == UNBOUNDED) {
        high = extent[1] + 1;
      }
    }
    out.shared(l.block(), low, high);
  }

  /** First and last key under {@code block} (the extreme paths), or null if it maps nothing. */
  private long[] extent(long block) {
    ReadBlock first = read(block);
    if (Node.nrEntries(first) == 0) {
      return null;
    }
    ReadBlock last = first;
    for (int depth = 0; !Node.isLeaf(first); depth++) {
      if (depth > 64) {
        throw damage(block, "a tree deeper than 64 levels");
      }
      first = read(Node.child(first, 0));
    }
    for (int depth = 0; !Node.isLeaf(last); depth++) {
      if (depth > 64) {
        throw damage(block, "a tree deeper than 64 levels");
      }
      last = read(Node.child(last, Node.nrEntries(last) - 1));
    }
    return new long[] {Node.key(first, 0), Node.key(last, Node.nrEntries(last) - 1)};
  }

  /** Every mapping under a shared subtree, as same blocks, in order. */
  void enumerate(long block, DeltaPieces.RangeSink sink, int depth) {
    if (depth > 64) {
      throw damage(block, "a tree deeper than 64 levels");
    }
    ReadBlock n = read(block);
    int nr = Node.nrEntries(n);
    if (Node.isLeaf(n)) {
      for (int i = 0; i < nr; i++) {
        long d = BlockTime.dataBlock(n.getLong(Node.valueOffset(n, i)));
        sink.range(DeltaPieces.SAME, Node.key(n, i), 1, d, d);
      }
      return;
    }
    for (int i = 0; i < nr; i++) {
      enumerate(Node.child(n, i), sink, depth + 1);
    }
  }

  /** Height of a tree: the length of its leftmost path (the walk checks the rest). */
  private int height(long root) {
    ReadBlock n = read(root);
    int h = 0;
    while (!Node.isLeaf(n)) {
      if (++h > 64 || Node.nrEntries(n) == 0) {
        throw damage(root, "a malformed tree");
      }
      n = read(Node.child(n, 0));
    }
    return h;
  }

  private ReadBlock read(long block) {
    return bm.read(block, NodeValidator.INSTANCE);
  }

  private static CorruptMetadataException damage(long block, String what) {
    return new CorruptMetadataException(
        block, "mapping tree", "damage in mapping tree (" + what + "); run check");
  }
}
