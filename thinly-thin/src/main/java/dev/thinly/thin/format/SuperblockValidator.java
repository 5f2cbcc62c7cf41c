package dev.thinly.thin.format;

import dev.thinly.pdata.block.SaltedValidator;
import dev.thinly.pdata.codec.BlockChecksum;
import dev.thinly.pdata.codec.LittleEndian;
import dev.thinly.pdata.error.CorruptMetadataException;

/**
 * Checks a superblock as the kernel does on open: salted checksum, own location, magic, and no
 * incompatible feature bits. thin_check 0.9.0 only checks the checksum, but a reader that accepts
 * a wrong magic would happily "open" a file that is not thin metadata at all.
 */
public final class SuperblockValidator extends SaltedValidator {
  public static final SuperblockValidator INSTANCE = new SuperblockValidator();

  private SuperblockValidator() {
    super("superblock", BlockChecksum.SUPERBLOCK_SALT);
  }

  @Override
  protected void checkContent(long blocknr, byte[] data) {
    long magic = LittleEndian.getLong(data, Superblock.MAGIC_OFFSET);
    if (magic != Superblock.MAGIC) {
      throw new CorruptMetadataException(
          blocknr, name(), "bad magic " + Long.toUnsignedString(magic) + ", wanted " + Superblock.MAGIC);
    }
    int incompat = LittleEndian.getInt(data, Superblock.INCOMPAT_FLAGS);
    if (incompat != 0) {
      throw new CorruptMetadataException(
          blocknr, name(), "unsupported incompatible feature flags 0x" + Integer.toHexString(incompat));
    }
  }
}
