package dev.thinly.pdata.spacemap;

import java.util.OptionalLong;

/**
 * Reference counts for every block of a device, and allocation of free blocks.
 *
 * <p>The rule that makes copy-on-write crash-safe: <em>a space map never hands out a block that is
 * in use in the last committed transaction</em>, so a block freed in the current transaction is
 * not reused before that transaction commits, and everything the committed superblock references
 * stays intact on disk until the next commit.
 *
 * <p>Counts are unsigned 32-bit on disk; they are {@code long} here. Not thread-safe: the owner
 * serializes calls.
 */
public interface SpaceMap {
  /** Number of blocks managed. */
  long nrBlocks();

  /** Blocks with a non-zero count in the current transaction. */
  long nrAllocated();

  /** {@code nrBlocks() - nrAllocated()}. */
  default long nrFree() {
    return nrBlocks() - nrAllocated();
  }

  /** The current reference count of {@code block}. */
  long count(long block);

  /** Adds one reference. */
  void inc(long block);

  /** Drops one reference; at zero the block is free (but not reusable before the next commit). */
  void dec(long block);

  /**
   * Finds a block that is free in both the current and the last committed transaction, sets its
   * count to one and returns it; empty when there is none.
   */
  OptionalLong allocate();

  /** True if more than one reference exists. */
  default boolean isShared(long block) {
    return count(block) > 1;
  }
}
