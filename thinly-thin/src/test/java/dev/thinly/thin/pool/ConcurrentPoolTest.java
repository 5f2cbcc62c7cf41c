package dev.thinly.thin.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.pdata.error.ClosedException;
import dev.thinly.pdata.error.NotFoundException;
import dev.thinly.thin.testkit.ThinTools;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many threads at once: each writer owns a volume (writes, discards, zeroing, reads checked against
 * its byte model, read-only snapshots now and then, deletion of old ones) while readers check
 * random ranges of the snapshots against the models they were frozen with. Snapshots share blocks
 * with volumes that keep changing, so this exercises copy-on-write, the block locks, the read
 * epochs that keep freed blocks from being reused under a reader, and hole punching, all under
 * contention. At the end every volume and snapshot equals its model, before and after reopening,
 * and thin_check passes.
 */
class ConcurrentPoolTest {
  private static final int WRITERS = 4;
  private static final int READERS = 2;
  private static final int VOLUME_BYTES = 4 << 20;
  private static final int BLOCK = 64 * 1024;

  @TempDir Path dir;

  private final Map<String, byte[]> snapshots = new ConcurrentHashMap<>();
  private final AtomicBoolean writersDone = new AtomicBoolean();
  private final AtomicLong snapshotReads = new AtomicLong();

  @Test
  void concurrentWritersSnapshotsAndReadersAgreeWithTheirModels() throws Exception {
    Path poolDir = dir.resolve("pool");
    byte[][] models = new byte[WRITERS][];
    try (ThinPool pool =
        ThinPool.create(poolDir, PoolCreateOptions.ofSize(512L << 20), PoolOptions.defaults("test"))) {
      ExecutorService threads = Executors.newFixedThreadPool(WRITERS + READERS);
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int id = w;
        writers.add(threads.submit(() -> models[id] = writer(pool, id, new Random(1000 + id))));
      }
      List<Future<?>> readers = new ArrayList<>();
      for (int r = 0; r < READERS; r++) {
        Random random = new Random(2000 + r);
        readers.add(threads.submit(() -> reader(pool, random)));
      }
      for (Future<?> f : writers) {
        f.get();
      }
      writersDone.set(true);
      for (Future<?> f : readers) {
        f.get();
      }
      threads.shutdown();
      assertThat(snapshotReads.get()).isPositive();
      verifyAll(pool, models);
    }
    try (ThinPool pool = ThinPool.open(poolDir, PoolOptions.defaults("test"))) {
      verifyAll(pool, models);
    }
    ThinTools.Result r = ThinTools.thinCheck(poolDir.resolve("metadata"));
    assertThat(r.exitCode()).as(r.all()).isZero();
  }

  private byte[] writer(ThinPool pool, int id, Random random) {
    String name = "vol" + id;
    pool.create(name, VOLUME_BYTES, Map.of());
    byte[] model = new byte[VOLUME_BYTES];
    List<String> mine = new ArrayList<>();
    try (Volume v = pool.open(name)) {
      for (int op = 0; op < 400; op++) {
        int off = random.nextInt(VOLUME_BYTES);
        int len = 1 + random.nextInt(Math.min(VOLUME_BYTES - off, 3 * BLOCK));
        int kind = random.nextInt(100);
        if (kind < 55) {
          byte[] data = new byte[len];
          random.nextBytes(data);
          v.write(off, ByteBuffer.wrap(data), random.nextInt(20) == 0);
          System.arraycopy(data, 0, model, off, len);
        } else if (kind < 65) {
          v.discard(off, len, false);
          int from = (off + BLOCK - 1) / BLOCK * BLOCK;
          int to = (off + len) / BLOCK * BLOCK;
          if (from < to) {
            Arrays.fill(model, from, to, (byte) 0);
          }
        } else if (kind < 72) {
          v.writeZeroes(off, len, random.nextBoolean(), false);
          Arrays.fill(model, off, off + len, (byte) 0);
        } else if (kind < 90) {
          ByteBuffer b = ByteBuffer.allocate(len);
          v.read(off, b);
          assertThat(b.array()).as("%s read %d+%d", name, off, len).isEqualTo(Arrays.copyOfRange(model, off, off + len));
        } else if (kind < 96) {
          String snap = name + "-s" + op;
          pool.snapshot(name, snap, true);
          snapshots.put(snap, model.clone());
          mine.add(snap);
        } else if (mine.size() > 2) {
          String old = mine.remove(0);
          snapshots.remove(old);
          pool.delete(old, true);
        } else {
          pool.flush();
        }
      }
    }
    return model;
  }

  private void reader(ThinPool pool, Random random) {
    while (!writersDone.get()) {
      List<String> names = new ArrayList<>(snapshots.keySet());
      if (names.isEmpty()) {
        Thread.onSpinWait();
        continue;
      }
      String name = names.get(random.nextInt(names.size()));
      byte[] model = snapshots.get(name);
      if (model == null) {
        continue;
      }
      int off = random.nextInt(VOLUME_BYTES);
      int len = 1 + random.nextInt(Math.min(VOLUME_BYTES - off, 4 * BLOCK));
      ByteBuffer b = ByteBuffer.allocate(len);
      try (Volume v = pool.open(name)) {
        v.read(off, b);
      } catch (NotFoundException | ClosedException e) {
        continue; // deleted meanwhile: a read of a deleted volume fails, it never shows other data
      }
      assertThat(b.array()).as("snapshot %s read %d+%d", name, off, len).isEqualTo(Arrays.copyOfRange(model, off, off + len));
      snapshotReads.incrementAndGet();
    }
  }

  private void verifyAll(ThinPool pool, byte[][] models) {
    for (int w = 0; w < WRITERS; w++) {
      assertThat(read(pool, "vol" + w)).as("vol" + w).isEqualTo(models[w]);
    }
    for (Map.Entry<String, byte[]> e : snapshots.entrySet()) {
      assertThat(read(pool, e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
    }
  }

  private static byte[] read(ThinPool pool, String name) {
    ByteBuffer b = ByteBuffer.allocate(VOLUME_BYTES);
    try (Volume v = pool.open(name)) {
      v.read(0, b);
    }
    return b.array();
  }
}
