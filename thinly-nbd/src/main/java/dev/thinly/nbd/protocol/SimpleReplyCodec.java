package dev.thinly.nbd.protocol;

import java.nio.ByteBuffer;

/**
 * The simple reply header, the only reply form of clients that did not negotiate structured replies
 * (the Linux kernel among them).
 *
 * <pre>
 *   0  u32 magic 0x67446698
 *   4  u32 error
 *   8  u64 cookie
 * </pre>
 */
public final class SimpleReplyCodec {
  public static final int HEADER_BYTES = 16;

  private SimpleReplyCodec() {}

  public static void encode(ByteBuffer dst, int error, long cookie) {
    dst.putInt(NbdMagic.SIMPLE_REPLY).putInt(error).putLong(cookie);
  }

  /** A flipped 16-byte buffer holding the header. */
  public static ByteBuffer encode(int error, long cookie) {
    ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES);
    encode(out, error, cookie);
    return out.flip();
  }

  /**
   * Reads a header whose magic the caller has already consumed and checked (clients must peek at
   * the magic to tell simple from structured replies).
   */
  public static SimpleReply decodeAfterMagic(ByteBuffer src) {
    return new SimpleReply(src.getInt(), src.getLong());
  }
}
