/**
 * The NBD wire format (fixed newstyle handshake, simple and structured replies), as described by
 * {@code doc/proto.md} of the NetworkBlockDevice project: magic numbers, enums for options,
 * commands, flags, reply types and errors, records for the messages, and {@link
 * java.nio.ByteBuffer} codecs for both directions (the server decodes requests and encodes replies;
 * tests and fuzzers use the other direction).
 *
 * <p>Everything on the wire is big-endian ("network byte order"), which is the default order of a
 * {@code ByteBuffer}; the codecs never change a buffer's order. Unsigned 32-bit wire fields are
 * widened to {@code long}; unsigned 16-bit fields to {@code int}.
 *
 * <p>No sockets, no threads, no state: this package depends only on the JDK and {@code
 * pdata.error}.
 */
package dev.thinly.nbd.protocol;
