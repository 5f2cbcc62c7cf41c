package dev.thinly.pdata.btree;

import dev.thinly.pdata.block.WriteBlock;
import dev.thinly.pdata.codec.LittleEndian;
import dev.thinly.pdata.tx.TransactionManager;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a tree bottom-up from entries added in strictly ascending key order, writing each node
 * once (restore, bulk import): far cheaper than repeated inserts, and the nodes come out full.
 *
 * <p>Each level buffers up to two nodes' worth of entries and writes a full node whenever more
 * than that arrives, so only the last two nodes of a level can be short; at the end they split
 * their entries evenly, which keeps every non-root node at least half full (the format wants a
 * third). Values are stored as given: reference counts of what they point to are the caller's
 * business; each node is referenced once, by its parent.
 *
 * <p>The caller must not hold writable blocks while adding (the builder may write back dirty
 * blocks to bound memory).
 */
public final class BTreeBuilder {
  private final TransactionManager tm;
  private final int leafValueSize;
  private final List<Level> levels = new ArrayList<>();
  private long lastKey;
  private boolean any;
  private long nodesWritten;

  public BTreeBuilder(TransactionManager tm, int valueSize) {
    this.tm = tm;
    this.leafValueSize = valueSize;
    levels.add(new Level(Node.LEAF, valueSize));
  }

  /**
   * Adds the next entry; keys must be strictly increasing (unsigned) and the value exactly the
   * tree's value size.
   */
  public void add(long key, byte[] value) {
    if (value.length != leafValueSize) {
      throw new IllegalArgumentException(
          "value of " + value.length + " bytes in a tree of " + leafValueSize + "-byte values");
    }
    nextKey(key);
    push(0, key, value, 0);
  }

  /** Adds an entry with an 8-byte value (the tree's value size must be 8). */
  public void addLong(long key, long value) {
    if (leafValueSize != 8) {
      // an 8-byte store into a narrower slot would clobber the next one; a wider slot would keep
      // stale bytes from the reused buffer
      throw new IllegalArgumentException("addLong in a tree of " + leafValueSize + "-byte values");
    }
    nextKey(key);
    levels.get(0).addLong(key, value);
    drain(0);
  }

  private void nextKey(long key) {
    if (any && Long.compareUnsigned(key, lastKey) <= 0) {
      throw new IllegalArgumentException(
          "keys must ascend: " + Long.toUnsignedString(key) + " after " + Long.toUnsignedString(lastKey));
    }
    any = true;
    lastKey = key;
  }

  private void push(int level, long key, byte[] value, int valueOffset) {
    levels.get(level).add(key, value, valueOffset);
    drain(level);
  }

  /** Writes full nodes while a level holds more than two nodes' worth. */
  private void drain(int level) {
    Level l = levels.get(level);
    while (l.size > 2 * l.max) {
      long block = l.writeNode(0, l.max);
      parentOf(level).addLong(l.firstKeyOfLastWrite, block);
      drain(level + 1);
      tm.writeBackIfOverCapacity();
    }
  }

  private Level parentOf(int level) {
    if (levels.size() == level + 1) {
      levels.add(new Level(Node.INTERNAL, 8));
    }
    return levels.get(level + 1);
  }

  /** Finishes the tree and returns its root (an empty leaf if nothing was added). */
  public long build() {
    for (int level = 0; ; level++) {
      Level l = levels.get(level);
      boolean top = levels.size() == level + 1;
      if (top && l.size <= l.max) {
        return l.writeNode(0, l.size);
      }
      if (l.size <= l.max) {
        long block = l.writeNode(0, l.size);
        parentOf(level).addLong(l.firstKeyOfLastWrite, block);
      } else {
        int half = l.size / 2;
        long first = l.writeNode(0, half);
        long firstKey = l.firstKeyOfLastWrite;
        long second = l.writeNode(0, l.size);
        long secondKey = l.firstKeyOfLastWrite;
        // drain between the two: a parent holding two nodes' worth has room for one more only
        parentOf(level).addLong(firstKey, first);
        drain(level + 1);
        parentOf(level).addLong(secondKey, second);
      }
      drain(level + 1);
    }
  }

  /** Nodes written so far. */
  public long nodesWritten() {
    return nodesWritten;
  }

  public int valueSize() {
    return leafValueSize;
  }

  /** Buffered entries of one level. */
  private final class Level {
    final int flags;
    final int valueSize;
    final int max;
    final long[] keys;
    final byte[] values;
    int size;
    long firstKeyOfLastWrite;

    Level(int flags, int valueSize) {
      this.flags = flags;
      this.valueSize = valueSize;
      this.max = Node.maxEntries(valueSize);
      this.keys = new long[2 * max + 1];
      this.values = new byte[(2 * max + 1) * valueSize];
    }

    void add(long key, byte[] value, int offset) {
      keys[size] = key;
      System.arraycopy(value, offset, values, size * valueSize, valueSize);
      size++;
    }

    void addLong(long key, long value) {
      keys[size] = key;
      LittleEndian.putLong(values, size * valueSize, value);
      size++;
    }

    /**
     * Writes buffered entries {@code [0, count)} as one node and drops them from the buffer
     * ({@code from} is always 0: nodes leave the front).
     */
    long writeNode(int from, int count) {
      WriteBlock n = tm.newBlock(NodeValidator.INSTANCE);
      Node.init(n, flags, valueSize, max);
      for (int i = 0; i < count; i++) {
        Node.setKey(n, i, keys[from + i]);
      }
      n.copyFrom(Node.valueOffset(n, 0), values, from * valueSize, count * valueSize);
      Node.setNrEntries(n, count);
      firstKeyOfLastWrite = keys[from];
      int rest = size - count;
      System.arraycopy(keys, count, keys, 0, rest);
      System.arraycopy(values, count * valueSize, values, 0, rest * valueSize);
      size = rest;
      nodesWritten++;
      return n.blocknr();
    }
  }
}
