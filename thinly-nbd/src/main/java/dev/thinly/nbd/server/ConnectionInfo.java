package dev.thinly.nbd.server;

import java.time.Instant;
import java.util.Optional;

/**
 * A snapshot of one client connection.
 *
 * @param connectionId unique for the life of the server
 * @param remoteAddress the peer, e.g. {@code 127.0.0.1:53124} or {@code unix:/run/thinly.sock}
 * @param exportName the export in use (or being opened); empty during negotiation
 * @param tls true once TLS is established
 * @param openedAt when the connection was accepted
 */
public record ConnectionInfo(
    long connectionId,
    String remoteAddress,
    Optional<String> exportName,
    boolean tls,
    Instant openedAt) {}
