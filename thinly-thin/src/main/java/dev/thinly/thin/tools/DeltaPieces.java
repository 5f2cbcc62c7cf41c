package dev.thinly.thin.tools;

import java.util.Arrays;

/**
 * The difference between two devices in key order, as the walk finds it: pieces (runs of blocks of
 * one kind whose virtual and data blocks are consecutive) and shared subtrees whose mappings are
 * known to be the same on both sides but were not read. Kept compactly in parallel arrays until the
 * output can be written (whether a shared subtree may be printed without reading it is only known
 * once the whole walk is done).
 */
final class DeltaPieces {
  static final byte LEFT_ONLY = 0;
  static final byte RIGHT_ONLY = 1;
  static final byte DIFFERENT = 2;
  static final byte SAME = 3;

  /** Not a kind: an unread shared subtree (begin = low key, length = key range width). */
  static final byte SHARED = 4;

  /** Receives pieces and shared subtrees in key order. */
  interface Sink {
    void piece(byte kind, long begin, long length, long leftData, long rightData);

    void shared(long block, long lowKey, long highKey);
  }

  private int size;
  private byte[] kind = new byte[64];
  private long[] begin = new long[64];
  private long[] length = new long[64];
  private long[] left = new long[64];
  private long[] right = new long[64];
  private final Merger current = new Merger(true, this::add);
  private long sharedWidth;

  /** One block of a kind (data blocks of the sides that map it, else ignored). */
  void block(byte k, long thinBlock, long leftData, long rightData) {
    current.add(k, thinBlock, 1, leftData, rightData);
  }

  /** A shared subtree covering exactly the keys in {@code [lowKey, highKey)} that it maps. */
  void shared(long block, long lowKey, long highKey) {
    current.flush();
    add(SHARED, lowKey, highKey - lowKey, block, 0);
    sharedWidth += highKey - lowKey;
  }

  /** Sum of the key range widths of the shared subtrees. */
  long sharedWidth() {
    return sharedWidth;
  }

  boolean anyShared() {
    return sharedWidth > 0;
  }

  void finish() {
    current.flush();
  }

  /** Replays everything, in order. */
  void replay(Sink sink) {
    for (int i = 0; i < size; i++) {
      if (kind[i] == SHARED) {
        sink.shared(left[i], begin[i], begin[i] + length[i]);
      } else {
        sink.piece(kind[i], begin[i], length[i], left[i], right[i]);
      }
    }
  }

  private void add(byte k, long b, long len, long l, long r) {
    if (size == kind.length) {
      int n = size * 2;
      kind = Arrays.copyOf(kind, n);
      begin = Arrays.copyOf(begin, n);
      length = Arrays.copyOf(length, n);
      left = Arrays.copyOf(left, n);
      right = Arrays.copyOf(right, n);
    }
    kind[size] = k;
    begin[size] = b;
    length[size] = len;
    left[size] = l;
    right[size] = r;
    size++;
  }

  /** Receives finished ranges. */
  @FunctionalInterface
  interface RangeSink {
    void range(byte kind, long begin, long length, long leftData, long rightData);
  }

  /**
   * Joins adjacent ranges the way thin_delta 0.9.0 does: a range continues while the kind stays the
   * same and the virtual blocks are consecutive and, when data is tracked (verbose output), so are
   * the data blocks of each side the kind involves. Without data tracking this is 0.9.0's simple
   * emitter; with it, 0.9.0's split of both sides' runs.
   */
  static final class Merger {
    private final boolean trackData;
    private final RangeSink sink;
    private boolean open;
    private byte kind;
    private long begin;
    private long length;
    private long left;
    private long right;

    Merger(boolean trackData, RangeSink sink) {
      this.trackData = trackData;
      this.sink = sink;
    }

    void add(byte k, long b, long len, long l, long r) {
      if (open && k == kind && b == begin + length && (!trackData || continuesData(k, l, r))) {
        length += len;
        return;
      }
      flush();
      open = true;
      kind = k;
      begin = b;
      length = len;
      left = l;
      right = r;
    }

    private boolean continuesData(byte k, long l, long r) {
      boolean leftOk = k == RIGHT_ONLY || l == left + length;
      boolean rightOk = k == LEFT_ONLY || k == SAME || r == right + length;
      return leftOk && rightOk;
    }

    void flush() {
      if (open) {
        sink.range(kind, begin, length, left, right);
        open = false;
      }
    }
  }
}
