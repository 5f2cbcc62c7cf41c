package dev.thinly.cli.image;

import java.nio.ByteBuffer;

/** Finding all-zero blocks fast: {@link ByteBuffer#mismatch} compares with vector instructions. */
final class Zeros {
  private static final int PIECE_BYTES = 1 << 20;
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(PIECE_BYTES).asReadOnlyBuffer();

  private Zeros() {}

  /** True if {@code buf[offset, offset + length)} holds only zeros. */
  static boolean isZero(ByteBuffer buf, int offset, int length) {
    for (int done = 0; done < length; done += PIECE_BYTES) {
      int n = Math.min(PIECE_BYTES, length - done);
      if (buf.slice(offset + done, n).mismatch(ZEROS.slice(0, n)) >= 0) {
        return false;
      }
    }
    return true;
  }

  /** A read-only buffer of {@code min(length, 1 MiB)} zeros, for writing zeros in pieces. */
  static ByteBuffer piece(long length) {
    return ZEROS.slice(0, (int) Math.min(PIECE_BYTES, length));
  }
}
