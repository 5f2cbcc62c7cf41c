package dev.thinly.nbd.protocol;

/**
 * The 16-byte header of a client option: {@code IHAVEOPT}, the 32-bit option number, the 32-bit
 * length of the data that follows.
 *
 * @param option the raw option number (possibly unknown, see {@link OptionType#of})
 * @param lengthBytes the unsigned data length
 */
public record OptionHeader(int option, long lengthBytes) {
  public OptionHeader {
    if (lengthBytes < 0 || lengthBytes > 0xffff_ffffL) {
      throw new IllegalArgumentException("option length out of range: " + lengthBytes);
    }
  }
}
