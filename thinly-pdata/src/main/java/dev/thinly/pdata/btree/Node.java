package dev.thinly.pdata.btree;

import dev.thinly.pdata.block.BlockManager;
import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.block.WriteBlock;

/**
 * The layout of a persistent-data btree node (every tree of the format uses it).
 *
 * <pre>
 * offset size field
 *      0    4 csum          salted CRC-32C (salt 121107), set at write-back
 *      4    4 flags         1 = INTERNAL, 2 = LEAF (exactly one)
 *      8    8 blocknr       the node's own location
 *     16    4 nr_entries    used slots
 *     20    4 max_entries   capacity: 3 * floor(floor(4064 / (8 + value_size)) / 3)
 *     24    4 value_size    8 in internal nodes (child block numbers); per tree in leaves
 *     28    4 padding       0
 *     32  8*max keys[]      u64, strictly increasing
 * 32+8*max  value_size*max  values[]: value i belongs to key i
 * </pre>
 *
 * The value array starts after {@code max_entries} key slots, not after {@code nr_entries}. In an
 * internal node {@code keys[i]} is a lower bound of the keys under child {@code i}. Keys are
 * unsigned.
 */
public final class Node {
  public static final int FLAGS = 4;
  public static final int NR_ENTRIES = 16;
  public static final int MAX_ENTRIES = 20;
  public static final int VALUE_SIZE = 24;
  public static final int KEYS = 32;
  public static final int INTERNAL = 1;
  public static final int LEAF = 2;
  /** Internal nodes: value size 8, 252 entries. */
  public static final int INTERNAL_MAX_ENTRIES = maxEntries(8);

  private Node() {}

  /** Capacity of a node with values of {@code valueSize} bytes: a multiple of 3. */
  public static int maxEntries(int valueSize) {
    int fit = (BlockManager.BLOCK_SIZE - KEYS) / (8 + valueSize);
    return 3 * (fit / 3);
  }

  /** The fewest entries a non-root node may hold. */
  public static int minEntries(ReadBlock n) {
    return maxEntries(n) / 3;
  }

  public static boolean isLeaf(ReadBlock n) {
    return n.getInt(FLAGS) == LEAF;
  }

  public static boolean isInternal(ReadBlock n) {
    return n.getInt(FLAGS) == INTERNAL;
  }

  public static int nrEntries(ReadBlock n) {
    return n.getInt(NR_ENTRIES);
  }

  public static int maxEntries(ReadBlock n) {
    return n.getInt(MAX_ENTRIES);
  }

  public static int valueSize(ReadBlock n) {
    return n.getInt(VALUE_SIZE);
  }

  public static long key(ReadBlock n, int i) {
    return n.getLong(KEYS + 8 * i);
  }

  /** Byte offset of value {@code i}. */
  public static int valueOffset(ReadBlock n, int i) {
    return KEYS + 8 * maxEntries(n) + valueSize(n) * i;
  }

  /** Child {@code i} of an internal node. */
  public static long child(ReadBlock n, int i) {
    return n.getLong(KEYS + 8 * maxEntries(n) + 8 * i);
  }

  /** Largest index {@code i} with {@code keys[i] <= key} (unsigned), or -1. */
  public static int lowerBound(ReadBlock n, long key) {
    int lo = 0;
    int hi = nrEntries(n) - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(key(n, mid), key) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Index of exactly {@code key}, or -1. */
  public static int indexOf(ReadBlock n, long key) {
    int i = lowerBound(n, key);
    return i >= 0 && key(n, i) == key ? i : -1;
  }

  // ---------------------------------------------------------------- writing

  /** Writes a fresh header (the block must be zeroed or fully rewritten). */
  public static void init(WriteBlock n, int flags, int valueSize, int maxEntries) {
    n.putInt(FLAGS, flags);
    n.putInt(NR_ENTRIES, 0);
    n.putInt(MAX_ENTRIES, maxEntries);
    n.putInt(VALUE_SIZE, valueSize);
    n.putInt(28, 0);
  }

  public static void setNrEntries(WriteBlock n, int nr) {
    n.putInt(NR_ENTRIES, nr);
  }

  public static void setKey(WriteBlock n, int i, long key) {
    n.putLong(KEYS + 8 * i, key);
  }

  public static void setChild(WriteBlock n, int i, long child) {
    n.putLong(KEYS + 8 * maxEntries(n) + 8 * i, child);
  }

  public static void setValue(WriteBlock n, int i, byte[] value) {
    n.copyFrom(valueOffset(n, i), value, 0, valueSize(n));
  }

  /** Opens a gap at {@code i} and stores the entry there. The node must have room. */
  public static void insertAt(WriteBlock n, int i, long key, byte[] value) {
    int nr = nrEntries(n);
    int vs = valueSize(n);
    if (i < nr) {
      n.move(KEYS + 8 * i, KEYS + 8 * (i + 1), 8 * (nr - i));
      n.move(valueOffset(n, i), valueOffset(n, i + 1), vs * (nr - i));
    }
    setKey(n, i, key);
    setValue(n, i, value);
    setNrEntries(n, nr + 1);
  }

  /** Inserts an internal entry. */
  public static void insertChildAt(WriteBlock n, int i, long key, long child) {
    byte[] v = new byte[8];
    dev.thinly.pdata.codec.LittleEndian.putLong(v, 0, child);
    insertAt(n, i, key, v);
  }

  /** Removes entries {@code [from, to)}. */
  public static void deleteRange(WriteBlock n, int from, int to) {
    int nr = nrEntries(n);
    int vs = valueSize(n);
    int tail = nr - to;
    if (tail > 0) {
      n.move(KEYS + 8 * to, KEYS + 8 * from, 8 * tail);
      n.move(valueOffset(n, to), valueOffset(n, from), vs * tail);
    }
    setNrEntries(n, nr - (to - from));
  }

  /**
   * Copies {@code count} entries of {@code src} starting at {@code srcIndex} into {@code dst} at
   * {@code dstIndex} (overwriting; the caller fixes {@code nr_entries}).
   */
  public static void copyEntries(
      WriteBlock dst, int dstIndex, ReadBlock src, int srcIndex, int count) {
    if (count == 0) {
      return;
    }
    int vs = valueSize(src);
    dst.copyFrom(KEYS + 8 * dstIndex, src, KEYS + 8 * srcIndex, 8 * count);
    dst.copyFrom(valueOffset(dst, dstIndex), src, valueOffset(src, srcIndex), vs * count);
  }

  /** Shifts all entries right by {@code count} slots (opening a gap at the front). */
  public static void shiftRight(WriteBlock n, int count) {
    int nr = nrEntries(n);
    int vs = valueSize(n);
    n.move(KEYS, KEYS + 8 * count, 8 * nr);
    n.move(valueOffset(n, 0), valueOffset(n, count), vs * nr);
  }

  /** Copies the header fields that describe the node's shape (flags, value size, capacity). */
  public static void copyShape(WriteBlock dst, ReadBlock src) {
    init(dst, src.getInt(FLAGS), valueSize(src), maxEntries(src));
  }
}
