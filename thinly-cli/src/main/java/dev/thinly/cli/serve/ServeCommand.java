package dev.thinly.cli.serve;

import dev.thinly.cli.access.ControlProtocol;
import dev.thinly.cli.format.SizeConverter;
import dev.thinly.cli.pool.PoolOption;
import dev.thinly.nbd.server.ListenAddress;
import dev.thinly.nbd.server.NbdServer;
import dev.thinly.nbd.server.NbdServerOptions;
import dev.thinly.nbd.server.TlsCredentials;
import dev.thinly.nbd.server.TlsMode;
import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.thin.pool.PoolCreateOptions;
import dev.thinly.thin.pool.PoolEvents;
import dev.thinly.thin.pool.PoolOptions;
import dev.thinly.thin.pool.ThinPool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import jdk.jfr.FlightRecorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code thinly serve}: exports every volume of a pool over NBD until stopped. SIGTERM (or Ctrl-C)
 * stops accepting, lets in-flight requests finish, commits and exits 0; a {@code kill -9} loses at
 * most writes that were never flushed.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the volumes of a pool over NBD, one export per volume.",
      "",
      "With no options it serves the default pool (creating it on first use) on",
      "127.0.0.1:10809 and prints the NBD URI of every volume. While it runs, thinly",
      "create, snapshot, delete, resize, list, pool status and pool grow work on the",
      "live pool through its control socket (DIR/control.sock). Logs go to stderr, one",
      "line per event, each starting with a UTC timestamp."
    },
    footer = {
      "",
      "Examples:",
      "  thinly serve",
      "  thinly serve --pool /srv/pool --socket /run/thinly.sock",
      "  thinly serve --listen 192.0.2.10:10809 --tls=require \\",
      "      --tls-cert cert.pem --tls-key key.pem",
      "  qemu-img convert -n -O raw disk.raw nbd://127.0.0.1:10809/vm1",
      "  nbdinfo --list nbd://127.0.0.1:10809"
    })
public final class ServeCommand implements Callable<Integer> {
  static final String DEFAULT_LISTEN = "127.0.0.1:10809";

  @Mixin PoolOption pool;

  @Option(names = "--listen", paramLabel = "HOST:PORT",
      description = "A TCP address to listen on (repeatable). Default: " + DEFAULT_LISTEN + " unless --socket is given.")
  List<String> listen = new ArrayList<>();

  @Option(names = "--socket", paramLabel = "PATH", description = "A unix socket to listen on (repeatable).")
  List<Path> sockets = new ArrayList<>();

  @Option(names = "--tls", paramLabel = "MODE", defaultValue = "off",
      description = "off, on (offered) or require. Default: ${DEFAULT-VALUE}.")
  String tls;

  @Option(names = "--tls-cert", paramLabel = "FILE", description = "Server certificate chain (PEM).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "Server private key (PEM).")
  Path tlsKey;

  @Option(names = "--tls-ca", paramLabel = "FILE",
      description = "CA (PEM) that client certificates must chain to; makes client certificates mandatory.")
  Path tlsCa;

  @Option(names = "--read-only", description = "Serve every volume read-only.")
  boolean readOnly;

  @Option(names = "--insecure",
      description = "Allow a non-loopback TCP address without --tls=require (NBD has no authentication).")
  boolean insecure;

  @Option(names = "--metadata-cache", paramLabel = "SIZE", converter = SizeConverter.class, defaultValue = "64M",
      description = "Metadata block cache; metadata beyond it stays on disk. Default: ${DEFAULT-VALUE}.")
  long metadataCacheBytes;

  @Option(names = "--default-pool-size", paramLabel = "SIZE", converter = SizeConverter.class,
      description = "Data size of the default pool when serve creates it (sparse). Default: 100G, or half the free space.")
  Long defaultPoolSize;

  @Override
  public Integer call() throws Exception {
    ServeLog log = new ServeLog(System.err);
    NbdServerOptions nbdOptions = nbdOptions(log);
    // refuse an unsafe address before the pool is opened (or, the first time, created)
    NbdServer.refuseInsecureListeners(nbdOptions);
    Path dir = pool.dir();
    ThinPool thinPool = openOrCreate(dir, log);
    NbdServer server;
    ControlServer control;
    try {
      server = NbdServer.start(nbdOptions, new PoolExports(thinPool));
      control =
          ControlServer.start(
              ControlProtocol.socketPath(dir),
              new LivePoolControl(thinPool, clients(server), log::info),
              log::warning);
    } catch (RuntimeException e) {
      thinPool.close();
      throw e;
    }
    printUris(thinPool, server);
    log.info("serving " + dir + " (" + thinPool.volumes().size() + " volumes); control socket " + control.socket());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .unstarted(() -> {
                  int code = stop(log, server, control, thinPool);
                  awaitFlightRecordings();
                  stopped.countDown();
                  // a shutdown hook cannot return an exit status; halting with it gives SIGTERM exit 0
                  Runtime.getRuntime().halt(code);
                }));
    stopped.await();
    return 0;
  }

