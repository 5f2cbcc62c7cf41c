package dev.thinly.thin.tools;

import dev.thinly.pdata.btree.Node;
import dev.thinly.pdata.codec.BlockChecksum;
import dev.thinly.pdata.codec.LittleEndian;
import dev.thinly.thin.tools.CheckContext.Role;
import dev.thinly.thin.tools.CheckReport.Kind;
import dev.thinly.thin.tools.CheckReport.Severity;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * Walks btrees for the checker: every node reachable from a root is read once, validated (checksum,
 * location, header, value size for its tree, key order), and checked against each parent that
 * references it (parent key, sibling key ranges, equal height of siblings, one-third fill for
 * non-roots, no cycles). Leaves are handed to the handler of their tree on their first visit.
 *
 * <p>I/O order: once the first child of an internal node turns out to be a leaf, its other leaf
 * children are read together, sorted by location, in runs of adjacent blocks; leaves are 99% of a
 * mapping tree, so most of the metadata is read in location order.
 */
final class CheckTreeWalker {
  /** Receives a leaf the first time it is walked. {@code what} names the tree for messages. */
  @FunctionalInterface
  interface LeafHandler {
    void leaf(long block, byte[] node, int nrEntries, String what);
  }

  /** Receives the children of an internal node the first time it is walked. */
  @FunctionalInterface
  interface InternalHandler {
    void internal(long block, long[] children);
  }

  private static final int MAX_DEPTH = 64;

  private final CheckContext ctx;
  private final CheckNodeTable nodes;
  private final Map<Role, LeafHandler> leafHandlers = new EnumMap<>(Role.class);
  private final Map<Role, InternalHandler> internalHandlers = new EnumMap<>(Role.class);

  CheckTreeWalker(CheckContext ctx) {
    this.ctx = ctx;
    this.nodes = new CheckNodeTable(ctx.nrMetadataBlocks);
  }

  void onLeaf(Role role, LeafHandler h) {
    leafHandlers.put(role, h);
  }

  void onInternal(Role role, InternalHandler h) {
    internalHandlers.put(role, h);
  }

  CheckNodeTable nodes() {
    return nodes;
  }

  // ---------------------------------------------------------------- node layout helpers

  static int nrEntries(byte[] n) {
    return LittleEndian.getInt(n, Node.NR_ENTRIES);
  }

  static long key(byte[] n, int i) {
    return LittleEndian.getLong(n, Node.KEYS + 8 * i);
  }

  /** Byte offset of value {@code i} (the node's header must have been validated). */
  static int valueOffset(byte[] n, int i) {
    int max = LittleEndian.getInt(n, Node.MAX_ENTRIES);
    int vs = LittleEndian.getInt(n, Node.VALUE_SIZE);
    return Node.KEYS + 8 * max + vs * i;
  }

  static long longValue(byte[] n, int i) {
    return LittleEndian.getLong(n, valueOffset(n, i));
  }

  // ---------------------------------------------------------------- walking

  /**
   * Walks the tree whose root the caller has just referenced (with {@link CheckContext#reference},
   * which returned true). Returns the root's id in the node table, or -1 if it could not be walked
   * at all.
   */
  int walkRoot(long root, Role role, String what) {
    int id = walk(root, role, what, 0);
    ctx.reader.dropPrefetched();
    return id;
  }

