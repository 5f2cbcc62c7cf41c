package dev.thinly.nbd.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Accepts connections on one listening socket, on a virtual thread of its own. */
final class Acceptor implements Runnable {
  private static final int BACKLOG = 128;

  private final ServerSocketChannel channel;
  private final ListenAddress bound;
  private final Consumer<SocketChannel> onAccept;
  private Thread thread;

  private Acceptor(
      ServerSocketChannel channel, ListenAddress bound, Consumer<SocketChannel> onAccept) {
    this.channel = channel;
    this.bound = bound;
    this.onAccept = onAccept;
  }

  /** Binds {@code address} (a TCP port of 0 becomes a real one). */
  static Acceptor bind(ListenAddress address, Consumer<SocketChannel> onAccept) throws IOException {
    return switch (address) {
      case ListenAddress.Tcp tcp -> {
        InetSocketAddress socket = new InetSocketAddress(tcp.host(), tcp.port());
        if (socket.isUnresolved()) {
          throw new IOException("cannot resolve " + tcp.host());
        }
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
          ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
          ch.bind(socket, BACKLOG);
        } catch (IOException e) {
          ch.close();
          throw new IOException("cannot listen on " + tcp + ": " + e.getMessage(), e);
        }
        int port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
        yield new Acceptor(ch, new ListenAddress.Tcp(tcp.host(), port), onAccept);
      }
      case ListenAddress.Unix unix -> {
        removeStaleSocket(unix.path());
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
          ch.bind(UnixDomainSocketAddress.of(unix.path()), BACKLOG);
        } catch (IOException e) {
          ch.close();
          throw new IOException("cannot listen on " + unix + ": " + e.getMessage(), e);
        }
        yield new Acceptor(ch, unix, onAccept);
      }
    };
  }

  /**
   * A socket file left by a server that died is in the way of bind; one that still answers is
   * another server's, and is left alone (bind then fails).
   */
  private static void removeStaleSocket(Path path) throws IOException {
    if (!Files.exists(path) || Files.isRegularFile(path) || Files.isDirectory(path)) {
      return;
    }
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(UnixDomainSocketAddress.of(path));
    } catch (IOException nobodyListens) {
      Files.deleteIfExists(path);
    }
  }

  void start() {
    thread = Thread.ofVirtual().name("nbd-accept-" + bound).start(this);
  }

  @Override
  public void run() {
    while (true) {
      SocketChannel client;
      try {
        client = channel.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (!channel.isOpen()) {
          return;
        }
        // e.g. out of file descriptors: back off instead of spinning
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          return;
        }
        continue;
      }
      onAccept.accept(client);
    }
  }

  ListenAddress bound() {
    return bound;
  }

  boolean isUnix() {
    return bound instanceof ListenAddress.Unix;
  }

  /** Stops accepting and waits for the accept thread; removes a unix socket file. */
  void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing more to release
    }
    if (thread != null) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (bound instanceof ListenAddress.Unix unix) {
      try {
        Files.deleteIfExists(unix.path());
      } catch (IOException e) {
        // a leftover socket file is replaced by the next bind
      }
    }
  }
}
