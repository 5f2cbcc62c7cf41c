package dev.thinly.nbd.export;

import java.nio.ByteBuffer;

/**
 * Receives the result of {@link Export#read}, in order: a sequence of data and zero ranges that
 * together cover the requested range exactly, each starting where the previous one ended. The
 * server turns zero ranges into hole chunks when the client negotiated structured replies (so a
 * thin volume's unprovisioned blocks cost nothing on the wire) and into zero bytes otherwise.
 *
 * <p>Not thread-safe: one read, one thread. The server checks the coverage and fails the request
 * with EIO if an export breaks it.
 */
public interface ReadSink {

  /**
   * Returns a buffer with exactly {@code lengthBytes} remaining, to be filled completely with the
   * data at {@code offsetBytes} before the next call on this sink (or before {@code read} returns).
   * Lets an export read straight into the reply, without a copy.
   */
  ByteBuffer dataBuffer(long offsetBytes, int lengthBytes);

  /** Copies the remaining bytes of {@code src}, the data at {@code offsetBytes}. */
  default void data(long offsetBytes, ByteBuffer src) {
    dataBuffer(offsetBytes, src.remaining()).put(src);
  }

  /** Declares that {@code lengthBytes} bytes at {@code offsetBytes} read as zeroes. */
  void zeroes(long offsetBytes, long lengthBytes);
}
