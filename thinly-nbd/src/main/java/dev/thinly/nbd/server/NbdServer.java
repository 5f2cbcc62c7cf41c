package dev.thinly.nbd.server;

import dev.thinly.nbd.export.ExportProvider;
import dev.thinly.nbd.server.NbdEvent.ConnectionRefused;
import dev.thinly.nbd.server.NbdEvent.Listening;
import dev.thinly.nbd.server.NbdEvent.Stopped;
import dev.thinly.pdata.error.InvalidRequestException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * An NBD server: listens on the configured addresses, negotiates with each client (fixed newstyle,
 * optional or required TLS) and serves the exports of an {@link ExportProvider}.
 *
 * <pre>{@code
 * ExportRegistry exports = new ExportRegistry().add(MemoryExport.builder("disk", 1L << 30).build());
 * try (NbdServer server = NbdServer.start(
 *     NbdServerOptions.builder().listen(ListenAddress.unix(socket)).build(), exports)) {
 *   ...   // nbdinfo "nbd+unix:///disk?socket=..."
 * }
 * }</pre>
 *
 * Thread-safe. {@link #close()} is graceful: it stops accepting, lets requests in flight finish
 * (answering new ones with ESHUTDOWN) for up to {@link NbdServerOptions#shutdownGrace()}, then cuts
 * what is left.
 */
public final class NbdServer implements AutoCloseable {
  /** The largest READ or WRITE payload accepted, whatever an export allows (the spec's 2^25). */
  public static final int MAX_PAYLOAD_BYTES = 32 << 20;

  /** Direct buffer memory kept for reuse across connections. */
  private static final long POOL_RETAINED_BYTES = 64L << 20;

  private final NbdServerOptions options;
  private final ExportProvider exports;
  private final NbdEventListener events;
  private final BufferPool pool = new BufferPool(POOL_RETAINED_BYTES);
  private final Optional<SSLContext> sslContext;
  private final List<Acceptor> acceptors = new ArrayList<>();
  private final ConcurrentHashMap<Long, Connection> connections = new ConcurrentHashMap<>();
  private final AtomicLong nextConnectionId = new AtomicLong(1);
  private final ScheduledThreadPoolExecutor timers;
  private volatile boolean shuttingDown;
  private boolean closed;

  private NbdServer(NbdServerOptions options, ExportProvider exports) {
    this.options = options;
    this.exports = exports;
    NbdEventListener listener = options.listener();
    this.events =
        event -> {
          try {
            listener.onEvent(event);
          } catch (RuntimeException e) {
            // a failing listener must not take connections down
          }
        };
    this.sslContext =
        options.tlsMode() == TlsMode.OFF
            ? Optional.empty()
            : Optional.of(TlsContexts.create(options.tlsCredentials().orElseThrow()));
    this.timers =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "nbd-timers");
              t.setDaemon(true);
              return t;
            });
    this.timers.setRemoveOnCancelPolicy(true);
  }

  /**
   * Starts a server: binds every address, then accepts connections in the background.
   *
   * @throws InvalidRequestException if a TCP address is not loopback while TLS is not required and
   *     {@link NbdServerOptions#insecure()} is not set
   * @throws UncheckedIOException if an address cannot be bound
   * @throws IllegalArgumentException if the TLS credentials are invalid
   */
  public static NbdServer start(NbdServerOptions options, ExportProvider exports) {
    refuseInsecureListeners(options);
    NbdServer server = new NbdServer(options, exports);
    try {
      for (ListenAddress address : options.listen()) {
        server.acceptors.add(Acceptor.bind(address, server::accepted));
      }
    } catch (IOException e) {
      server.acceptors.forEach(Acceptor::close);
      server.timers.shutdownNow();
      throw new UncheckedIOException(e.getMessage(), e);
    }
    for (Acceptor acceptor : server.acceptors) {
      acceptor.start();
      server.events.onEvent(new Listening(acceptor.bound()));
    }
    return server;
  }

  /**
   * The check {@link #start} makes before it binds anything, for callers that prepare something
   * costly first (a pool to open or create) and should refuse before that.
   *
   * @throws InvalidRequestException if a TCP address is not loopback while TLS is not required and
   *     {@link NbdServerOptions#insecure()} is not set
   */
  public static void refuseInsecureListeners(NbdServerOptions options) {
    if (options.insecure() || options.tlsMode() == TlsMode.REQUIRE) {
      return;
    }
    for (ListenAddress address : options.listen()) {
      if (address instanceof ListenAddress.Tcp tcp && !isLoopback(tcp.host())) {
        throw new InvalidRequestException(
            "refusing to serve NBD without TLS on "
                + tcp
                + ", which is not a loopback address: require TLS or allow it explicitly"
                + " (insecure)");
      }
    }
  }

  private static boolean isLoopback(String host) {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      throw new InvalidRequestException("cannot resolve listen address " + host);
    }
  }

  private void accepted(SocketChannel client) {
    String remote = describeRemote(client);
    if (shuttingDown || connections.size() >= options.maxConnections()) {
      events.onEvent(
          new ConnectionRefused(
              remote, shuttingDown ? "server shutting down" : "too many connections"));
      closeQuietly(client);
      return;
    }
    try {
      if (client.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY)) {
        // replies are written whole; Nagle would only delay small ones
        client.setOption(StandardSocketOptions.TCP_NODELAY, true);
        client.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
      }
    } catch (IOException e) {
      closeQuietly(client);
      return;
    }
    Connection connection =
        new Connection(nextConnectionId.getAndIncrement(), client, remote, this);
    connections.put(connection.id(), connection);
    if (!options.handshakeTimeout().isZero()) {
      connection.negotiationTimer(
          timers.schedule(
              connection::negotiationTimedOut,
              options.handshakeTimeout().toNanos(),
              TimeUnit.NANOSECONDS));
    }
    Thread.ofVirtual().name("nbd-connection-" + connection.id()).start(connection);
  }

  private static String describeRemote(SocketChannel client) {
    try {
      var address = client.getRemoteAddress();
      String text = String.valueOf(address);
      if (text.isEmpty() || text.equals("null")) {
        return "unix:" + client.getLocalAddress();
      }
      return text.startsWith("/") ? text.substring(1) : text;
    } catch (IOException e) {
      return "unknown peer";
    }
  }

  private static void closeQuietly(SocketChannel client) {
    try {
      client.close();
    } catch (IOException e) {
      // nothing to clean up
    }
  }

  /** The addresses actually bound, in configuration order (TCP ports resolved). */
  public List<ListenAddress> boundAddresses() {
    return acceptors.stream().map(Acceptor::bound).toList();
  }

  /** The connections open now. */
  public List<ConnectionInfo> connections() {
    return connections.values().stream().map(Connection::info).toList();
  }

  public int connectionCount() {
    return connections.size();
  }

  /** Connections using, or opening, the export called {@code exportName}. */
  public int connectionCount(String exportName) {
    return (int)
        connections.values().stream()
            .filter(c -> c.exportName().equals(Optional.of(exportName)))
            .count();
  }

  /**
   * Cuts every connection using, or opening, {@code exportName} (a hard disconnect: requests in
   * flight finish but are not answered), and waits until they have closed their export handles, at
   * most {@link NbdServerOptions#shutdownGrace()}. For deleting a volume that is in use.
   *
   * @return how many connections were cut
   */
  public int disconnect(String exportName) {
    List<Connection> victims =
        connections.values().stream()
            .filter(c -> c.exportName().equals(Optional.of(exportName)))
            .toList();
    for (Connection c : victims) {
      c.cut("export '" + exportName + "' disconnected by the server");
    }
    long deadline = InFlightLimiter.deadline(options.shutdownGrace());
    for (Connection c : victims) {
      c.awaitTerminated(deadline);
    }
    return victims.size();
  }

  /** Graceful shutdown within {@link NbdServerOptions#shutdownGrace()}; idempotent. */
  @Override
  public void close() {
    shutdown(options.shutdownGrace());
  }

  /**
   * Stops accepting, lets requests in flight finish while answering new ones with ESHUTDOWN, then
   * cuts every connection; waits for them to end, at most {@code grace} in all. Connections whose
   * export is stuck past the deadline close their handles later, when it returns.
   */
  public void shutdown(java.time.Duration grace) {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    shuttingDown = true;
    long deadline = InFlightLimiter.deadline(grace);
    acceptors.forEach(Acceptor::close);
    List<Connection> open = List.copyOf(connections.values());
    // negotiating clients meanwhile get ERR_SHUTDOWN for their options
    for (Connection c : open) {
      c.awaitIdle(deadline);
    }
    for (Connection c : open) {
      c.cut("server shut down");
    }
    int stuck = 0;
    for (Connection c : open) {
      if (!c.awaitTerminated(deadline)) {
        stuck++;
      }
    }
    timers.shutdownNow();
    events.onEvent(new Stopped(stuck));
  }

  // --- for connections -------------------------------------------------------------------------

  NbdServerOptions options() {
    return options;
  }

  ExportProvider exports() {
    return exports;
  }

  NbdEventListener events() {
    return events;
  }

  BufferPool pool() {
    return pool;
  }

  Optional<SSLContext> sslContext() {
    return sslContext;
  }

  boolean shuttingDown() {
    return shuttingDown;
  }

  void unregister(Connection connection) {
    connections.remove(connection.id());
  }
}
