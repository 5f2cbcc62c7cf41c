package dev.thinly.nbd.export;

/**
 * Block size constraints of an export, as the spec defines them: requests must be aligned to the
 * minimum, should use multiples of the preferred size, and must not carry more than the maximum.
 *
 * @param minimumBytes a power of two from 1 to 64 KiB; the server rejects unaligned requests with
 *     EINVAL when this is greater than 1
 * @param preferredBytes a power of two, at least {@code max(minimumBytes, 512)}; e.g. the thin
 *     chunk size
 * @param maximumBytes the largest payload of one request: a multiple of {@code minimumBytes} at
 *     least as large as {@code preferredBytes}, or {@link #NO_LIMIT}; the server caps it at its own
 *     payload limit (32 MiB)
 */
public record BlockSizes(int minimumBytes, int preferredBytes, long maximumBytes) {
  /** "No inherent limit" on the wire. */
  public static final long NO_LIMIT = 0xffff_ffffL;

  /** What the spec says a server should support when it advertises nothing. */
  public static final BlockSizes DEFAULT = new BlockSizes(1, 4096, NO_LIMIT);

  public BlockSizes {
    if (minimumBytes < 1 || minimumBytes > 65536 || Integer.bitCount(minimumBytes) != 1) {
      throw new IllegalArgumentException(
          "minimum block size must be a power of two up to 65536: " + minimumBytes);
    }
    if (Integer.bitCount(preferredBytes) != 1 || preferredBytes < Math.max(minimumBytes, 512)) {
      throw new IllegalArgumentException(
          "preferred block size must be a power of two of at least max(minimum, 512): "
              + preferredBytes);
    }
    if (maximumBytes != NO_LIMIT
        && (maximumBytes < preferredBytes
            || maximumBytes > NO_LIMIT
            || maximumBytes % minimumBytes != 0)) {
      throw new IllegalArgumentException(
          "maximum block size must be a multiple of the minimum, at least the preferred size: "
              + maximumBytes);
    }
  }
}
