package dev.thinly.pdata.block;

/**
 * A read-only view of one 4 KiB metadata block. Obtained from {@link BlockManager#read} (or the
 * transaction manager); valid until the caller's operation ends. All integers are little-endian.
 */
public interface ReadBlock {
  /** The block's location on the metadata device. */
  long blocknr();

  long getLong(int offset);

  int getInt(int offset);

  /** The u32 at {@code offset}, zero-extended. */
  long getU32(int offset);

  byte getByte(int offset);

  /** Copies {@code lengthBytes} bytes starting at {@code offset} into {@code dst}. */
  void copyTo(int offset, byte[] dst, int dstOffset, int lengthBytes);

  /** A copy of the whole block. */
  byte[] toByteArray();
}
