package dev.thinly.pdata.block;

/**
 * Checks a metadata block when it is read from the device and stamps it (self-location, checksum)
 * when it is written back. One validator per block type; checksums are computed nowhere else.
 * Implementations are stateless and thread-safe.
 */
public interface BlockValidator {
  /** The block type, for messages: "btree node", "superblock", ... */
  String name();

  /** Makes {@code data} valid for location {@code blocknr}: sets the self-pointer and checksum. */
  void prepareForWrite(long blocknr, byte[] data);

  /**
   * Verifies a block read from location {@code blocknr}.
   *
   * @throws dev.thinly.pdata.error.CorruptMetadataException if the block is not a valid block of
   *     this type at this location
   */
  void check(long blocknr, byte[] data);
}
