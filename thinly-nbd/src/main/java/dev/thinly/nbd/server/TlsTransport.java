package dev.thinly.nbd.server;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * TLS over a blocking socket channel, driven through an {@link SSLEngine} (an {@code SSLSocket}
 * cannot be layered on a unix domain socket, and NBD upgrades a stream that is already open).
 *
 * <p>The reader thread unwraps; writers wrap under {@code writeLock}, which the reader also takes
 * when TLS 1.3 post-handshake messages (key updates) need an answer. {@code SSLEngine} allows wrap
 * and unwrap to run concurrently.
 */
final class TlsTransport implements Transport {
  private static final ByteBuffer[] NOTHING = {ByteBuffer.allocate(0)};

  /** Records wrapped per system call on the write path: fewer, larger writes. */
  private static final int RECORDS_PER_WRITE = 4;

  private final SocketChannel channel;
  private final SSLEngine engine;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final int packetBytes;

  /** Ciphertext received but not yet unwrapped, in write mode. Reader only. */
  private ByteBuffer netIn;

  /** Plaintext unwrapped but not yet consumed, in read mode. Reader only. */
  private ByteBuffer appIn;

  /** Ciphertext to send. Guarded by writeLock. */
  private ByteBuffer netOut;

  private boolean inboundDone;

  /**
   * @param prefetched bytes already read from the channel that belong to the TLS stream
   */
  TlsTransport(SocketChannel channel, SSLEngine engine, ByteBuffer prefetched) {
    this.channel = channel;
    this.engine = engine;
    this.packetBytes = engine.getSession().getPacketBufferSize();
    this.netIn = ByteBuffer.allocateDirect(Math.max(packetBytes, prefetched.remaining()));
    this.netIn.put(prefetched);
    this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
    this.netOut = ByteBuffer.allocateDirect(packetBytes * RECORDS_PER_WRITE);
  }

  /** Runs the TLS handshake to completion. */
  void handshake() throws IOException {
    engine.beginHandshake();
    while (true) {
      HandshakeStatus status = engine.getHandshakeStatus();
      switch (status) {
        case NEED_WRAP -> {
          writeLock.lock();
          try {
            wrapAndSend(NOTHING, 0, 1);
          } finally {
            writeLock.unlock();
          }
        }
        case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
          if (!unwrapOnce()) {
            throw new EOFException("client closed the connection during the TLS handshake");
          }
        }
        case NEED_TASK -> runDelegatedTasks();
        case FINISHED, NOT_HANDSHAKING -> {
          return;
        }
      }
    }
  }

  SSLEngine engine() {
    return engine;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    while (!appIn.hasRemaining()) {
      if (inboundDone || !unwrapOnce()) {
        return -1;
      }
      answerPostHandshake();
    }
    int n = Math.min(dst.remaining(), appIn.remaining());
    dst.put(dst.position(), appIn, appIn.position(), n);
    dst.position(dst.position() + n);
    appIn.position(appIn.position() + n);
    return n;
  }

  /**
   * Unwraps one record into {@code appIn}, reading from the channel as needed. False at the end of
   * the stream (close_notify or a closed socket).
   */
  private boolean unwrapOnce() throws IOException {
    while (true) {
      netIn.flip();
      appIn.compact();
      SSLEngineResult result;
      try {
        result = engine.unwrap(netIn, appIn);
      } finally {
        netIn.compact();
        appIn.flip();
      }
      switch (result.getStatus()) {
        case OK -> {
          return true;
        }
        case CLOSED -> {
          inboundDone = true;
          return false;
        }
        case BUFFER_OVERFLOW -> {
          ByteBuffer bigger =
              ByteBuffer.allocate(
                  appIn.remaining() + engine.getSession().getApplicationBufferSize());
          bigger.put(appIn).flip();
          appIn = bigger;
        }
        case BUFFER_UNDERFLOW -> {
          if (!netIn.hasRemaining()) {
            ByteBuffer bigger = ByteBuffer.allocateDirect(netIn.capacity() + packetBytes);
            bigger.put(netIn.flip());
            netIn = bigger;
          }
          if (channel.read(netIn) < 0) {
            inboundDone = true;
            return false;
          }
        }
      }
    }
  }

  /** TLS 1.3 key updates and the like arrive after the handshake and may need an answer. */
  private void answerPostHandshake() throws IOException {
    HandshakeStatus status = engine.getHandshakeStatus();
    if (status == HandshakeStatus.NEED_TASK) {
      runDelegatedTasks();
      status = engine.getHandshakeStatus();
    }
    if (status == HandshakeStatus.NEED_WRAP) {
      writeLock.lock();
      try {
        wrapAndSend(NOTHING, 0, 1);
      } finally {
        writeLock.unlock();
      }
    }
  }

  @Override
  public void write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    writeLock.lock();
    try {
      do {
        wrapAndSend(srcs, offset, length);
      } while (hasRemaining(srcs, offset, length));
    } finally {
      writeLock.unlock();
    }
  }

  /** Wraps up to a few records of {@code srcs} (or one handshake message) and sends them. */
  private void wrapAndSend(ByteBuffer[] srcs, int offset, int length) throws IOException {
    netOut.clear();
    while (true) {
      SSLEngineResult result = engine.wrap(srcs, offset, length, netOut);
      switch (result.getStatus()) {
        case BUFFER_OVERFLOW -> {
          if (netOut.position() > 0) {
            sendNetOut();
            netOut.clear();
          } else {
            netOut = ByteBuffer.allocateDirect(netOut.capacity() * 2);
          }
          continue;
        }
        case CLOSED -> throw new SSLException("TLS session is closed");
        case BUFFER_UNDERFLOW -> throw new IllegalStateException("wrap cannot underflow");
        case OK -> {}
      }
      if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
        runDelegatedTasks();
      }
      if (result.bytesConsumed() == 0 && result.bytesProduced() == 0) {
        // the engine waits for the peer (a renegotiation in progress): let the reader run
        // instead of spinning
        Thread.yield();
        break;
      }
      boolean more =
          hasRemaining(srcs, offset, length)
              && netOut.remaining() >= packetBytes
              && engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING;
      if (!more) {
        break;
      }
    }
    sendNetOut();
  }

  private void sendNetOut() throws IOException {
    netOut.flip();
    while (netOut.hasRemaining()) {
      channel.write(netOut);
    }
  }

  private static boolean hasRemaining(ByteBuffer[] srcs, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      if (srcs[i].hasRemaining()) {
        return true;
      }
    }
    return false;
  }

  private void runDelegatedTasks() {
    Runnable task;
    while ((task = engine.getDelegatedTask()) != null) {
      task.run();
    }
  }

  /** Sends close_notify unless a writer is stuck on the socket, then closes the socket. */
  @Override
  public void close() {
    try {
      if (channel.isOpen() && writeLock.tryLock()) {
        try {
          engine.closeOutbound();
          netOut.clear();
          engine.wrap(NOTHING, netOut);
          sendNetOut();
        } finally {
          writeLock.unlock();
        }
      }
    } catch (IOException | RuntimeException e) {
      // the peer is gone or the session broken: a plain close is all that is left
    } finally {
      try {
        channel.close();
      } catch (IOException e) {
        // already broken
      }
    }
  }

  @Override
  public boolean secure() {
    return true;
  }
}
