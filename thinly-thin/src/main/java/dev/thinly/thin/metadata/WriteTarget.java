package dev.thinly.thin.metadata;

import dev.thinly.thin.format.BlockTime;

/**
 * Where a write lands: the block's current mapping (packed {@link BlockTime}, or {@link
 * PoolMetadata#NO_MAPPING}) and whether its data block may be written in place.
 */
public record WriteTarget(long blockTime, boolean exclusive) {
  public static final WriteTarget UNMAPPED = new WriteTarget(PoolMetadata.NO_MAPPING, false);

  public boolean mapped() {
    return blockTime != PoolMetadata.NO_MAPPING;
  }

  public long dataBlock() {
    return BlockTime.dataBlock(blockTime);
  }
}
