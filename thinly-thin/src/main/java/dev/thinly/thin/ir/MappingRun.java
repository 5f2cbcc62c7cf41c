package dev.thinly.thin.ir;

/**
 * Consecutive thin blocks mapped to consecutive data blocks with one time: {@code thinBegin + i ->
 * dataBegin + i} for {@code i < lenBlocks}. A run of one block is a {@code <single_mapping>}, a
 * longer one a {@code <range_mapping>}.
 */
public record MappingRun(long thinBegin, long dataBegin, long lenBlocks, long time) {
  public MappingRun {
    if (lenBlocks < 1) {
      throw new IllegalArgumentException("a mapping run has at least one block, not " + lenBlocks);
    }
  }

  public static MappingRun single(long thinBlock, long dataBlock, long time) {
    return new MappingRun(thinBlock, dataBlock, 1, time);
  }

  public boolean isSingle() {
    return lenBlocks == 1;
  }

  /** One past the last thin block (may wrap to 0 for a run ending at 2^64-1). */
  public long thinEnd() {
    return thinBegin + lenBlocks;
  }

  /** One past the last data block. */
  public long dataEnd() {
    return dataBegin + lenBlocks;
  }
}
