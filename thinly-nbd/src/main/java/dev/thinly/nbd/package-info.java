/**
 * NBD for thinly: {@link dev.thinly.nbd.protocol} (the wire format), {@link
 * dev.thinly.nbd.export} (what is served) and {@link dev.thinly.nbd.server} (the server). Knows
 * nothing about thin pools; the CLI composes a server with the pool's exports.
 */
package dev.thinly.nbd;
