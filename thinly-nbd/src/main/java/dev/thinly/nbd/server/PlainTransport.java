package dev.thinly.nbd.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.ReentrantLock;

/** A blocking socket channel without TLS. */
final class PlainTransport implements Transport {
  private final SocketChannel channel;
  private final ReentrantLock writeLock = new ReentrantLock();

  PlainTransport(SocketChannel channel) {
    this.channel = channel;
  }

  SocketChannel channel() {
    return channel;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return channel.read(dst);
  }

  @Override
  public void write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    writeLock.lock();
    try {
      writeFully(channel, srcs, offset, length);
    } finally {
      writeLock.unlock();
    }
  }

  static void writeFully(SocketChannel channel, ByteBuffer[] srcs, int offset, int length)
      throws IOException {
    int first = offset;
    int end = offset + length;
    while (first < end) {
      channel.write(srcs, first, end - first);
      while (first < end && !srcs[first].hasRemaining()) {
        first++;
      }
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // closing a socket can only fail if it is already broken; nothing left to do
    }
  }

  @Override
  public boolean secure() {
    return false;
  }
}
