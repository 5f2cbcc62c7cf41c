package dev.thinly.thin.metadata;

import com.carrotsearch.hppc.LongHashSet;
import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.pdata.spacemap.disk.DiskSpaceMap;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * The data space map of the current transaction, and what the pool needs to know about the blocks
 * whose count went down in it: those that reached zero (their storage is released after the commit
 * that frees them, never before: the committed state still maps them) and those that lost a
 * reference but not the last (the committed state may reach them from another device, so they
 * must not be written in place until the next commit; see {@link WriteTargets}).
 *
 * <p>A new instance starts every reopen or abort: blocks freed by an aborted transaction were never
 * freed.
 */
final class DataSpace {
  private final DiskSpaceMap map;
  private final LongHashSet freed = new LongHashSet();
  private final LongHashSet decreased = new LongHashSet();

  DataSpace(DiskSpaceMap map) {
    this.map = map;
  }

  DiskSpaceMap map() {
    return map;
  }

  /** A block free now and at the last commit, with one reference; empty when the device is full. */
  OptionalLong allocate() {
    return map.allocate();
  }

  void inc(long dataBlock) {
    map.inc(dataBlock);
  }

  /** Drops one reference, remembering whether it was the last one. */
  void release(long dataBlock) {
    map.dec(dataBlock);
    if (map.count(dataBlock) == 0) {
      freed.add(dataBlock);
    } else {
      decreased.add(dataBlock);
    }
  }

  long count(long dataBlock) {
    return map.count(dataBlock);
  }

  /** True if the block lost a reference in this transaction and still has some. */
  boolean decreasedThisTransaction(long dataBlock) {
    return decreased.contains(dataBlock);
  }

  /** The commit is durable: the committed state now is the current one. */
  void committed() {
    decreased.clear();
  }

  /** The blocks freed since the last call, ascending (see {@link PoolMetadata#takeFreedDataBlocks}). */
  long[] takeFreed() {
    long[] out = freed.toArray();
    freed.clear();
    Arrays.sort(out);
    return out;
  }

  void checkBlock(long dataBlock) {
    if (dataBlock < 0 || dataBlock >= map.nrBlocks()) {
      throw new InvalidRequestException(
          "data block " + dataBlock + " is beyond the " + map.nrBlocks() + " blocks of the pool");
    }
  }

  /** Grows the map to {@code nrBlocks}; returns true if it changed. */
  boolean grow(long nrBlocks) {
    if (nrBlocks < map.nrBlocks()) {
      throw new MetadataStateException(
          MetadataStateException.Kind.SHRINK,
          "the data device cannot shrink (" + map.nrBlocks() + " blocks are in the pool)");
    }
    if (nrBlocks == map.nrBlocks()) {
      return false;
    }
    map.extend(nrBlocks);
    return true;
  }
}
