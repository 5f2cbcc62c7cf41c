package dev.thinly.cli.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.cli.serve.ControlServers;
import dev.thinly.pdata.error.BusyException;
import dev.thinly.thin.pool.PoolCreateOptions;
import dev.thinly.thin.pool.PoolOptions;
import dev.thinly.thin.pool.ThinPool;
import dev.thinly.thin.pool.Volume;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The control-socket client against a live pool: the same contract as a local pool, except that
 * volume I/O goes over NBD (the client says so), and deleting a volume in use needs --force.
 */
class RemotePoolAccessTest extends PoolAccessContract {
  private ThinPool pool;
  private AutoCloseable server;
  private final AtomicReference<Volume> connected = new AtomicReference<>();

  @Override
  PoolAccess newPool(Path dir) {
    pool = ThinPool.create(dir, PoolCreateOptions.ofSize(64 * MIB), PoolOptions.defaults("test server"));
    server = ControlServers.forTest(pool, () -> connected.get() == null ? 0 : 1, () -> {
      Volume v = connected.getAndSet(null);
      if (v != null) {
        v.close();
      }
    });
    PoolAccess access = PoolAccess.open(dir, "test", PoolAccess.Notices.NONE);
    assertThat(access).isInstanceOf(RemotePoolAccess.class);
    return access;
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (pool != null) {
      pool.close();
    }
  }

  @Override
  @Test
  void volumeIoReadsWritesZeroesAndReportsBlockStatus() {
    try (PoolAccess access = newPool(tmp.resolve("pool"))) {
      access.create("v", 4 * MIB, Map.of());
      assertThatThrownBy(() -> access.open("v")).isInstanceOf(BusyException.class).hasMessageContaining("over NBD");
    }
  }

  @Test
  void volumesInUseAreDeletedOnlyWithForce() {
    try (PoolAccess access = newPool(tmp.resolve("pool"))) {
      access.create("v", 4 * MIB, Map.of());
      connected.set(pool.open("v"));
      assertThatThrownBy(() -> access.delete("v", false))
          .isInstanceOf(BusyException.class)
          .hasMessageContaining("1 connected client")
          .hasMessageContaining("--force");
      assertThatThrownBy(() -> access.resize("v", MIB, false)).isInstanceOf(BusyException.class);
      assertThat(access.resize("v", 8 * MIB, false).sizeBytes()).isEqualTo(8 * MIB);
      access.delete("v", true);
      assertThat(access.find("v")).isEmpty();
    }
  }
}