  private static int stop(ServeLog log, NbdServer server, ControlServer control, ThinPool pool) {
    log.info("stopping: no new connections; finishing requests in flight");
    int code = 0;
    try {
      server.shutdown(Duration.ofSeconds(30));
    } catch (RuntimeException e) {
      log.warning("NBD server shutdown: " + e.getMessage());
      code = 1;
    }
    control.close();
    try {
      pool.close();
      log.info("stopped; everything committed");
    } catch (RuntimeException e) {
      log.warning("the final commit failed: " + e.getMessage());
      code = 1;
    }
    System.err.flush();
    return code;
  }

  /**
   * {@code Runtime.halt} ends the JVM even while other shutdown hooks still run, JFR's among them,
   * which writes the recordings started with {@code -XX:StartFlightRecording:filename=...} (the
   * documented way to profile the server, through {@code THINLY_JAVA_OPTS}). All hooks start
   * together, so by now JFR's is running or done: wait for it.
   */
  private static void awaitFlightRecordings() {
    if (!FlightRecorder.isInitialized()) {
      return;
    }
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("JFR Shutdown Hook")) {
        try {
          t.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private ThinPool openOrCreate(Path dir, ServeLog log) {
    PoolOptions options =
        PoolOptions.defaults("thinly serve").withEvents(events(log)).withCacheBytes(metadataCacheBytes);
    if (!Files.exists(dir.resolve("pool.json")) && pool.isDefault()) {
      long size = defaultPoolSize != null ? defaultPoolSize : defaultDataSize(dir);
      ThinPool created = ThinPool.create(dir, PoolCreateOptions.ofSize(size), options);
      String msg =
          "created the default pool at " + dir + ": " + SizeConverter.format(size) + " of data (a sparse file that"
              + " grows as volumes are written); grow it with 'thinly pool grow --data-size SIZE'";
      System.out.println("thinly: " + msg);
      log.info(msg);
      return created;
    }
    return ThinPool.open(dir, options);
  }

  /** 100 GiB, or half the free space of the file system if that is less (at least 1 GiB). */
  private static long defaultDataSize(Path dir) {
    try {
      Path existing = dir;
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      long free = existing == null ? Long.MAX_VALUE : Files.getFileStore(existing).getUsableSpace();
      long size = Math.min(100L << 30, free / 2);
      return Math.max(1L << 30, size / (1L << 30) * (1L << 30));
    } catch (java.io.IOException e) {
      return 100L << 30;
    }
  }

  private NbdServerOptions nbdOptions(ServeLog log) {
    NbdServerOptions.Builder b = NbdServerOptions.builder().readOnly(readOnly).insecure(insecure).listener(new NbdEventLog(log));
    List<String> tcp = listen.isEmpty() && sockets.isEmpty() ? List.of(DEFAULT_LISTEN) : listen;
    for (String address : tcp) {
      b.listen(ListenAddress.parse(address));
    }
    for (Path socket : sockets) {
      b.listen(new ListenAddress.Unix(socket));
    }
    TlsMode mode =
        switch (tls) {
          case "off" -> TlsMode.OFF;
          case "on" -> TlsMode.ON;
          case "require" -> TlsMode.REQUIRE;
          default -> throw new InvalidRequestException("--tls must be off, on or require, not '" + tls + "'");
        };
    if (mode != TlsMode.OFF) {
      if (tlsCert == null || tlsKey == null) {
        throw new InvalidRequestException("--tls=" + tls + " needs --tls-cert and --tls-key");
      }
      b.tls(mode, new TlsCredentials(tlsCert, tlsKey, Optional.ofNullable(tlsCa)));
    } else if (tlsCert != null || tlsKey != null || tlsCa != null) {
      throw new InvalidRequestException("--tls-cert, --tls-key and --tls-ca need --tls=on or --tls=require");
    }
    return b.build();
  }

  private static LivePoolControl.Clients clients(NbdServer server) {
    return new LivePoolControl.Clients() {
      @Override
      public int connections(String exportName) {
        return server.connectionCount(exportName);
      }

      @Override
      public int disconnect(String exportName) {
        return server.disconnect(exportName);
      }
    };
  }

  private static PoolEvents events(ServeLog log) {
    return new PoolEvents() {
      @Override
      public void info(String message) {
        log.info(message);
      }

      @Override
      public void warning(String message) {
        log.warning(message);
      }

      @Override
      public void slowCommit(long micros, long blocksWritten) {
        log.warning("commit took " + micros / 1000 + " ms (" + blocksWritten + " metadata blocks written)");
      }
    };
  }

  private void printUris(ThinPool thinPool, NbdServer server) {
    List<String> bases = new ArrayList<>();
    for (ListenAddress a : server.boundAddresses()) {
      switch (a) {
        case ListenAddress.Tcp t ->
            bases.add((tls.equals("off") ? "nbd" : "nbds") + "://" + hostForUri(t.host()) + ":" + t.port() + "/%s");
        case ListenAddress.Unix u ->
            bases.add((tls.equals("off") ? "nbd+unix" : "nbds+unix") + ":///%s?socket=" + u.path().toAbsolutePath());
      }
    }
    var volumes = thinPool.volumes();
    if (volumes.isEmpty()) {
      System.out.println("thinly: no volumes yet; create one with 'thinly create NAME --size 10G' (it is served at once)");
    }
    for (var v : volumes) {
      for (String base : bases) {
        System.out.println(String.format(base, v.name()) + "    " + PoolExports.describe(v));
      }
    }
    System.out.flush();
  }

  private static String hostForUri(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}
