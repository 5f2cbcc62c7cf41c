package dev.thinly.nbd.server;

import dev.thinly.nbd.export.Export;
import dev.thinly.nbd.export.ExportProvider;
import dev.thinly.nbd.export.ReadOnlyFilter;
import dev.thinly.nbd.protocol.BaseAllocation;
import dev.thinly.nbd.protocol.ExportInfoRequest;
import dev.thinly.nbd.protocol.ExportListing;
import dev.thinly.nbd.protocol.HandshakeFlags;
import dev.thinly.nbd.protocol.InfoReply.DescriptionInfo;
import dev.thinly.nbd.protocol.InfoReply.NameInfo;
import dev.thinly.nbd.protocol.InfoType;
import dev.thinly.nbd.protocol.MalformedOptionException;
import dev.thinly.nbd.protocol.MetaContext;
import dev.thinly.nbd.protocol.MetaContextRequest;
import dev.thinly.nbd.protocol.NbdMagic;
import dev.thinly.nbd.protocol.NbdProtocolException;
import dev.thinly.nbd.protocol.OptionCodec;
import dev.thinly.nbd.protocol.OptionHeader;
import dev.thinly.nbd.protocol.OptionReplyCodec;
import dev.thinly.nbd.protocol.OptionReplyType;
import dev.thinly.nbd.protocol.OptionType;
import dev.thinly.pdata.error.ClosedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * The fixed newstyle handshake, as a loop over options (nbdkit's {@code
 * protocol-handshake-newstyle.c}). Ends with a {@link Session} ({@code NBD_OPT_GO} or {@code
 * NBD_OPT_EXPORT_NAME}), with empty ({@code NBD_OPT_ABORT}, or the client hung up between options),
 * or with an exception that means a hard disconnect ({@link NbdProtocolException} for a client that
 * broke the rules, {@link IOException} for a broken stream).
 *
 * <p>State that options set (structured replies, the selected metadata context) is reset by
 * STARTTLS, as the spec requires. NOT thread-safe: runs on the connection's thread.
 */
final class Handshake {
  /** Option data beyond this is treated as a denial-of-service attempt (names are ≤ 4 KiB). */
  static final int MAX_OPTION_BYTES = 64 * 1024;

  /** The id this server gives {@code base:allocation}; ids are per connection and opaque. */
  static final int BASE_ALLOCATION_ID = 1;

  private final ExportProvider exports;
  private final TlsMode tlsMode;
  private final boolean serveReadOnly;
  private final HandshakeHost host;
  private Transport transport;
  private BufferedInput input;

  private boolean noZeroes;
  private boolean structuredReplies;

  /** The export named by the last SET_META_CONTEXT that selected base:allocation, if any. */
  private Optional<String> metaContextExport = Optional.empty();

  Handshake(
      Transport transport,
      BufferedInput input,
      ExportProvider exports,
      TlsMode tlsMode,
      boolean serveReadOnly,
      HandshakeHost host) {
    this.transport = transport;
    this.input = input;
    this.exports = exports;
    this.tlsMode = tlsMode;
    this.serveReadOnly = serveReadOnly;
    this.host = host;
  }

  Optional<Session> run() throws IOException {
    ByteBuffer greeting = ByteBuffer.allocate(18);
    greeting
        .putLong(NbdMagic.NBDMAGIC)
        .putLong(NbdMagic.IHAVEOPT)
        .putShort((short) (HandshakeFlags.FIXED_NEWSTYLE | HandshakeFlags.NO_ZEROES))
        .flip();
    transport.write(greeting);

    ByteBuffer clientFlags = ByteBuffer.allocate(4);
    input.readFully(clientFlags);
    int flags = clientFlags.flip().getInt();
    if ((flags & ~HandshakeFlags.KNOWN_CLIENT_FLAGS) != 0) {
      throw new NbdProtocolException("unknown client flags 0x" + Integer.toHexString(flags));
    }
    noZeroes = (flags & HandshakeFlags.C_NO_ZEROES) != 0;
    if (tlsMode == TlsMode.REQUIRE && (flags & HandshakeFlags.C_FIXED_NEWSTYLE) == 0) {
      // TLS needs fixed newstyle, and this server will not talk without TLS
      throw new NbdProtocolException(
          "TLS is required but the client does not speak fixed newstyle");
    }

    ByteBuffer headerBytes = ByteBuffer.allocate(OptionCodec.HEADER_BYTES);
    while (true) {
      headerBytes.clear();
      if (!input.readFullyOrEof(headerBytes)) {
        return Optional.empty();
      }
      OptionHeader header = OptionCodec.decodeHeader(headerBytes.flip());
      if (header.lengthBytes() > MAX_OPTION_BYTES) {
        throw new NbdProtocolException(
            "option " + header.option() + " with " + header.lengthBytes() + " bytes of data");
      }
      ByteBuffer data = ByteBuffer.allocate((int) header.lengthBytes());
      input.readFully(data);
      data.flip();
      Optional<OptionType> type = OptionType.of(header.option());
      if (type.isPresent() && type.get() == OptionType.ABORT) {
        replyIgnoringFailure(OptionReplyCodec.ack(header.option()));
        return Optional.empty();
      }
      Optional<Session> session = handle(header.option(), type, data);
      if (session.isPresent()) {
        return session;
      }
    }
  }

