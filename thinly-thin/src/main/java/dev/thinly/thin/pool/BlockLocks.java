package dev.thinly.thin.pool;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serializes writes, discards and zeroing of the same thin block (the kernel's "bio prison"): a
 * write looks the block up, may provision or copy it, and then updates the mapping; two of those
 * on one block must not interleave. Striped, so the table is fixed-size; two different blocks
 * share a stripe rarely (1 in {@value #STRIPES}) and then merely wait for each other. Reads take
 * no block lock (see {@link ReadEpochs}).
 *
 * <p>Several stripes are always taken in ascending stripe order, so two multi-block requests never
 * wait for each other in a cycle; a range longer than {@value #LOCK_ALL_ABOVE} blocks takes every
 * stripe.
 */
final class BlockLocks {
  static final int STRIPES = 8192;
  static final int LOCK_ALL_ABOVE = 1024;
  private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

  BlockLocks() {
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  private static int stripe(long thinId, long thinBlock) {
    long h = (thinId * 0x9E3779B97F4A7C15L) ^ (thinBlock * 0xC2B2AE3D27D4EB4FL);
    h ^= h >>> 29;
    return (int) (h & (STRIPES - 1));
  }

  /** Locks the stripes of blocks {@code [first, last]} of a device; returns what to unlock. */
  int[] lock(long thinId, long first, long last) {
    int[] held;
    if (last - first + 1 > LOCK_ALL_ABOVE) {
      held = new int[STRIPES];
      Arrays.setAll(held, i -> i);
    } else {
      held =
          java.util.stream.LongStream.rangeClosed(first, last)
              .mapToInt(b -> stripe(thinId, b))
              .sorted()
              .distinct()
              .toArray();
    }
    for (int s : held) {
      stripes[s].lock();
    }
    return held;
  }

  void unlock(int[] held) {
    for (int i = held.length - 1; i >= 0; i--) {
      stripes[held[i]].unlock();
    }
  }
}
