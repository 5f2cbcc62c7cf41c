package dev.thinly.nbd.server;

import java.nio.file.Path;

/** Where the server listens: a TCP host and port, or a unix domain socket. */
public sealed interface ListenAddress {

  /**
   * A TCP address. Port 0 picks a free port ({@link NbdServer#boundAddresses()} tells which).
   *
   * @param host a host name or IP literal (IPv6 without brackets)
   */
  record Tcp(String host, int port) implements ListenAddress {
    public Tcp {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
    }

    @Override
    public String toString() {
      return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
  }

  /**
   * A unix domain socket at {@code path}; a stale socket file left by a dead server is replaced.
   */
  record Unix(Path path) implements ListenAddress {
    @Override
    public String toString() {
      return "unix:" + path;
    }
  }

  static ListenAddress tcp(String host, int port) {
    return new Tcp(host, port);
  }

  static ListenAddress unix(Path path) {
    return new Unix(path);
  }

  /**
   * Parses {@code unix:/path}, an absolute path, {@code host:port} or {@code [v6]:port} (as a CLI
   * would accept them).
   */
  static ListenAddress parse(String text) {
    if (text.startsWith("unix:")) {
      return new Unix(Path.of(text.substring(5)));
    }
    if (text.startsWith("/")) {
      return new Unix(Path.of(text));
    }
    int colon = text.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("expected host:port, [v6]:port or unix:/path: " + text);
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      return new Tcp(host, Integer.parseInt(text.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad port in " + text, e);
    }
  }
}
