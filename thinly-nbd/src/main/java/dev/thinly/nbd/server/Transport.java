package dev.thinly.nbd.server;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A byte stream to one client: plain socket or TLS over it. One thread reads; any number of threads
 * may write, each write being atomic with respect to the others.
 */
interface Transport {

  /** Reads at least one byte, blocking; -1 at end of stream. */
  int read(ByteBuffer dst) throws IOException;

  /** Writes all remaining bytes of {@code srcs[offset .. offset + length)}. */
  void write(ByteBuffer[] srcs, int offset, int length) throws IOException;

  default void write(ByteBuffer src) throws IOException {
    write(new ByteBuffer[] {src}, 0, 1);
  }

  /** Closes politely (TLS close_notify when the stream allows it). Never throws. */
  void close();

  /** True once TLS protects the stream. */
  boolean secure();
}
