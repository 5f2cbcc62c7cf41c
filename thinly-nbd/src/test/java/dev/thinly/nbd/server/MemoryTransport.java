package dev.thinly.nbd.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A transport over byte arrays: reads come from a fixed input (then end of stream), writes are
 * collected. For handshake, fuzz and reply tests without sockets.
 */
final class MemoryTransport implements Transport {
  private final ByteBuffer input;
  private final ReentrantLock lock = new ReentrantLock();
  private ByteBuffer output = ByteBuffer.allocate(1024);
  private int writes;
  private IOException failWrites;
  private boolean closed;

  MemoryTransport(byte[] input) {
    this.input = ByteBuffer.wrap(input);
  }

  @Override
  public int read(ByteBuffer dst) {
    if (!input.hasRemaining()) {
      return -1;
    }
    // short reads on purpose: at most 7 bytes at a time exercises every reassembly path
    int n = Math.min(Math.min(dst.remaining(), input.remaining()), 7);
    dst.put(input.slice(input.position(), n));
    input.position(input.position() + n);
    return n;
  }

  @Override
  public void write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    lock.lock();
    try {
      if (failWrites != null) {
        throw failWrites;
      }
      writes++;
      for (int i = offset; i < offset + length; i++) {
        ByteBuffer src = srcs[i];
        if (output.remaining() < src.remaining()) {
          ByteBuffer bigger = ByteBuffer.allocate((output.capacity() + src.remaining()) * 2);
          bigger.put(output.flip());
          output = bigger;
        }
        output.put(src);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Everything written so far, as a fresh buffer in read mode. */
  ByteBuffer written() {
    lock.lock();
    try {
      return ByteBuffer.wrap(java.util.Arrays.copyOf(output.array(), output.position()));
    } finally {
      lock.unlock();
    }
  }

  int writeCalls() {
    return writes;
  }

  void failWritesWith(IOException e) {
    failWrites = e;
  }

  boolean closed() {
    return closed;
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public boolean secure() {
    return false;
  }
}
