package dev.thinly.nbd.export;

import dev.thinly.pdata.error.ThinlyException;

/**
 * Thrown by {@link Export#writeZeroes} with {@code fastZero} when zeroing the range would not be
 * faster than writing zeroes; the export must throw it before changing anything. Clients then fall
 * back to writing (NBD ENOTSUP).
 */
public final class FastZeroUnsupportedException extends ThinlyException {
  private final long offsetBytes;
  private final long lengthBytes;

  public FastZeroUnsupportedException(String export, long offsetBytes, long lengthBytes) {
    super("zeroing " + lengthBytes + " bytes at " + offsetBytes + " of " + export + " is not fast");
    this.offsetBytes = offsetBytes;
    this.lengthBytes = lengthBytes;
  }

  public long offsetBytes() {
    return offsetBytes;
  }

  public long lengthBytes() {
    return lengthBytes;
  }
}