  private Optional<Session> handle(int option, Optional<OptionType> type, ByteBuffer data)
      throws IOException {
    boolean tlsPending = tlsMode == TlsMode.REQUIRE && !transport.secure();
    OptionType known = type.orElse(null);
    if (known == OptionType.EXPORT_NAME && (tlsPending || host.shuttingDown())) {
      // this option cannot be answered with an error
      throw new NbdProtocolException(
          tlsPending
              ? "NBD_OPT_EXPORT_NAME without TLS, which is required"
              : "server shutting down");
    }
    if (host.shuttingDown()) {
      reply(
          OptionReplyCodec.error(option, OptionReplyType.ERR_SHUTDOWN, "server is shutting down"));
      return Optional.empty();
    }
    if (tlsPending && known != OptionType.STARTTLS) {
      reply(OptionReplyCodec.error(option, OptionReplyType.ERR_TLS_REQD, "TLS is required"));
      return Optional.empty();
    }
    try {
      switch (known) {
        case EXPORT_NAME -> {
          return Optional.of(exportName(option, data));
        }
        case LIST -> list(option, data);
        case STARTTLS -> startTls(option, data);
        case INFO -> info(option, data, false);
        case GO -> {
          Optional<Session> session = info(option, data, true);
          if (session.isEmpty()) {
            host.attachFailed();
          }
          return session;
        }
        case STRUCTURED_REPLY -> structuredReply(option, data);
        case LIST_META_CONTEXT -> metaContext(option, data, false);
        case SET_META_CONTEXT -> metaContext(option, data, true);
        case null, default ->
            reply(
                OptionReplyCodec.error(
                    option, OptionReplyType.ERR_UNSUP, "option " + option + " is not supported"));
      }
    } catch (MalformedOptionException e) {
      reply(OptionReplyCodec.error(option, OptionReplyType.ERR_INVALID, e.reason()));
    }
    return Optional.empty();
  }

  private Session exportName(int option, ByteBuffer data) throws IOException {
    String name;
    try {
      name = OptionCodec.decodeExportName(option, data);
    } catch (MalformedOptionException e) {
      throw new NbdProtocolException("NBD_OPT_EXPORT_NAME with " + e.reason());
    }
    host.attaching(name);
    Optional<Export> opened;
    try {
      opened = open(name);
    } catch (RuntimeException e) {
      throw new NbdProtocolException("NBD_OPT_EXPORT_NAME of '" + name + "' failed: " + message(e));
    }
    Export export =
        opened.orElseThrow(
            () -> new NbdProtocolException("NBD_OPT_EXPORT_NAME of unknown export '" + name + "'"));
    try {
      ExportTerms terms = ExportTerms.of(export, structuredReplies);
      ByteBuffer out = ByteBuffer.allocate(10 + (noZeroes ? 0 : 124));
      out.putLong(terms.sizeBytes()).putShort((short) terms.transmissionFlags());
      out.position(out.limit()).flip();
      transport.write(out);
      return session(name, export, terms);
    } catch (IOException | RuntimeException e) {
      export.close();
      throw e;
    }
  }

  private void list(int option, ByteBuffer data) throws IOException {
    if (data.hasRemaining()) {
      reply(OptionReplyCodec.error(option, OptionReplyType.ERR_INVALID, "LIST takes no data"));
      return;
    }
    List<ExportListing> listing;
    try {
      listing = exports.list();
    } catch (RuntimeException e) {
      reply(OptionReplyCodec.error(option, errorFor(e), message(e)));
      return;
    }
    for (ExportListing export : listing) {
      reply(OptionReplyCodec.server(option, export));
    }
    reply(OptionReplyCodec.ack(option));
  }

  private void startTls(int option, ByteBuffer data) throws IOException {
    if (tlsMode == TlsMode.OFF) {
      reply(OptionReplyCodec.error(option, OptionReplyType.ERR_POLICY, "TLS is not configured"));
    } else if (transport.secure()) {
      reply(OptionReplyCodec.error(option, OptionReplyType.ERR_INVALID, "TLS is already on"));
    } else if (data.hasRemaining()) {
      reply(OptionReplyCodec.error(option, OptionReplyType.ERR_INVALID, "STARTTLS takes no data"));
    } else {
      reply(OptionReplyCodec.ack(option));
      transport = host.startTls(input.takeBuffered());
      input = new BufferedInput(transport, Transmission.INPUT_BUFFER_BYTES);
      // the spec: nothing negotiated in the clear survives the upgrade
      structuredReplies = false;
      metaContextExport = Optional.empty();
    }
  }

