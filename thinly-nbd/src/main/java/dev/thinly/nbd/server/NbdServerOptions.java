package dev.thinly.nbd.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything an {@link NbdServer} needs to know besides its exports. Build with {@link #builder()};
 * the defaults suit a local daemon.
 *
 * @param listen where to listen (at least one address; several may be combined)
 * @param tlsMode whether TLS is off, offered or required
 * @param tlsCredentials the server identity, required unless TLS is off
 * @param readOnly serve every export read-only
 * @param insecure allow listening on a non-loopback TCP address without TLS; without it the server
 *     refuses to start in that configuration, since NBD itself has no authentication
 * @param listener receives events (connections, errors) for logging
 * @param maxInFlightRequests per connection, requests read but not yet answered
 * @param maxInFlightBytes per connection, bytes of write payload and read data held for requests in
 *     flight; at least {@link NbdServer#MAX_PAYLOAD_BYTES}
 * @param maxConnections connections beyond this are closed right after accept
 * @param handshakeTimeout a client that has not finished negotiating by then is dropped ({@link
 *     Duration#ZERO} for no limit)
 * @param shutdownGrace how long {@link NbdServer#close()} lets in-flight requests finish, and how
 *     long {@link NbdServer#disconnect(String)} waits for connections to go away
 */
public record NbdServerOptions(
    List<ListenAddress> listen,
    TlsMode tlsMode,
    Optional<TlsCredentials> tlsCredentials,
    boolean readOnly,
    boolean insecure,
    NbdEventListener listener,
    int maxInFlightRequests,
    long maxInFlightBytes,
    int maxConnections,
    Duration handshakeTimeout,
    Duration shutdownGrace) {

  public NbdServerOptions {
    listen = List.copyOf(listen);
    if (listen.isEmpty()) {
      throw new IllegalArgumentException("no listen address");
    }
    if (tlsMode != TlsMode.OFF && tlsCredentials.isEmpty()) {
      throw new IllegalArgumentException("TLS mode " + tlsMode + " needs credentials");
    }
    if (maxInFlightRequests < 1) {
      throw new IllegalArgumentException("maxInFlightRequests must be positive");
    }
    if (maxInFlightBytes < NbdServer.MAX_PAYLOAD_BYTES) {
      throw new IllegalArgumentException(
          "maxInFlightBytes must be at least the 32 MiB payload limit: " + maxInFlightBytes);
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be positive");
    }
    if (handshakeTimeout.isNegative() || shutdownGrace.isNegative()) {
      throw new IllegalArgumentException("negative timeout");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder for {@link NbdServerOptions}. */
  public static final class Builder {
    private final List<ListenAddress> listen = new ArrayList<>();
    private TlsMode tlsMode = TlsMode.OFF;
    private Optional<TlsCredentials> tlsCredentials = Optional.empty();
    private boolean readOnly;
    private boolean insecure;
    private NbdEventListener listener = NbdEventListener.NONE;
    private int maxInFlightRequests = 128;
    private long maxInFlightBytes = 64L << 20;
    private int maxConnections = 1024;
    private Duration handshakeTimeout = Duration.ofSeconds(30);
    private Duration shutdownGrace = Duration.ofSeconds(10);

    private Builder() {}

    public Builder listen(ListenAddress... addresses) {
      listen.addAll(List.of(addresses));
      return this;
    }

    public Builder tls(TlsMode mode, TlsCredentials credentials) {
      this.tlsMode = mode;
      this.tlsCredentials = Optional.of(credentials);
      return this;
    }

    public Builder readOnly(boolean readOnly) {
      this.readOnly = readOnly;
      return this;
    }

    public Builder insecure(boolean insecure) {
      this.insecure = insecure;
      return this;
    }

    public Builder listener(NbdEventListener listener) {
      this.listener = listener;
      return this;
    }

    public Builder maxInFlight(int requests, long bytes) {
      this.maxInFlightRequests = requests;
      this.maxInFlightBytes = bytes;
      return this;
    }

    public Builder maxConnections(int maxConnections) {
      this.maxConnections = maxConnections;
      return this;
    }

    public Builder handshakeTimeout(Duration handshakeTimeout) {
      this.handshakeTimeout = handshakeTimeout;
      return this;
    }

    public Builder shutdownGrace(Duration shutdownGrace) {
      this.shutdownGrace = shutdownGrace;
      return this;
    }

    public NbdServerOptions build() {
      return new NbdServerOptions(
          listen,
          tlsMode,
          tlsCredentials,
          readOnly,
          insecure,
          listener,
          maxInFlightRequests,
          maxInFlightBytes,
          maxConnections,
          handshakeTimeout,
          shutdownGrace);
    }
  }
}
