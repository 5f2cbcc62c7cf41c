package dev.thinly.thin.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.pdata.io.FileBlockDevice;
import dev.thinly.pdata.testkit.FaultInjectingBlockDevice;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the pool's periodic commits touch the data device, and when they leave it alone. */
class CommitterTest {
  @TempDir Path dir;

  private static ByteBuffer random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return ByteBuffer.wrap(b);
  }

  /**
   * Found by bench/nbd-fio.sh: every periodic commit flushed the data file, so a random-write load
   * on provisioned blocks (no metadata changes, no flush asked) paid an fdatasync a second.
   */
  @Test
  void periodicCommitsDoNotFlushInPlaceWritesButAFlushDoes() throws Exception {
    Path pool = dir.resolve("pool");
    ThinPool.create(pool, PoolCreateOptions.ofSize(64L << 20), PoolOptions.defaults("test")).close();
    AtomicReference<FaultInjectingBlockDevice> data = new AtomicReference<>();
    PoolOptions options =
        PoolOptions.defaults("test")
            .withCommitPeriodMillis(5)
            .withDevices(
                p -> {
                  if (!p.endsWith("data")) {
                    return FileBlockDevice.open(p);
                  }
                  data.set(new FaultInjectingBlockDevice(FileBlockDevice.open(p), 1));
                  return data.get();
                });
    try (ThinPool thin = ThinPool.open(pool, options)) {
      thin.create("vol", 1L << 20, Map.of());
      try (Volume v = thin.open("vol")) {
        v.write(0, random(65536, 1), false);
        v.flush(); // provisions the block and commits the mapping
        long flushes = data.get().flushes();
        // in-place writes over some hundred commit periods (the wait only gives the committer
        // the chance to do wrong; the assertion holds however the threads are scheduled)
        for (int i = 0; i < 64; i++) {
          v.write(4096L * (i % 16), random(4096, i), false);
          Thread.sleep(5);
        }
        assertThat(data.get().flushes()).as("data flushes by periodic commits").isEqualTo(flushes);
        v.flush();
        assertThat(data.get().flushes()).isGreaterThan(flushes);
        // and a new mapping is still committed unasked, its data flushed before it
        long before = data.get().flushes();
        v.write(65536, random(4096, 99), false);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (data.get().flushes() == before && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        assertThat(data.get().flushes()).isGreaterThan(before);
      }
    }
  }
}
