package dev.thinly.nbd.testkit;

import dev.thinly.nbd.export.Export;
import dev.thinly.nbd.export.ExportRegistry;
import dev.thinly.nbd.server.ListenAddress;
import dev.thinly.nbd.server.NbdEvent;
import dev.thinly.nbd.server.NbdServer;
import dev.thinly.nbd.server.NbdServerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A server for tests: listens on a unix socket in {@code dir} and on 127.0.0.1 with a free port,
 * serves the exports of a registry, and records every event. Other modules' tests use it through
 * the test-jar.
 *
 * <pre>{@code
 * try (NbdTestServer nbd = NbdTestServer.start(tempDir, MemoryExport.builder("disk", 64 << 20).build())) {
 *   ProcessRunner.run(Duration.ofSeconds(30), "nbdinfo", nbd.unixUri("disk")).assertSuccess();
 * }
 * }</pre>
 */
public final class NbdTestServer implements AutoCloseable {
  private final ExportRegistry registry;
  private final NbdServer server;
  private final Path socket;
  private final List<NbdEvent> events;

  private NbdTestServer(
      ExportRegistry registry, NbdServer server, Path socket, List<NbdEvent> events) {
    this.registry = registry;
    this.server = server;
    this.socket = socket;
    this.events = events;
  }

  public static NbdTestServer start(Path dir, Export... exports) {
    return start(dir, b -> {}, exports);
  }

  /** Like {@link #start(Path, Export...)}, with extra options (TLS, limits, read-only). */
  public static NbdTestServer start(
      Path dir, Consumer<NbdServerOptions.Builder> customize, Export... exports) {
    ExportRegistry registry = new ExportRegistry();
    for (Export e : exports) {
      registry.add(e);
    }
    List<NbdEvent> events = new CopyOnWriteArrayList<>();
    Path socket = dir.resolve("nbd.sock");
    NbdServerOptions.Builder options =
        NbdServerOptions.builder()
            .listen(ListenAddress.unix(socket), ListenAddress.tcp("127.0.0.1", 0))
            .listener(events::add)
            .shutdownGrace(Duration.ofSeconds(5));
    customize.accept(options);
    NbdServer server = NbdServer.start(options.build(), registry);
    return new NbdTestServer(registry, server, socket, events);
  }

  public NbdServer server() {
    return server;
  }

  public ExportRegistry registry() {
    return registry;
  }

  public Path socket() {
    return socket;
  }

  /** The TCP port chosen for 127.0.0.1. */
  public int tcpPort() {
    return server.boundAddresses().stream()
        .filter(ListenAddress.Tcp.class::isInstance)
        .map(a -> ((ListenAddress.Tcp) a).port())
        .findFirst()
        .orElseThrow();
  }

  /** A libnbd/qemu URI for an export over the unix socket. */
  public String unixUri(String export) {
    return "nbd+unix:///" + export + "?socket=" + socket;
  }

  /** A libnbd/qemu URI for an export over TCP. */
  public String tcpUri(String export) {
    return "nbd://127.0.0.1:" + tcpPort() + "/" + export;
  }

  /** Every event so far. */
  public List<NbdEvent> events() {
    return List.copyOf(events);
  }

  /**
   * Waits for an event of {@code type} that satisfies {@code test} (events that follow a socket
   * close, such as {@code ConnectionClosed}, may come a moment after the client notices).
   *
   * @throws AssertionError if none arrives within {@code timeout}
   */
  public <T extends NbdEvent> T awaitEvent(
      Class<T> type, java.util.function.Predicate<T> test, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (NbdEvent e : events) {
        if (type.isInstance(e) && test.test(type.cast(e))) {
          return type.cast(e);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no matching " + type.getSimpleName() + " in " + events);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
