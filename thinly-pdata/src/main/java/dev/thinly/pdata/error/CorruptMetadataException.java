package dev.thinly.pdata.error;

/**
 * A metadata block failed validation: bad checksum, wrong self-location, impossible header, or a
 * structure that breaks the format's invariants.
 */
public final class CorruptMetadataException extends ThinlyException {
  private final long blocknr;
  private final String structure;
  private final String reason;

  public CorruptMetadataException(long blocknr, String structure, String reason) {
    super(structure + " at metadata block " + blocknr + " is corrupt: " + reason);
    this.blocknr = blocknr;
    this.structure = structure;
    this.reason = reason;
  }

  /** The metadata block that failed, or -1 when the problem is not tied to one block. */
  public long blocknr() {
    return blocknr;
  }

  /** What the block was read as, e.g. "btree node", "superblock". */
  public String structure() {
    return structure;
  }

  public String reason() {
    return reason;
  }
}
