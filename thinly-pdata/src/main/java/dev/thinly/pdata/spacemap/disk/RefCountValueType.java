package dev.thinly.pdata.spacemap.disk;

import dev.thinly.pdata.btree.ValueType;

/** Values of the ref-count trees: a u32 count, referencing nothing. */
final class RefCountValueType {
  static final ValueType INSTANCE = ValueType.plain(4);
  static final ValueType INDEX_ENTRY = ValueType.plain(IndexEntry.SIZE);

  private RefCountValueType() {}

  static byte[] encode(long count) {
    return new byte[] {(byte) count, (byte) (count >>> 8), (byte) (count >>> 16), (byte) (count >>> 24)};
  }
}
