package dev.thinly.nbd.protocol;

/** The payload of one {@code NBD_REP_INFO} reply. */
public sealed interface InfoReply {

  /** {@code NBD_INFO_EXPORT}: what {@code NBD_OPT_EXPORT_NAME} would have answered. */
  record ExportInfo(long sizeBytes, int transmissionFlags) implements InfoReply {}

  /** {@code NBD_INFO_NAME}: the canonical export name. */
  record NameInfo(String name) implements InfoReply {}

  /** {@code NBD_INFO_DESCRIPTION}. */
  record DescriptionInfo(String description) implements InfoReply {}

  /**
   * {@code NBD_INFO_BLOCK_SIZE}; the values are unsigned 32-bit ({@code 0xffffffff} = no limit).
   */
  record BlockSizeInfo(long minimumBytes, long preferredBytes, long maximumBytes)
      implements InfoReply {}

  /** An item type this implementation does not know; clients must ignore it. */
  record UnknownInfo(int infoType) implements InfoReply {}
}
