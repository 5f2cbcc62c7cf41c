package dev.thinly.cli.serve;

import dev.thinly.cli.access.ControlProtocol;
import dev.thinly.pdata.error.StorageIoException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * The control socket of a running server: a unix socket in the pool directory, readable and
 * writable by its owner only, through which {@code thinly create / snapshot / delete / resize /
 * list / pool status / pool grow} manage the live pool (see {@link ControlProtocol}). One virtual
 * thread per client; requests of one client are answered in order.
 */
public final class ControlServer implements AutoCloseable {
  /** Executes one request; returns the result (any value Jackson can write) or throws. */
  @FunctionalInterface
  public interface Handler {
    Object handle(ControlProtocol.Request request);
  }

  private final Path socket;
  private final ServerSocketChannel server;
  private final Handler handler;
  private final Consumer<String> log;
  private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;

  private ControlServer(Path socket, ServerSocketChannel server, Handler handler, Consumer<String> log) {
    this.socket = socket;
    this.server = server;
    this.handler = handler;
    this.log = log;
    this.acceptor = Thread.ofVirtual().name("control-accept").start(this::acceptLoop);
  }

  /**
   * Listens on {@code socket}. A socket file left by a server that died is replaced; one that a
   * live server listens on is not (the pool lock already guarantees there is none).
   */
  public static ControlServer start(Path socket, Handler handler, Consumer<String> log) {
    try {
      Files.deleteIfExists(socket);
      ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      ch.bind(UnixDomainSocketAddress.of(socket));
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
      return new ControlServer(socket, ch, handler, log);
    } catch (IOException e) {
      throw new StorageIoException(socket.toString(), -1, "listen on the control socket", e);
    }
  }

  public Path socket() {
    return socket;
  }

  private void acceptLoop() {
    while (server.isOpen()) {
      try {
        SocketChannel client = server.accept();
        clients.add(client);
        Thread.ofVirtual().name("control").start(() -> serve(client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(SocketChannel client) {
    try (client) {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
      OutputStream out = Channels.newOutputStream(client);
      String line;
      while ((line = in.readLine()) != null) {
        ControlProtocol.Response response = answer(line);
        out.write(ControlProtocol.json().writeValueAsBytes(response));
        out.write('\n');
        out.flush();
      }
    } catch (IOException e) {
      // the client went away
    } finally {
      clients.remove(client);
    }
  }

  private ControlProtocol.Response answer(String line) {
    try {
      ControlProtocol.Request request = ControlProtocol.json().readValue(line, ControlProtocol.Request.class);
      Object result = handler.handle(request);
      JsonNode tree = ControlProtocol.json().valueToTree(result);
      return new ControlProtocol.Response(tree, null);
    } catch (RuntimeException e) {
      if (!(e instanceof dev.thinly.pdata.error.ThinlyException) && !(e instanceof IllegalArgumentException)) {
        log.accept("control request failed: " + e);
      }
      return new ControlProtocol.Response(null, ControlProtocol.Failure.of(e));
    }
  }

  @Override
  public void close() {
    try {
      server.close();
      for (SocketChannel c : clients) {
        c.close();
      }
      acceptor.join();
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      // a socket file left behind is replaced by the next server
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
