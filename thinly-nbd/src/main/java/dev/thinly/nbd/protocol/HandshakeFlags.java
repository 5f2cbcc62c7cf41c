package dev.thinly.nbd.protocol;

/**
 * The 16-bit handshake flags the server sends after the greeting, and the 32-bit client flags the
 * client answers with. The server must drop a client that sets any client flag it does not know.
 */
public final class HandshakeFlags {
  /** Server: speaks fixed newstyle (option replies, unknown options answered with an error). */
  public static final int FIXED_NEWSTYLE = 1;

  /** Server: will omit the 124 zero bytes after {@code NBD_OPT_EXPORT_NAME} if asked to. */
  public static final int NO_ZEROES = 1 << 1;

  /** Client: speaks fixed newstyle. */
  public static final int C_FIXED_NEWSTYLE = 1;

  /** Client: omit the 124 zero bytes after {@code NBD_OPT_EXPORT_NAME}. */
  public static final int C_NO_ZEROES = 1 << 1;

  /** Every client flag this implementation understands. */
  public static final int KNOWN_CLIENT_FLAGS = C_FIXED_NEWSTYLE | C_NO_ZEROES;

  private HandshakeFlags() {}
}
