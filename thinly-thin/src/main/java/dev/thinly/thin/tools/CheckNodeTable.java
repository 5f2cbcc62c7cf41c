package dev.thinly.thin.tools;

import java.util.Arrays;

/**
 * What the checker remembers about each btree node it walked, so that a node shared by several
 * parents (snapshots, the metadata snapshot) is read once and each further parent is still checked
 * against it: its key range, height, number of entries below it, fill, and state. About 40 bytes
 * per node, for the nodes actually walked.
 */
final class CheckNodeTable {
  static final byte IN_PROGRESS = 1;
  static final byte OK = 2;

  /** The node itself is unreadable or malformed: nothing below it was walked. */
  static final byte BAD = 3;

  private final int[] idOf;
  private int size;
  private byte[] state = new byte[1024];
  private byte[] height = new byte[1024];
  private boolean[] underfull = new boolean[1024];
  private boolean[] complete = new boolean[1024];
  private boolean[] hasRange = new boolean[1024];
  private long[] minKey = new long[1024];
  private long[] maxKey = new long[1024];
  private long[] entries = new long[1024];
  private int[] nrEntries = new int[1024];
  private int[] maxEntries = new int[1024];

  CheckNodeTable(long nrBlocks) {
    this.idOf = new int[(int) nrBlocks];
  }

  /** The node's id, or -1 if it was never walked. */
  int idOf(long block) {
    return idOf[(int) block] - 1;
  }

  /** Starts walking {@code block}: a new id in state {@link #IN_PROGRESS}. */
  int start(long block) {
    if (size == state.length) {
      int n = size * 2;
      state = Arrays.copyOf(state, n);
      height = Arrays.copyOf(height, n);
      underfull = Arrays.copyOf(underfull, n);
      complete = Arrays.copyOf(complete, n);
      hasRange = Arrays.copyOf(hasRange, n);
      minKey = Arrays.copyOf(minKey, n);
      maxKey = Arrays.copyOf(maxKey, n);
      entries = Arrays.copyOf(entries, n);
      nrEntries = Arrays.copyOf(nrEntries, n);
      maxEntries = Arrays.copyOf(maxEntries, n);
    }
    int id = size++;
    idOf[(int) block] = id + 1;
    state[id] = IN_PROGRESS;
    return id;
  }

  void bad(int id) {
    state[id] = BAD;
  }

  /**
   * Finishes a node of height {@code h} (0 for a leaf, -1 if unknown because no child could be
   * walked); {@code full} says whether everything below it was walked without fatal damage (so
   * {@code nrBelow} is trustworthy); {@code range} whether {@code [min, max]} holds its keys.
   */
  void finish(
      int id,
      int h,
      boolean range,
      long min,
      long max,
      long nrBelow,
      int nr,
      int max_,
      boolean full) {
    state[id] = OK;
    height[id] = (byte) h;
    hasRange[id] = range;
    minKey[id] = min;
    maxKey[id] = max;
    entries[id] = nrBelow;
    nrEntries[id] = nr;
    maxEntries[id] = max_;
    underfull[id] = nr < max_ / 3;
    complete[id] = full;
  }

  byte state(int id) {
    return state[id];
  }

  int height(int id) {
    return height[id];
  }

  long minKey(int id) {
    return minKey[id];
  }

  long maxKey(int id) {
    return maxKey[id];
  }

  /** Values (mappings, devices, counts) in the subtree. */
  long entries(int id) {
    return entries[id];
  }

  int nrEntries(int id) {
    return nrEntries[id];
  }

  int maxEntries(int id) {
    return maxEntries[id];
  }

  boolean underfull(int id) {
    return underfull[id];
  }

  /** True if the subtree was walked entirely without fatal damage. */
  boolean complete(int id) {
    return state[id] == OK && complete[id];
  }

  /** True if {@link #minKey} and {@link #maxKey} bound the keys below the node. */
  boolean hasRange(int id) {
    return state[id] == OK && hasRange[id];
  }

  /** Marks the underfull problem of a node reported, so a shared node is reported once. */
  boolean firstUnderfullReport(int id) {
    if (!underfull[id]) {
      return false;
    }
    underfull[id] = false;
    return true;
  }
}
