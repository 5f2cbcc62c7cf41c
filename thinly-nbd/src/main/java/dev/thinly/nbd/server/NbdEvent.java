package dev.thinly.nbd.server;

import dev.thinly.nbd.protocol.NbdError;

/**
 * Something a server operator may want to log. Each event renders as one line with {@link
 * #describe()}; a CLI can also switch over the records to pick levels.
 */
public sealed interface NbdEvent {

  /** A one-line description for logs. */
  String describe();

  /** The server accepts connections on {@code address}. */
  record Listening(ListenAddress address) implements NbdEvent {
    @Override
    public String describe() {
      return "listening on " + address;
    }
  }

  /** A client connected. */
  record ConnectionOpened(long connectionId, String remoteAddress) implements NbdEvent {
    @Override
    public String describe() {
      return "connection " + connectionId + " opened from " + remoteAddress;
    }
  }

  /** A client was turned away before negotiation (e.g. too many connections). */
  record ConnectionRefused(String remoteAddress, String reason) implements NbdEvent {
    @Override
    public String describe() {
      return "connection from " + remoteAddress + " refused: " + reason;
    }
  }

  /** TLS is established on a connection. */
  record TlsEstablished(long connectionId, String protocol, String cipherSuite)
      implements NbdEvent {
    @Override
    public String describe() {
      return "connection " + connectionId + " upgraded to " + protocol + " (" + cipherSuite + ")";
    }
  }

  /** Negotiation finished: the connection serves {@code exportName}. */
  record ExportAttached(
      long connectionId,
      String exportName,
      boolean readOnly,
      boolean structuredReplies,
      String flags)
      implements NbdEvent {
    @Override
    public String describe() {
      return "connection "
          + connectionId
          + " attached to export '"
          + exportName
          + "'"
          + (readOnly ? " read-only" : "")
          + (structuredReplies ? " with structured replies" : " with simple replies")
          + " ["
          + flags
          + "]";
    }
  }

  /** The client broke the protocol; the connection is dropped. */
  record ProtocolViolation(long connectionId, String detail) implements NbdEvent {
    @Override
    public String describe() {
      return "connection " + connectionId + " dropped: " + detail;
    }
  }

  /** A request failed validation and was answered with an error; the export never saw it. */
  record RequestRejected(
      long connectionId,
      String exportName,
      String command,
      long offsetBytes,
      long lengthBytes,
      NbdError error,
      String reason)
      implements NbdEvent {
    @Override
    public String describe() {
      return request(connectionId, exportName, command, offsetBytes, lengthBytes)
          + " rejected with "
          + error
          + ": "
          + reason;
    }
  }

  /** The export failed a request; the client got {@code error}. */
  record RequestFailed(
      long connectionId,
      String exportName,
      String command,
      long offsetBytes,
      long lengthBytes,
      NbdError error,
      Throwable cause)
      implements NbdEvent {
    @Override
    public String describe() {
      return request(connectionId, exportName, command, offsetBytes, lengthBytes)
          + " failed with "
          + error
          + ": "
          + cause;
    }
  }

  /** A connection ended. */
  record ConnectionClosed(long connectionId, String exportName, String reason, long requests)
      implements NbdEvent {
    @Override
    public String describe() {
      return "connection "
          + connectionId
          + (exportName.isEmpty() ? "" : " (export '" + exportName + "')")
          + " closed after "
          + requests
          + " requests: "
          + reason;
    }
  }

  /** The server stopped; no connection remains. */
  record Stopped(int connectionsDropped) implements NbdEvent {
    @Override
    public String describe() {
      return "server stopped"
          + (connectionsDropped > 0 ? ", " + connectionsDropped + " connections cut" : "");
    }
  }

  /** How a request is named in the log; offsets are unsigned on the wire. */
  private static String request(
      long connectionId, String exportName, String command, long offsetBytes, long lengthBytes) {
    return "connection " + connectionId + " export '" + exportName + "': " + command + " of "
        + lengthBytes + " bytes at " + Long.toUnsignedString(offsetBytes);
  }
}
