package dev.thinly.nbd.server;

import dev.thinly.nbd.export.Export;
import dev.thinly.nbd.protocol.NbdProtocolException;
import dev.thinly.nbd.server.NbdEvent.ConnectionClosed;
import dev.thinly.nbd.server.NbdEvent.ConnectionOpened;
import dev.thinly.nbd.server.NbdEvent.ExportAttached;
import dev.thinly.nbd.server.NbdEvent.ProtocolViolation;
import dev.thinly.nbd.server.NbdEvent.TlsEstablished;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * One client connection, from accept to close, on its own virtual thread: negotiation, then
 * transmission, then cleanup (socket, export handle, registration). The server can cut it at any
 * moment by closing the socket ({@link #cut}), which unblocks every thread using it.
 */
final class Connection implements Runnable, HandshakeHost {
  private enum Phase {
    NEGOTIATING,
    TRANSMITTING,
    CLOSED
  }

  private final long id;
  private final SocketChannel channel;
  private final String remoteAddress;
  private final NbdServer server;
  private final Instant openedAt = Instant.now();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final InFlightLimiter limiter;

  private volatile Phase phase = Phase.NEGOTIATING;
  private volatile String exportName;
  private volatile boolean tls;
  private volatile String cutReason;
  private volatile Transport transport;
  private volatile Future<?> negotiationTimer;

  Connection(long id, SocketChannel channel, String remoteAddress, NbdServer server) {
    this.id = id;
    this.channel = channel;
    this.remoteAddress = remoteAddress;
    this.server = server;
    this.limiter =
        new InFlightLimiter(
            server.options().maxInFlightRequests(), server.options().maxInFlightBytes());
    this.transport = new PlainTransport(channel);
  }

  @Override
  public void run() {
    NbdEventListener events = server.events();
    events.onEvent(new ConnectionOpened(id, remoteAddress));
    String reason = "internal error";
    long requests = 0;
    Export export = null;
    try {
      Handshake handshake =
          new Handshake(
              transport,
              new BufferedInput(transport, Transmission.INPUT_BUFFER_BYTES),
              server.exports(),
              server.options().tlsMode(),
              server.options().readOnly(),
              this);
      Optional<Session> negotiated = handshake.run();
      if (negotiated.isEmpty()) {
        reason = "client ended the negotiation";
      } else {
        Session session = negotiated.get();
        export = session.export();
        phase = Phase.TRANSMITTING;
        cancelNegotiationTimer();
        events.onEvent(
            new ExportAttached(
                id,
                session.exportName(),
                export.readOnly(),
                session.structuredReplies(),
                session.terms().describeFlags()));
        Transmission transmission =
            new Transmission(session, id, server.pool(), limiter, server::shuttingDown, events);
        try {
          reason = transmission.run();
        } finally {
          requests = transmission.requests();
        }
      }
    } catch (NbdProtocolException e) {
      reason = "protocol violation: " + e.violation();
      if (cutReason == null) {
        events.onEvent(new ProtocolViolation(id, e.violation()));
      }
    } catch (EOFException e) {
      reason = "client hung up in the middle of a message";
    } catch (IOException e) {
      reason = "I/O error: " + e.getMessage();
    } catch (RuntimeException e) {
      reason = "internal error: " + e;
    } finally {
      phase = Phase.CLOSED;
      cancelNegotiationTimer();
      // decided before the close: once the client sees it, a shutdown may cut this connection
      // too, and its reason must not replace why the connection really ended
      String why = cutReason != null ? cutReason : reason;
      transport.close();
      if (export != null) {
        try {
          export.close();
        } catch (RuntimeException e) {
          // the connection is gone either way; the reason below is what matters to the operator
        }
      }
      events.onEvent(new ConnectionClosed(id, exportName == null ? "" : exportName, why, requests));
      // unregistered after the event, so that a shutdown that no longer sees this connection
      // also finds its last event already delivered
      server.unregister(this);
      terminated.countDown();
    }
  }

  @Override
  public boolean shuttingDown() {
    return server.shuttingDown();
  }

  @Override
  public void attaching(String name) {
    exportName = name;
  }

  @Override
  public void attachFailed() {
    exportName = null;
  }

  @Override
  public Transport startTls(ByteBuffer prefetched) throws IOException {
    SSLEngine engine =
        TlsContexts.serverEngine(
            server.sslContext().orElseThrow(),
            server.options().tlsCredentials().orElseThrow().clientCaPem().isPresent());
    TlsTransport secured = new TlsTransport(channel, engine, prefetched);
    transport = secured;
    try {
      secured.handshake();
    } catch (SSLException e) {
      throw new NbdProtocolException("TLS handshake failed: " + e.getMessage());
    }
    tls = true;
    server
        .events()
        .onEvent(
            new TlsEstablished(
                id, engine.getSession().getProtocol(), engine.getSession().getCipherSuite()));
    return secured;
  }

  /** Drops the connection now (a hard disconnect); in-flight requests finish, unanswered. */
  void cut(String reason) {
    if (cutReason == null) {
      cutReason = reason;
    }
    try {
      channel.close();
    } catch (IOException e) {
      // already closed
    }
  }

  /** Arms the handshake timer; it is cancelled as soon as negotiation ends either way. */
  void negotiationTimer(Future<?> timer) {
    negotiationTimer = timer;
    if (phase != Phase.NEGOTIATING) {
      timer.cancel(false);
    }
  }

  private void cancelNegotiationTimer() {
    Future<?> timer = negotiationTimer;
    if (timer != null) {
      timer.cancel(false);
    }
  }

  /** Cuts the connection if it is still negotiating (the handshake timer). */
  void negotiationTimedOut() {
    if (phase == Phase.NEGOTIATING) {
      cut("negotiation not finished within " + server.options().handshakeTimeout());
    }
  }

  /**
   * Waits until no request is in flight, at most until {@code deadlineNanos}; during shutdown new
   * requests are answered with ESHUTDOWN meanwhile, so this is the graceful part of it.
   */
  void awaitIdle(long deadlineNanos) {
    if (phase == Phase.TRANSMITTING) {
      limiter.awaitIdle(deadlineNanos);
    }
  }

  /** Waits until the connection has released everything, at most until {@code deadlineNanos}. */
  boolean awaitTerminated(long deadlineNanos) {
    try {
      return terminated.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  long id() {
    return id;
  }

  /** The export in use or being opened, if any. */
  Optional<String> exportName() {
    return Optional.ofNullable(exportName);
  }

  ConnectionInfo info() {
    return new ConnectionInfo(id, remoteAddress, exportName(), tls, openedAt);
  }
}
