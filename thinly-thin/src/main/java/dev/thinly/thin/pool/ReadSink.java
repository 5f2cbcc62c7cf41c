package dev.thinly.thin.pool;

import java.nio.ByteBuffer;

/**
 * Receives the result of a read in ascending order of offset: data, or holes (ranges no block is
 * provisioned for, which read as zeros) so a server can send them without the zeros.
 */
public interface ReadSink {
  /**
   * The bytes at {@code offsetBytes}; the sink fills {@code remaining()} bytes of the buffer it
   * returns. Called with the length it must return room for.
   */
  ByteBuffer dataBuffer(long offsetBytes, int lengthBytes);

  /** The buffer returned by the last {@link #dataBuffer} call is now filled. */
  void dataDone(long offsetBytes, int lengthBytes);

  /** {@code lengthBytes} at {@code offsetBytes} are unprovisioned and read as zeros. */
  void hole(long offsetBytes, long lengthBytes);
}
