package dev.thinly.thin.format;

/**
 * A mapping value: the data block and the 24-bit pool time at which the mapping was made, packed
 * into a u64 as {@code data_block << 24 | time}. The data block has 40 bits.
 *
 * <p>Hot paths use the packed {@code long} and the static helpers; the record is for boundaries.
 */
public record BlockTime(long dataBlock, long time) {
  public static final int TIME_BITS = 24;
  public static final long TIME_MASK = (1L << TIME_BITS) - 1;
  /** Data block numbers are 40 bits. */
  public static final long MAX_DATA_BLOCKS = 1L << 40;

  public static long pack(long dataBlock, long time) {
    return dataBlock << TIME_BITS | (time & TIME_MASK);
  }

  public static long dataBlock(long packed) {
    return packed >>> TIME_BITS;
  }

  public static long time(long packed) {
    return packed & TIME_MASK;
  }

  public static BlockTime unpack(long packed) {
    return new BlockTime(dataBlock(packed), time(packed));
  }

  public long packed() {
    return pack(dataBlock, time);
  }
}
