package dev.thinly.nbd.export;

import dev.thinly.nbd.protocol.ExportListing;
import java.util.List;
import java.util.Optional;

/**
 * The set of exports a server offers, consulted at handshake time. The set may change while the
 * server runs (volumes are created and deleted), so the server never caches answers.
 *
 * <p>Thread-safe: many connections negotiate at once.
 */
public interface ExportProvider {

  /** The exports to show to {@code NBD_OPT_LIST}, in the order to show them. */
  List<ExportListing> list();

  /**
   * Opens a handle on the export called {@code name} ({@code ""} is the default export, if the
   * provider has one) for one connection; the caller closes it. Empty if there is no such export.
   * Failures other than absence are thrown as {@code pdata.error} exceptions ({@code
   * ClosedException} tells the client the server is shutting down).
   */
  Optional<Export> open(String name);
}
