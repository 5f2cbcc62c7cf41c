package dev.thinly.thin.metadata;

import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.btree.ValueType;
import dev.thinly.pdata.codec.LittleEndian;
import dev.thinly.thin.format.BlockTime;

/**
 * Values of the per-device mapping trees ({@link BlockTime}): each one holds a reference on its
 * data block in the data space map. A leaf copied because it was shared adds one reference per
 * value; a removed or overwritten value drops one, and a data block that reaches zero is reported
 * to the owner so its storage can be released after the commit.
 */
final class MappingValues implements ValueType {
  private final PoolMetadata owner;

  MappingValues(PoolMetadata owner) {
    this.owner = owner;
  }

  @Override
  public int sizeBytes() {
    return 8;
  }

  @Override
  public void inc(ReadBlock leaf, int offset) {
    owner.dataSpace().inc(BlockTime.dataBlock(leaf.getLong(offset)));
  }

  @Override
  public void dec(ReadBlock leaf, int offset) {
    owner.releaseDataBlock(BlockTime.dataBlock(leaf.getLong(offset)));
  }

  @Override
  public boolean sameReference(ReadBlock leaf, int offset, byte[] value) {
    return BlockTime.dataBlock(leaf.getLong(offset))
        == BlockTime.dataBlock(LittleEndian.getLong(value, 0));
  }
}
