package dev.thinly.thin.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.pdata.io.BlockDevice;
import dev.thinly.pdata.io.FileBlockDevice;
import dev.thinly.pdata.testkit.FaultInjectingBlockDevice;
import dev.thinly.pdata.testkit.ForwardingBlockDevice;
import dev.thinly.thin.testkit.ThinTools;
import dev.thinly.thin.tools.Check;
import dev.thinly.thin.tools.CheckOptions;
import dev.thinly.thin.tools.CheckResult;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

  /**
   * Found by ServeKillIT (thinly check after a kill -9 under write load: "data reference counts
   * differ ... expected 0, but got 1"): a write allocates its block, writes the data, then maps
   * it; a commit in between recorded the allocation without the mapping, and a crash right after
   * left the block leaked. A commit must wait for such writes.
   */
  @Test
  void aCommitNeverRecordsABlockAllocatedForAWriteStillInFlight() throws Exception {
    Path pool = dir.resolve("pool");
    ThinPool.create(pool, PoolCreateOptions.ofSize(64L << 20), PoolOptions.defaults("test")).close();
    StallingDevice[] data = new StallingDevice[1];
    PoolOptions options =
        PoolOptions.defaults("test")
            .withDevices(
                p -> p.endsWith("data") ? (data[0] = new StallingDevice(FileBlockDevice.open(p))) : FileBlockDevice.open(p));
    try (ThinPool thin = ThinPool.open(pool, options)) {
      thin.create("writer", 1L << 20, Map.of());
      thin.create("flusher", 1L << 20, Map.of());
      try (Volume writer = thin.open("writer");
          Volume flusher = thin.open("flusher")) {
        data[0].stallNextWrite();
        CompletableFuture<Void> write =
            CompletableFuture.runAsync(() -> writer.write(0, random(4096, 5), false));
        data[0].awaitStalled();
        // the write has its block and is writing the data; another client flushes meanwhile
        CompletableFuture<Void> flush = CompletableFuture.runAsync(flusher::flush);
        try {
          // a commit that does not wait for the write finishes now; give it the chance
          flush.get(2, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException waitingForTheWrite) {
          // the expected outcome: the commit waits for the write
        }
        // whatever is committed now must check clean, as it would after a crash here
        List<String> problems = new ArrayList<>();
        CheckResult onDisk = Check.run(pool.resolve("metadata"), CheckOptions.full(), p -> problems.add(p.toString()));
        data[0].release();
        write.get(30, TimeUnit.SECONDS);
        flush.get(30, TimeUnit.SECONDS);
        assertThat(problems).as("the committed metadata while the write was in flight").isEmpty();
        assertThat(onDisk.clean()).isTrue();
      }
    }
    ThinTools.Result r = ThinTools.thinCheck(pool.resolve("metadata"));
    assertThat(r.exitCode()).as(r.all()).isZero();
  }

  /** A data device whose next write waits until the test releases it. */
  private static final class StallingDevice extends ForwardingBlockDevice {
    private final CountDownLatch stalled = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile boolean stallNext;

    StallingDevice(BlockDevice inner) {
      super(inner);
    }

    void stallNextWrite() {
      stallNext = true;
    }

    void awaitStalled() throws InterruptedException {
      assertThat(stalled.await(30, TimeUnit.SECONDS)).isTrue();
    }

    void release() {
      released.countDown();
    }

    @Override
    public void write(long offsetBytes, ByteBuffer src) {
      if (stallNext) {
        stallNext = false;
        stalled.countDown();
        try {
          released.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      inner.write(offsetBytes, src);
    }
  }
}
