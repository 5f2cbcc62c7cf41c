package dev.thinly.pdata.testkit;

import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.btree.ValueType;
import dev.thinly.pdata.codec.LittleEndian;
import dev.thinly.pdata.spacemap.SpaceMap;
import java.util.function.Supplier;

/**
 * 8-byte values that are data block numbers holding a reference in a data space map, like the
 * kernel's mapping values: a copied shared leaf adds one reference per value, a removed or
 * overwritten value drops one (spec 7.3). The space map is looked up on every call, so the value
 * type survives an abort that reopens it.
 */
public final class DataBlockValues implements ValueType {
  private final Supplier<? extends SpaceMap> dataSpaceMap;

  public DataBlockValues(Supplier<? extends SpaceMap> dataSpaceMap) {
    this.dataSpaceMap = dataSpaceMap;
  }

  @Override
  public int sizeBytes() {
    return 8;
  }

  @Override
  public void inc(ReadBlock leaf, int offset) {
    dataSpaceMap.get().inc(leaf.getLong(offset));
  }

  @Override
  public void dec(ReadBlock leaf, int offset) {
    dataSpaceMap.get().dec(leaf.getLong(offset));
  }

  @Override
  public boolean sameReference(ReadBlock leaf, int offset, byte[] value) {
    return leaf.getLong(offset) == LittleEndian.getLong(value, 0);
  }
}
