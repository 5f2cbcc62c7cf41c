package dev.thinly.pdata.block;

/**
 * A writable metadata block. Only the transaction manager hands these out (see {@code
 * pdata.tx.TransactionManager}); a write block is always a block of the current transaction, never
 * one that the last committed superblock references.
 */
public interface WriteBlock extends ReadBlock {
  void putLong(int offset, long value);

  void putInt(int offset, int value);

  void putByte(int offset, byte value);

  /** Copies {@code lengthBytes} bytes of {@code src} at {@code srcOffset} to {@code offset}. */
  void copyFrom(int offset, ReadBlock src, int srcOffset, int lengthBytes);

  /** Copies bytes of {@code src} into this block at {@code offset}. */
  void copyFrom(int offset, byte[] src, int srcOffset, int lengthBytes);

  /** Moves bytes within the block (overlapping ranges allowed). */
  void move(int fromOffset, int toOffset, int lengthBytes);

  /** Sets {@code lengthBytes} bytes at {@code offset} to zero. */
  void zero(int offset, int lengthBytes);
}