  private int walk(long block, Role role, String what, int depth) {
    int id = nodes.idOf(block);
    if (id >= 0) {
      if (nodes.state(id) == CheckNodeTable.IN_PROGRESS) {
        ctx.markIncomplete();
        ctx.fatal(
            Kind.CYCLE, block, what + ": btree node " + block + " is its own descendant (a cycle)");
        return -1;
      }
      return id;
    }
    id = nodes.start(block);
    if (depth > MAX_DEPTH) {
      ctx.markIncomplete();
      ctx.fatal(
          Kind.UNBALANCED,
          block,
          what + ": btree deeper than " + MAX_DEPTH + " levels at block " + block);
      nodes.bad(id);
      return id;
    }
    byte[] n;
    try {
      n = ctx.reader.read(block);
    } catch (RuntimeException e) {
      ctx.markIncomplete();
      ctx.fatal(Kind.IO, block, what + ": cannot read block " + block + ": " + e.getMessage());
      nodes.bad(id);
      return id;
    }
    if (!validate(n, block, role, what)) {
      ctx.markIncomplete();
      nodes.bad(id);
      return id;
    }
    int nr = nrEntries(n);
    int max = LittleEndian.getInt(n, Node.MAX_ENTRIES);
    if (LittleEndian.getInt(n, Node.FLAGS) == Node.LEAF) {
      LeafHandler h = leafHandlers.get(role);
      if (h != null) {
        h.leaf(block, n, nr, what);
      }
      boolean range = nr > 0;
      nodes.finish(
          id, 0, range, range ? key(n, 0) : 0, range ? key(n, nr - 1) : 0, nr, nr, max, true);
      return id;
    }
    walkChildren(id, block, n, nr, max, role, what, depth);
    return id;
  }

  private void walkChildren(
      int id, long block, byte[] n, int nr, int max, Role role, String what, int depth) {
    long[] children = new long[nr];
    for (int i = 0; i < nr; i++) {
      children[i] = longValue(n, i);
    }
    InternalHandler ih = internalHandlers.get(role);
    if (ih != null) {
      ih.internal(block, children.clone());
    }
    String from = what + ", btree node " + block;
    int height = -1;
    boolean complete = true;
    boolean range = false;
    long maxKey = 0;
    long below = 0;
    for (int i = 0; i < nr; i++) {
      long child = children[i];
      long key = key(n, i);
      if (!ctx.reference(child, role, from)) {
        complete = false;
        continue;
      }
      if (i == 1 && height == 0) {
        prefetchLeaves(children);
      }
      int cid = walk(child, role, what, depth + 1);
      if (cid < 0 || nodes.state(cid) != CheckNodeTable.OK) {
        complete = false;
        continue;
      }
      int h = nodes.height(cid);
      if (h >= 0) {
        if (height < 0) {
          height = h;
        } else if (h != height) {
          ctx.fatal(
              Kind.UNBALANCED,
              child,
              what
                  + ": btree node "
                  + block
                  + " is unbalanced: child "
                  + child
                  + " has height "
                  + h
                  + ", its siblings "
                  + height);
          complete = false;
          continue;
        }
      }
      if (nodes.firstUnderfullReport(cid)) {
        ctx.problem(
            Severity.NON_FATAL,
            Kind.UNDERFULL,
            child,
            what
                + ": too few entries in btree node: "
                + nodes.nrEntries(cid)
                + ", expected at least "
                + nodes.maxEntries(cid) / 3
                + " (block "
                + child
                + ", max_entries = "
                + nodes.maxEntries(cid)
                + ")");
      }
      complete &= nodes.complete(cid);
      below += nodes.entries(cid);
      if (nodes.hasRange(cid)) {
        if (!checkChildRange(n, i, nr, block, child, cid, what)) {
          complete = false;
        }
        range = true;
        maxKey = nodes.maxKey(cid);
      }
    }
    // "lowest in node" is the node's own first key, as thin_check compares it with the parent's
    long lowest = key(n, 0);
    nodes.finish(id, height < 0 ? -1 : height + 1, range, lowest, maxKey, below, nr, max, complete);
  }

  /** Parent key rule (keys[i] is a lower bound of child i) and sibling ranges (below keys[i+1]). */
  private boolean checkChildRange(
      byte[] n, int i, int nr, long block, long child, int cid, String what) {
    long key = key(n, i);
    long lowest = nodes.minKey(cid);
    boolean ok = true;
    if (Long.compareUnsigned(key, lowest) > 0) {
      ctx.fatal(
          Kind.PARENT_KEY,
          child,
          what
              + ": parent key mismatch: parent was "
              + Long.toUnsignedString(key)
              + ", but lowest in node was "
              + Long.toUnsignedString(lowest)
              + " (block "
              + child
              + ")");
      ok = false;
    }
    if (i + 1 < nr) {
      long next = key(n, i + 1);
      long highest = nodes.maxKey(cid);
      if (Long.compareUnsigned(highest, next) >= 0) {
        ctx.fatal(
            Kind.SIBLING_RANGE,
            child,
            what
                + ": btree node "
                + child
                + " holds key "
                + Long.toUnsignedString(highest)
                + ", which belongs to its next sibling (parent key "
                + Long.toUnsignedString(next)
                + " in block "
                + block
                + ")");
        ok = false;
      }
    }
    return ok;
  }

