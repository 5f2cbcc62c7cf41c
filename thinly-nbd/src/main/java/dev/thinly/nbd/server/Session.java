package dev.thinly.nbd.server;

import dev.thinly.nbd.export.Export;

/**
 * What negotiation agreed on for one connection, handed from the handshake to the transmission
 * phase.
 *
 * @param export the open handle (owned by the connection from now on)
 * @param metaContextId the id of {@code base:allocation} if the client selected it for this export,
 *     else 0 (then BLOCK_STATUS is refused)
 * @param transport the stream, TLS-wrapped if STARTTLS happened
 * @param input the buffered reader over {@code transport}
 */
record Session(
    Export export,
    String exportName,
    ExportTerms terms,
    boolean structuredReplies,
    int metaContextId,
    Transport transport,
    BufferedInput input) {}
