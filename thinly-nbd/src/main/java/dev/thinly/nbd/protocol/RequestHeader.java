package dev.thinly.nbd.protocol;

/**
 * A transmission request as framed on the wire (a {@code WRITE}'s payload follows it separately).
 * No field is checked for meaning here: unknown types and flags, and ranges past the export, are
 * the server's to reject.
 *
 * @param flags the 16-bit command flags (see {@link CommandFlag})
 * @param type the 16-bit command type (see {@link Command#of})
 * @param cookie opaque 64-bit value the reply must echo (called "handle" in older specs)
 * @param offsetBytes the unsigned 64-bit offset, as raw bits (negative means ≥ 2^63)
 * @param lengthBytes the unsigned 32-bit length
 */
public record RequestHeader(int flags, int type, long cookie, long offsetBytes, long lengthBytes) {
  public RequestHeader {
    if ((flags & ~0xffff) != 0 || (type & ~0xffff) != 0) {
      throw new IllegalArgumentException("flags and type are 16-bit: " + flags + ", " + type);
    }
    if (lengthBytes < 0 || lengthBytes > 0xffff_ffffL) {
      throw new IllegalArgumentException("length is unsigned 32-bit: " + lengthBytes);
    }
  }

  /** A request for a known command. */
  public static RequestHeader of(
      Command command, int flags, long cookie, long offsetBytes, long lengthBytes) {
    return new RequestHeader(flags, command.code(), cookie, offsetBytes, lengthBytes);
  }

  public boolean hasFlag(CommandFlag flag) {
    return flag.isSet(flags);
  }
}