  /** INFO and GO; returns the session for a successful GO. */
  private Optional<Session> info(int option, ByteBuffer data, boolean go) throws IOException {
    ExportInfoRequest request = OptionCodec.decodeInfoRequest(option, data);
    String name = request.exportName();
    if (go) {
      host.attaching(name);
    }
    Optional<Export> opened;
    try {
      opened = open(name);
    } catch (RuntimeException e) {
      reply(OptionReplyCodec.error(option, errorFor(e), message(e)));
      return Optional.empty();
    }
    if (opened.isEmpty()) {
      reply(
          OptionReplyCodec.error(
              option, OptionReplyType.ERR_UNKNOWN, "no export named '" + name + "'"));
      return Optional.empty();
    }
    Export export = opened.get();
    boolean handedOver = false;
    try {
      ExportTerms terms = ExportTerms.of(export, structuredReplies);
      reply(OptionReplyCodec.info(option, terms.exportInfo()));
      if (request.requests(InfoType.NAME)) {
        reply(OptionReplyCodec.info(option, new NameInfo(export.name())));
      }
      if (request.requests(InfoType.DESCRIPTION) && !export.description().isEmpty()) {
        reply(OptionReplyCodec.info(option, new DescriptionInfo(export.description())));
      }
      // always sent: it tells clients about the 32 MiB payload limit even if they did not ask
      reply(OptionReplyCodec.info(option, terms.blockSizeInfo()));
      reply(OptionReplyCodec.ack(option));
      if (!go) {
        return Optional.empty();
      }
      handedOver = true;
      return Optional.of(session(name, export, terms));
    } finally {
      if (!handedOver) {
        export.close();
      }
    }
  }

  private void structuredReply(int option, ByteBuffer data) throws IOException {
    if (data.hasRemaining()) {
      reply(
          OptionReplyCodec.error(
              option, OptionReplyType.ERR_INVALID, "STRUCTURED_REPLY takes no data"));
      return;
    }
    structuredReplies = true;
    reply(OptionReplyCodec.ack(option));
  }

  private void metaContext(int option, ByteBuffer data, boolean set) throws IOException {
    if (set) {
      // SET replaces the selection even when it fails
      metaContextExport = Optional.empty();
    }
    if (!structuredReplies) {
      reply(
          OptionReplyCodec.error(
              option, OptionReplyType.ERR_INVALID, "negotiate structured replies first"));
      return;
    }
    MetaContextRequest request = OptionCodec.decodeMetaContextRequest(option, data);
    boolean match = request.queries().isEmpty() && !set;
    for (String query : request.queries()) {
      if (query.indexOf(':') < 0) {
        reply(
            OptionReplyCodec.error(
                option, OptionReplyType.ERR_INVALID, "query '" + query + "' has no namespace"));
        return;
      }
      // "base:" is a wildcard for LIST and selects nothing for SET; other namespaces are ignored
      match |=
          query.equals(BaseAllocation.CONTEXT) || (!set && query.equals(BaseAllocation.NAMESPACE));
    }
    Optional<Export> export;
    try {
      export = open(request.exportName());
    } catch (RuntimeException e) {
      reply(OptionReplyCodec.error(option, errorFor(e), message(e)));
      return;
    }
    if (export.isEmpty()) {
      reply(
          OptionReplyCodec.error(
              option,
              OptionReplyType.ERR_UNKNOWN,
              "no export named '" + request.exportName() + "'"));
      return;
    }
    export.get().close();
    if (match) {
      int id = set ? BASE_ALLOCATION_ID : 0;
      reply(OptionReplyCodec.metaContext(option, new MetaContext(id, BaseAllocation.CONTEXT)));
      if (set) {
        metaContextExport = Optional.of(request.exportName());
      }
    }
    reply(OptionReplyCodec.ack(option));
  }

  private Optional<Export> open(String name) {
    return exports.open(name).map(e -> serveReadOnly && !e.readOnly() ? new ReadOnlyFilter(e) : e);
  }

  private Session session(String name, Export export, ExportTerms terms) {
    int contextId =
        structuredReplies && metaContextExport.equals(Optional.of(name)) ? BASE_ALLOCATION_ID : 0;
    return new Session(export, name, terms, structuredReplies, contextId, transport, input);
  }

  /** How an option reports a failure of the export provider. */
  private static OptionReplyType errorFor(RuntimeException e) {
    return e instanceof ClosedException
        ? OptionReplyType.ERR_SHUTDOWN
        : OptionReplyType.ERR_UNKNOWN;
  }

  private static String message(RuntimeException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private void reply(ByteBuffer message) throws IOException {
    transport.write(message);
  }

  /** ABORT: the client may already be gone, and that is fine. */
  private void replyIgnoringFailure(ByteBuffer message) {
    try {
      transport.write(message);
    } catch (IOException e) {
      // the client did not wait for the acknowledgement
    }
  }
}
