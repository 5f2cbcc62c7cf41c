package dev.thinly.nbd.protocol;

/**
 * The 16-byte simple reply header; for a successful {@code READ} the data follows.
 *
 * @param error 0 or an {@link NbdError} code
 * @param cookie the request's cookie
 */
public record SimpleReply(int error, long cookie) {}
