package dev.thinly.pdata.block;

import dev.thinly.pdata.codec.LittleEndian;
import java.util.Arrays;

/**
 * A metadata block over a plain byte array: the field accessors every block shares. The block
 * manager's cached blocks are array blocks; tools and tests use bare ones to decode and build
 * blocks without a block manager (which is still the only way to a block on a device).
 */
public class ArrayBlock implements WriteBlock {
  final long blocknr;
  final byte[] data;

  public ArrayBlock(long blocknr, byte[] data) {
    this.blocknr = blocknr;
    this.data = data;
  }

  /** A zeroed 4 KiB block. */
  public ArrayBlock() {
    this(0, new byte[BlockManager.BLOCK_SIZE]);
  }

  public byte[] bytes() {
    return data;
  }

  @Override
  public long blocknr() {
    return blocknr;
  }

  @Override
  public long getLong(int offset) {
    return LittleEndian.getLong(data, offset);
  }

  @Override
  public int getInt(int offset) {
    return LittleEndian.getInt(data, offset);
  }

  @Override
  public long getU32(int offset) {
    return LittleEndian.getU32(data, offset);
  }

  @Override
  public byte getByte(int offset) {
    return data[offset];
  }

  @Override
  public void copyTo(int offset, byte[] dst, int dstOffset, int lengthBytes) {
    System.arraycopy(data, offset, dst, dstOffset, lengthBytes);
  }

  @Override
  public byte[] toByteArray() {
    return data.clone();
  }

  @Override
  public void putLong(int offset, long value) {
    LittleEndian.putLong(data, offset, value);
  }

  @Override
  public void putInt(int offset, int value) {
    LittleEndian.putInt(data, offset, value);
  }

  @Override
  public void putByte(int offset, byte value) {
    data[offset] = value;
  }

  @Override
  public void copyFrom(int offset, ReadBlock src, int srcOffset, int lengthBytes) {
    src.copyTo(srcOffset, data, offset, lengthBytes);
  }

  @Override
  public void copyFrom(int offset, byte[] src, int srcOffset, int lengthBytes) {
    System.arraycopy(src, srcOffset, data, offset, lengthBytes);
  }

  @Override
  public void move(int fromOffset, int toOffset, int lengthBytes) {
    System.arraycopy(data, fromOffset, data, toOffset, lengthBytes);
  }

  @Override
  public void zero(int offset, int lengthBytes) {
    Arrays.fill(data, offset, offset + lengthBytes, (byte) 0);
  }
}
