package dev.thinly.nbd.protocol;

import java.nio.ByteBuffer;

/**
 * The 28-byte request header.
 *
 * <pre>
 *   0  u32 magic 0x25609513
 *   4  u16 command flags
 *   6  u16 type
 *   8  u64 cookie
 *  16  u64 offset
 *  24  u32 length
 * </pre>
 */
public final class RequestCodec {
  public static final int HEADER_BYTES = 28;

  private RequestCodec() {}

  /**
   * Reads a header from the next 28 bytes of {@code src}.
   *
   * @throws NbdProtocolException on a wrong magic number: the stream is out of step and every later
   *     byte is meaningless
   */
  public static RequestHeader decode(ByteBuffer src) {
    int magic = src.getInt();
    int flags = Short.toUnsignedInt(src.getShort());
    int type = Short.toUnsignedInt(src.getShort());
    long cookie = src.getLong();
    long offset = src.getLong();
    long length = Integer.toUnsignedLong(src.getInt());
    if (magic != NbdMagic.REQUEST) {
      throw new NbdProtocolException("request magic 0x" + Integer.toHexString(magic));
    }
    return new RequestHeader(flags, type, cookie, offset, length);
  }

  public static void encode(ByteBuffer dst, RequestHeader request) {
    dst.putInt(NbdMagic.REQUEST)
        .putShort((short) request.flags())
        .putShort((short) request.type())
        .putLong(request.cookie())
        .putLong(request.offsetBytes())
        .putInt((int) request.lengthBytes());
  }
}
