/**
 * What the NBD server serves: the {@link dev.thinly.nbd.export.Export} SPI, the {@link
 * dev.thinly.nbd.export.ExportProvider} that finds exports by name at handshake time, filters
 * (decorators over an export, like nbdkit's filter chain) and two simple exports for tests and
 * demos.
 *
 * <p>The server validates every request before an export sees it (range, alignment, flags,
 * read-only), so exports may assume well-formed arguments; they still defend their invariants
 * (throwing {@link dev.thinly.pdata.error.InvalidRequestException}) because not every caller is the
 * server. Exports report failures with the unchecked exceptions of {@code pdata.error}; the server
 * maps them to NBD errors with one table.
 *
 * <p>Depends on {@code nbd.protocol} and {@code pdata.error} only; never on sockets.
 */
package dev.thinly.nbd.export;
