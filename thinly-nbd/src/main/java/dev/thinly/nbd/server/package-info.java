/**
 * The NBD server: listeners (TCP and unix sockets), the fixed newstyle handshake with TLS
 * (STARTTLS), the transmission phase, request validation, the errno table and connection tracking.
 * The only package of the module that touches {@code java.net}, {@code javax.net.ssl} or channels.
 *
 * <h2>Threads and memory</h2>
 *
 * Each connection runs on its own virtual thread: it negotiates, then reads and decodes requests
 * one after another. Each valid request runs on a fresh virtual thread, so a connection has many
 * requests in flight and replies leave in completion order. Replies are serialized by {@code
 * ReplySender}: whichever thread finds the socket free writes every queued reply in one gathering
 * write, so small replies are batched without a writer thread. A connection admits at most a fixed
 * number of requests and bytes in flight ({@link
 * dev.thinly.nbd.server.NbdServerOptions#maxInFlightRequests()}, {@link
 * dev.thinly.nbd.server.NbdServerOptions#maxInFlightBytes()}); when they are used up the reader
 * stops reading, so TCP flow control pushes back on the client and memory stays bounded whatever it
 * sends. Payload and read buffers are direct buffers from a shared pool.
 *
 * <h2>Validation</h2>
 *
 * Every request is checked by {@code RequestValidator} before an export sees it, and every failure,
 * from validation or from the export, is mapped to an NBD error by {@link
 * dev.thinly.nbd.server.NbdErrors#of(Throwable)}.
 */
package dev.thinly.nbd.server;