  /** Reads the not yet walked children together, in location order. */
  private void prefetchLeaves(long[] children) {
    long[] todo = new long[children.length];
    int n = 0;
    for (int i = 1; i < children.length; i++) {
      long c = children[i];
      if (c > 0 && c < ctx.reader.deviceBlocks() && c < ctx.nrMetadataBlocks && nodes.idOf(c) < 0) {
        todo[n++] = c;
      }
    }
    Arrays.sort(todo, 0, n);
    int distinct = 0;
    for (int i = 0; i < n; i++) {
      if (distinct == 0 || todo[distinct - 1] != todo[i]) {
        todo[distinct++] = todo[i];
      }
    }
    ctx.reader.prefetch(todo, distinct);
  }

  // ---------------------------------------------------------------- validation

  /** Checks everything a node must satisfy on its own; reports and returns false if it does not. */
  private boolean validate(byte[] n, long block, Role role, String what) {
    String bad =
        CheckBlockReader.checkSalted(n, block, BlockChecksum.BTREE_NODE_SALT, "btree node");
    if (bad != null) {
      ctx.fatal(
          bad.startsWith("bad checksum") ? Kind.CHECKSUM : Kind.BLOCKNR, block, what + ": " + bad);
      return false;
    }
    int flags = LittleEndian.getInt(n, Node.FLAGS);
    int nr = nrEntries(n);
    int max = LittleEndian.getInt(n, Node.MAX_ENTRIES);
    int vs = LittleEndian.getInt(n, Node.VALUE_SIZE);
    String at = " (block " + block + ")";
    if (flags != Node.INTERNAL && flags != Node.LEAF) {
      String why =
          flags == (Node.INTERNAL | Node.LEAF)
              ? "btree node is both internal and leaf"
              : "unknown node type " + flags;
      return header(block, what + ": " + why + at);
    }
    if (max <= 0 || max % 3 != 0) {
      return header(block, what + ": max entries is not divisible by 3: " + max + at);
    }
    int wantedSize = flags == Node.INTERNAL ? 8 : role.valueSize;
    if (vs != wantedSize) {
      ctx.fatal(
          Kind.VALUE_SIZE,
          block,
          what + ": value size mismatch: expected " + wantedSize + ", but got " + vs + at);
      return false;
    }
    if (vs <= 0 || (long) Node.KEYS + (8L + vs) * max > CheckBlockReader.BLOCK) {
      return header(
          block,
          what
              + ": max entries "
              + max
              + " with values of "
              + vs
              + " bytes do not fit a block"
              + at);
    }
    if (nr < 0 || nr > max) {
      return header(block, what + ": nr_entries " + nr + " exceeds max_entries " + max + at);
    }
    if (flags == Node.INTERNAL && nr == 0) {
      return header(block, what + ": internal btree node without entries" + at);
    }
    for (int i = 1; i < nr; i++) {
      long prev = key(n, i - 1);
      long k = key(n, i);
      if (Long.compareUnsigned(k, prev) <= 0) {
        ctx.fatal(
            Kind.KEY_ORDER,
            block,
            what
                + ": keys are out of order, "
                + Long.toUnsignedString(k)
                + " <= "
                + Long.toUnsignedString(prev)
                + at);
        return false;
      }
    }
    return true;
  }

  private boolean header(long block, String message) {
    ctx.fatal(Kind.NODE_HEADER, block, message);
    return false;
  }
}
