package dev.thinly.pdata.block;

import dev.thinly.pdata.codec.BlockChecksum;
import dev.thinly.pdata.codec.LittleEndian;
import dev.thinly.pdata.error.CorruptMetadataException;

/**
 * The validation every dm-thin metadata block type shares: the salted CRC-32C at offset 0 and the
 * block's own location at offset 8. Subclasses add type-specific header checks in {@link
 * #checkContent}.
 */
public class SaltedValidator implements BlockValidator {
  /** Offset of the u64 self-location field. */
  public static final int BLOCKNR_OFFSET = 8;

  private final String name;
  private final int salt;

  public SaltedValidator(String name, int salt) {
    this.name = name;
    this.salt = salt;
  }

  @Override
  public final String name() {
    return name;
  }

  public final int salt() {
    return salt;
  }

  @Override
  public void prepareForWrite(long blocknr, byte[] data) {
    LittleEndian.putLong(data, BLOCKNR_OFFSET, blocknr);
    BlockChecksum.seal(data, salt);
  }

  @Override
  public final void check(long blocknr, byte[] data) {
    int wanted = BlockChecksum.compute(data, salt);
    if (BlockChecksum.stored(data) != wanted) {
      throw new CorruptMetadataException(
          blocknr, name, "bad checksum, wanted " + Integer.toUnsignedString(wanted));
    }
    long self = LittleEndian.getLong(data, BLOCKNR_OFFSET);
    if (self != blocknr) {
      throw new CorruptMetadataException(
          blocknr, name, "bad block nr: the block says it is block " + Long.toUnsignedString(self));
    }
    checkContent(blocknr, data);
  }

  /** Type-specific checks after the checksum and location passed. */
  protected void checkContent(long blocknr, byte[] data) {}
}
