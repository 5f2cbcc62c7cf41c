package dev.thinly.pdata.block;

/**
 * A block in the cache. Its bytes are the current content; the checksum and self-location fields
 * are only made valid when the block is written back.
 */
final class CachedBlock extends ArrayBlock {
  BlockValidator validator;
  /** Modified since it was last written; owned by the writer (see {@link BlockManager}). */
  boolean dirty;
  /** Second-chance bit for eviction; set on every hit. */
  volatile boolean referenced;

  CachedBlock(long blocknr, byte[] data, BlockValidator validator) {
    super(blocknr, data);
    this.validator = validator;
  }

  @Override
  public String toString() {
    return validator.name() + "@" + blocknr + (dirty ? "*" : "");
  }
}
