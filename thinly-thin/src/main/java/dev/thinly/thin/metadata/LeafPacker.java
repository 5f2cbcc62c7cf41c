package dev.thinly.thin.metadata;

import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.block.WriteBlock;
import dev.thinly.pdata.btree.Node;
import dev.thinly.pdata.btree.NodeValidator;
import dev.thinly.pdata.tx.TransactionManager;
import dev.thinly.thin.format.BlockTime;

/**
 * Packs ascending mappings into mapping-tree leaves, writing each leaf once. Up to two leaves'
 * worth of entries wait in memory; a full leaf is written whenever more than that arrives, so
 * whatever is pending when the caller flushes can always be split into leaves of at least half
 * capacity (or is a single leaf, possibly small, that the caller places).
 *
 * <p>If {@code dataCounts} is given, each mapping of each written leaf adds one reference to its
 * data block (the data space map counts references per leaf, spec 5.7).
 */
final class LeafPacker {
  static final int MAX = Node.maxEntries(8);
  static final int MIN = MAX / 3;

  /** Receives each leaf as it is written. */
  @FunctionalInterface
  interface LeafSink {
    void leaf(long block, long firstKey, long lastKey, int entries);
  }

  private final TransactionManager tm;
  private final DataBlockCounts dataCounts;
  private final long[] keys = new long[3 * MAX];
  private final long[] values = new long[3 * MAX];
  private int n;
  private boolean any;
  private long lastKey;

  LeafPacker(TransactionManager tm, DataBlockCounts dataCounts) {
    this.tm = tm;
    this.dataCounts = dataCounts;
  }

  int pending() {
    return n;
  }

  /** Adds the next mapping (keys must ascend); may write a full leaf to {@code sink}. */
  void push(long key, long blockTime, LeafSink sink) {
    if (any && Long.compareUnsigned(key, lastKey) <= 0) {
      throw new IllegalArgumentException(
          "mappings must ascend: thin block " + Long.toUnsignedString(key) + " after "
              + Long.toUnsignedString(lastKey));
    }
    any = true;
    lastKey = key;
    keys[n] = key;
    values[n] = blockTime;
    n++;
    if (n > 2 * MAX) {
      write(MAX, sink);
    }
  }

  /** Adds every entry of {@code leaf} after the pending ones (the leaf's keys come next). */
  void pushAll(ReadBlock leaf, LeafSink sink) {
    int count = Node.nrEntries(leaf);
    for (int i = 0; i < count; i++) {
      push(Node.key(leaf, i), leaf.getLong(Node.valueOffset(leaf, i)), sink);
    }
  }

  /**
   * Puts every entry of {@code leaf} in front of the pending ones (the leaf's keys precede them).
   * At most {@code 2 * MAX} entries may be pending afterwards.
   */
  void prependAll(ReadBlock leaf) {
    int count = Node.nrEntries(leaf);
    if (n + count > 2 * MAX) {
      throw new IllegalStateException("too many pending entries to prepend a leaf");
    }
    System.arraycopy(keys, 0, keys, count, n);
    System.arraycopy(values, 0, values, count, n);
    for (int i = 0; i < count; i++) {
      keys[i] = Node.key(leaf, i);
      values[i] = leaf.getLong(Node.valueOffset(leaf, i));
    }
    n += count;
    if (!any) {
      any = true;
      lastKey = keys[n - 1];
    }
  }

  /**
   * Writes everything pending: one leaf if it fits, else two of equal size (each at least half
   * full, since at most two leaves' worth can be pending).
   */
  void flush(LeafSink sink) {
    if (n == 0) {
      return;
    }
    if (n > MAX) {
      write(n / 2, sink);
    }
    write(n, sink);
  }

  /** Writes the first {@code count} pending entries as one leaf. */
  private void write(int count, LeafSink sink) {
    WriteBlock leaf = tm.newBlock(NodeValidator.INSTANCE);
    Node.init(leaf, Node.LEAF, 8, MAX);
    for (int i = 0; i < count; i++) {
      Node.setKey(leaf, i, keys[i]);
      leaf.putLong(Node.valueOffset(leaf, i), values[i]);
      if (dataCounts != null) {
        dataCounts.inc(BlockTime.dataBlock(values[i]));
      }
    }
    Node.setNrEntries(leaf, count);
    long block = leaf.blocknr();
    long firstKey = keys[0];
    long lastKey = keys[count - 1];
    n -= count;
    System.arraycopy(keys, count, keys, 0, n);
    System.arraycopy(values, count, values, 0, n);
    // the leaf is complete and no longer held: a good moment to bound the cache
    tm.writeBackIfOverCapacity();
    sink.leaf(block, firstKey, lastKey, count);
  }

  /** Writes an empty leaf (the root of a device without mappings). */
  long writeEmpty() {
    WriteBlock leaf = tm.newBlock(NodeValidator.INSTANCE);
    Node.init(leaf, Node.LEAF, 8, MAX);
    return leaf.blocknr();
  }
}
