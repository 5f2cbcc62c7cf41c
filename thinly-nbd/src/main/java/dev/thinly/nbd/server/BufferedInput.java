package dev.thinly.nbd.server;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Read-side buffering over a {@link Transport}, so that a request header costs no system call of
 * its own: one read fetches as much as the client has sent. Large payloads bypass the buffer and
 * are read straight into their destination. NOT thread-safe: owned by the connection's reader.
 */
final class BufferedInput {
  private final Transport transport;
  private final ByteBuffer buffer;

  BufferedInput(Transport transport, int capacityBytes) {
    this.transport = transport;
    this.buffer = ByteBuffer.allocateDirect(capacityBytes).flip();
  }

  /** Like {@link #readFully} but returns false on a clean end of stream before the first byte. */
  boolean readFullyOrEof(ByteBuffer dst) throws IOException {
    if (!buffer.hasRemaining() && dst.hasRemaining()) {
      buffer.clear();
      int n = transport.read(buffer);
      buffer.flip();
      if (n < 0) {
        return false;
      }
    }
    readFully(dst);
    return true;
  }

  /**
   * Fills {@code dst}.
   *
   * @throws EOFException if the stream ends first
   */
  void readFully(ByteBuffer dst) throws IOException {
    copyBuffered(dst);
    while (dst.hasRemaining()) {
      if (dst.remaining() >= buffer.capacity()) {
        if (transport.read(dst) < 0) {
          throw new EOFException("stream ended with " + dst.remaining() + " bytes missing");
        }
        continue;
      }
      buffer.clear();
      int n = transport.read(buffer);
      buffer.flip();
      if (n < 0) {
        throw new EOFException("stream ended with " + dst.remaining() + " bytes missing");
      }
      copyBuffered(dst);
    }
  }

  /** Reads and drops {@code lengthBytes} bytes. */
  void skip(long lengthBytes) throws IOException {
    long left = lengthBytes;
    while (left > 0) {
      if (!buffer.hasRemaining()) {
        buffer.clear();
        if (transport.read(buffer) < 0) {
          throw new EOFException("stream ended with " + left + " bytes to skip");
        }
        buffer.flip();
      }
      int n = (int) Math.min(left, buffer.remaining());
      buffer.position(buffer.position() + n);
      left -= n;
    }
  }

  /**
   * Hands over the bytes read ahead but not consumed (and forgets them): after STARTTLS they belong
   * to the TLS layer.
   */
  ByteBuffer takeBuffered() {
    ByteBuffer rest = ByteBuffer.allocate(buffer.remaining());
    rest.put(buffer).flip();
    return rest;
  }

  private void copyBuffered(ByteBuffer dst) {
    int n = Math.min(dst.remaining(), buffer.remaining());
    if (n > 0) {
      dst.put(dst.position(), buffer, buffer.position(), n);
      dst.position(dst.position() + n);
      buffer.position(buffer.position() + n);
    }
  }
}
