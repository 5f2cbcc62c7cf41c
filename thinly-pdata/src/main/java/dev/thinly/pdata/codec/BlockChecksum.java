package dev.thinly.pdata.codec;

import java.util.zip.CRC32C;

/**
 * The dm-thin block checksum: CRC-32C over bytes {@code [4, blockSize)} seeded with ~0 and
 * <em>without</em> the final inversion, XOR a per-block-type salt; stored as a u32 at offset 0. In
 * terms of the standard CRC-32C that {@link CRC32C} computes: {@code stored = crc ^ 0xFFFFFFFF ^
 * salt}. The salt makes block types self-identifying: {@code stored ^ crc ^ 0xFFFFFFFF} yields it.
 */
public final class BlockChecksum {
  /** Salt of the thin superblock. */
  public static final int SUPERBLOCK_SALT = 160774;
  /** Salt of every btree node. */
  public static final int BTREE_NODE_SALT = 121107;
  /** Salt of a space-map bitmap block. */
  public static final int BITMAP_SALT = 240779;
  /** Salt of the metadata space map's index block. */
  public static final int INDEX_SALT = 160478;

  private BlockChecksum() {}

  /** The value that belongs at offset 0 of {@code block} for a block type with {@code salt}. */
  public static int compute(byte[] block, int salt) {
    CRC32C crc = new CRC32C();
    crc.update(block, 4, block.length - 4);
    return (int) crc.getValue() ^ 0xFFFFFFFF ^ salt;
  }

  /** Stamps the checksum into bytes 0..3. */
  public static void seal(byte[] block, int salt) {
    LittleEndian.putInt(block, 0, compute(block, salt));
  }

  /** The checksum stored in bytes 0..3. */
  public static int stored(byte[] block) {
    return LittleEndian.getInt(block, 0);
  }

  /** The salt that makes the stored checksum valid; tells which type a block was written as. */
  public static int saltOf(byte[] block) {
    return stored(block) ^ compute(block, 0);
  }
}
