package dev.thinly.cli.serve;

import dev.thinly.cli.access.ControlProtocol;
import dev.thinly.pdata.error.BusyException;
import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.thin.pool.ThinPool;
import dev.thinly.thin.pool.VolumeInfo;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Carries out control requests on the live pool of a running server. Deleting or shrinking a
 * volume that clients are connected to is refused unless forced, in which case the clients are
 * disconnected first (their in-flight requests finish, new ones fail with ESHUTDOWN).
 */
final class LivePoolControl implements ControlServer.Handler {
  /** The server's view of who is connected to which export. */
  interface Clients {
    int connections(String exportName);

    /** Disconnects every client of the export and returns how many there were. */
    int disconnect(String exportName);
  }

  private static final Duration DISCONNECT_WAIT = Duration.ofSeconds(30);

  private final ThinPool pool;
  private final Clients clients;
  private final Consumer<String> log;

  LivePoolControl(ThinPool pool, Clients clients, Consumer<String> log) {
    this.pool = pool;
    this.clients = clients;
    this.log = log;
  }

  @Override
  public Object handle(ControlProtocol.Request r) {
    return switch (Objects.requireNonNull(r.op(), "op")) {
      case "status" -> pool.status();
      case "metadata_size" -> pool.metadataSizeBytes();
      case "grow" -> {
        pool.grow(orZero(r.dataSizeBytes()), orZero(r.metadataSizeBytes()));
        log.accept("pool grown: data " + orZero(r.dataSizeBytes()) + " bytes, metadata " + orZero(r.metadataSizeBytes()) + " bytes");
        yield pool.status();
      }
      case "create" -> {
        VolumeInfo v = pool.create(r.name(), required(r.sizeBytes(), "size_bytes"), orEmpty(r.labels()));
        log.accept("volume " + v.name() + " created (" + v.sizeBytes() + " bytes, thin id " + v.thinId() + ")");
        yield v;
      }
      case "snapshot" -> {
        long start = System.nanoTime();
        VolumeInfo v = pool.snapshot(r.source(), r.name(), r.readOnly());
        log.accept(
            "snapshot " + v.name() + " of " + r.source() + (r.readOnly() ? " (read-only)" : "") + " taken in "
                + (System.nanoTime() - start) / 1000 + " us");
        yield v;
      }
      case "delete" -> {
        evict(r.name(), r.force(), "delete");
        pool.delete(r.name(), true);
        log.accept("volume " + r.name() + " deleted");
        yield null;
      }
      case "resize" -> {
        long size = required(r.sizeBytes(), "size_bytes");
        if (size < pool.info(r.name()).sizeBytes()) {
          evict(r.name(), r.force(), "shrink");
        }
        VolumeInfo v = pool.resize(r.name(), size);
        log.accept("volume " + v.name() + " resized to " + v.sizeBytes() + " bytes");
        yield v;
      }
      case "find" -> {
        try {
          yield pool.info(r.name());
        } catch (dev.thinly.pdata.error.NotFoundException e) {
          yield null;
        }
      }
      case "list" -> pool.list();
      default -> throw new InvalidRequestException("unknown control operation '" + r.op() + "'");
    };
  }

  /** Makes sure nobody is connected to {@code name}, disconnecting them if {@code force}. */
  private void evict(String name, boolean force, String what) {
    pool.info(name);
    int connected = clients.connections(name);
    if (connected == 0 && pool.openHandles(name) == 0) {
      return;
    }
    if (!force) {
      throw new BusyException(
          "volume '" + name + "' has " + connected + " connected client" + (connected == 1 ? "" : "s")
              + "; disconnect them first or " + what + " with --force");
    }
    int n = clients.disconnect(name);
    log.accept("disconnected " + n + " client" + (n == 1 ? "" : "s") + " of " + name + " to " + what + " it");
    long deadline = System.nanoTime() + DISCONNECT_WAIT.toNanos();
    while (pool.openHandles(name) > 0) {
      if (System.nanoTime() > deadline) {
        throw new BusyException("clients of '" + name + "' did not disconnect within " + DISCONNECT_WAIT.toSeconds() + " s");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BusyException("interrupted while disconnecting the clients of '" + name + "'");
      }
    }
  }

  private static long orZero(Long v) {
    return v == null ? 0 : v;
  }

  private static long required(Long v, String field) {
    if (v == null) {
      throw new InvalidRequestException("the request has no " + field);
    }
    return v;
  }

  private static Map<String, String> orEmpty(Map<String, String> m) {
    return m == null ? Map.of() : m;
  }
}
