package dev.thinly.thin.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.pdata.io.BlockDevice;
import dev.thinly.pdata.io.MemoryBlockDevice;
import dev.thinly.pdata.testkit.FaultInjectingBlockDevice;
import dev.thinly.thin.testkit.ThinTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Power-cut simulation: a random workload of writes (some FUA), discards, zeroing, flushes,
 * snapshots, creations and deletions runs on a pool whose metadata and data devices lose every
 * write not followed by a flush (each survives or not at random) and may tear one 4 KiB write,
 * cut at a random operation. After reopening: the pool opens, {@code thin_check} passes, every
 * sector holds what it held at the last durable point or something written since, and nothing
 * else: no garbage, no other volume's data.
 *
 * <p>{@code -Dthinly.powercut.trials=100000} runs the documented long variant; {@code
 * -Dthinly.powercut.seed=S} replays a reported failure.
 */
class PowerCutTest {
  private static final long VOLUME_BYTES = 1 << 20;
  private static final int SECTORS = (int) (VOLUME_BYTES / PowerCutModel.SECTOR);
  private static final int BLOCK_SECTORS = 128;
  private static final String[] NAMES = {"v0", "v1", "v2", "v3", "v4"};

  @TempDir Path tmp;

  @Test
  void everyAcknowledgedWriteSurvivesAndNothingElseAppears() throws Exception {
    int trials = Integer.getInteger("thinly.powercut.trials", 1000);
    long seed0 = Long.getLong("thinly.powercut.seed", 20261122L);
    Path template = tmp.resolve("template");
    ThinPool.create(template, PoolCreateOptions.ofSize(16L << 20).withMetadataSize(2L << 20), PoolOptions.defaults("t"))
        .close();
    byte[] metadata = Files.readAllBytes(template.resolve("metadata"));
    ExecutorService workers = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < trials; t++) {
        long seed = seed0 + t;
        runs.add(workers.submit(() -> trial(seed, template, metadata, seed % 10 == 0)));
      }
      for (Future<?> f : runs) {
        f.get();
      }
    } finally {
      workers.shutdownNow();
    }
    System.out.println("power-cut simulation: " + trials + " crash points survived");
  }

  private void trial(long seed, Path template, byte[] metadataImage, boolean runThinCheck) {
    Path dir = tmp.resolve("trial-" + seed);
    try {
      copyPoolFiles(template, dir);
      BlockDevice meta = new MemoryBlockDevice("metadata", metadataImage.length);
      meta.write(0, ByteBuffer.wrap(metadataImage));
      BlockDevice data = new MemoryBlockDevice("data", Files.size(template.resolve("data")));
      Random random = new Random(seed);
      FaultInjectingBlockDevice.PowerSupply rail =
          new FaultInjectingBlockDevice.PowerSupply().cutAt(1 + random.nextInt(600));
      FaultInjectingBlockDevice fiMeta = new FaultInjectingBlockDevice(meta, seed, rail);
      FaultInjectingBlockDevice fiData = new FaultInjectingBlockDevice(data, ~seed, rail);
      PoolOptions options =
          PoolOptions.defaults("power-cut")
              .withCommitPeriodMillis(5 + random.nextInt(300))
              .withDevices(p -> p.endsWith("metadata") ? fiMeta : fiData);
      PowerCutModel model = new PowerCutModel();
      ThinPool pool = null;
      try {
        pool = ThinPool.open(dir, options);
        workload(pool, model, random, rail);
      } catch (RuntimeException e) {
        model.log("cut after " + rail.operations() + " device operations: " + e.getMessage());
        if (!rail.isCut()) {
          throw new AssertionError("seed " + seed + ": failed before the power cut", e);
        }
      } finally {
        rail.cutAt(Math.max(1, rail.operations()));
        if (pool != null) {
          try {
            pool.close();
          } catch (RuntimeException expected) {
            // the devices are dead; close still releases the lock
          }
        }
      }
      fiMeta.crash();
      fiData.crash();
      if (runThinCheck) {
        Path image = dir.resolve("metadata.img");
        byte[] bytes = new byte[(int) meta.sizeBytes()];
        meta.read(0, ByteBuffer.wrap(bytes));
        Files.write(image, bytes);
        ThinTools.Result r = ThinTools.thinCheck(image);
        assertThat(r.exitCode()).as("seed " + seed + ": " + r.all()).isZero();
      }
      verify(seed, dir, meta, data, model);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteTree(dir);
    }
  }

  private static void workload(
      ThinPool pool, PowerCutModel model, Random random, FaultInjectingBlockDevice.PowerSupply rail) {
    create(pool, model, "v0");
    for (int op = 0; op < 80 && !rail.isCut(); op++) {
      List<String> names = List.copyOf(model.volumes.keySet());
      String name = names.isEmpty() ? null : names.get(random.nextInt(names.size()));
      int kind = random.nextInt(100);
      if (name == null || kind < 4) {
        String free = freeName(model, random);
        if (free != null) {
          create(pool, model, free);
        }
      } else if (kind < 60) {
        write(pool, model, name, random);
      } else if (kind < 68) {
        ranged(pool, model, name, random, false);
      } else if (kind < 76) {
        ranged(pool, model, name, random, true);
      } else if (kind < 86) {
        model.log("flush");
        pool.flush();
        model.durable();
      } else if (kind < 94) {
        String free = freeName(model, random);
        if (free != null) {
          PowerCutModel.Vol copy = model.volumes.get(name).copy();
          copy.uncertain = true;
          model.volumes.put(free, copy);
          model.log("snapshot " + name + " " + free);
          pool.snapshot(name, free, false);
          model.durable();
        }
      } else if (model.volumes.size() > 1) {
        model.volumes.get(name).uncertain = true;
        model.log("delete " + name);
        pool.delete(name, false);
        model.volumes.remove(name);
        model.durable();
      }
    }
  }

  private static void create(ThinPool pool, PowerCutModel model, String name) {
    PowerCutModel.Vol v = new PowerCutModel.Vol(SECTORS);
    v.uncertain = true;
    model.volumes.put(name, v);
    model.log("create " + name);
    pool.create(name, VOLUME_BYTES, Map.of());
    model.durable();
  }

  private static String freeName(PowerCutModel model, Random random) {
    List<String> free = new ArrayList<>();
    for (String n : NAMES) {
      if (!model.volumes.containsKey(n)) {
        free.add(n);
      }
    }
    return free.isEmpty() ? null : free.get(random.nextInt(free.size()));
  }

  private static void write(ThinPool pool, PowerCutModel model, String name, Random random) {
    int first = random.nextInt(SECTORS);
    int n = 1 + random.nextInt(Math.min(SECTORS - first, random.nextBoolean() ? 8 : 400));
    boolean fua = random.nextInt(5) == 0;
    long id = model.newWriteId();
    PowerCutModel.Vol v = model.volumes.get(name);
    for (int s = first; s < first + n; s++) {
      v.set(s, id);
    }
    model.log("write " + name + " id " + id + " sectors " + first + "+" + n + (fua ? " fua" : ""));
    try (Volume vol = pool.open(name)) {
      vol.write((long) first * PowerCutModel.SECTOR, PowerCutModel.pattern(id, first, n), fua);
    }
    if (fua) {
      model.durable();
    }
  }

  /** Discard (whole blocks become zeros) or write-zeroes (every sector becomes zeros). */
  private static void ranged(ThinPool pool, PowerCutModel model, String name, Random random, boolean zero) {
    int first = random.nextInt(SECTORS);
    int n = 1 + random.nextInt(SECTORS - first);
    PowerCutModel.Vol v = model.volumes.get(name);
    int from = zero ? first : (first + BLOCK_SECTORS - 1) / BLOCK_SECTORS * BLOCK_SECTORS;
    int to = zero ? first + n : (first + n) / BLOCK_SECTORS * BLOCK_SECTORS;
    for (int s = from; s < to; s++) {
      v.set(s, 0);
    }
    model.log((zero ? "zero " : "discard ") + name + " sectors " + first + "+" + n);
    try (Volume vol = pool.open(name)) {
      long off = (long) first * PowerCutModel.SECTOR;
      long len = (long) n * PowerCutModel.SECTOR;
      if (zero) {
        vol.writeZeroes(off, len, random.nextBoolean(), false);
      } else {
        vol.discard(off, len, false);
      }
    }
  }

  private static void verify(long seed, Path dir, BlockDevice meta, BlockDevice data, PowerCutModel model) {
    PoolOptions options = PoolOptions.defaults("verify").withDevices(p -> p.endsWith("metadata") ? meta : data);
    try (ThinPool pool = ThinPool.open(dir, options)) {
      List<String> present = pool.list().stream().map(VolumeUsage::name).toList();
      for (String name : present) {
        assertThat(model.volumes).as("seed " + seed + ": volume " + name + " was never created").containsKey(name);
      }
      for (Map.Entry<String, PowerCutModel.Vol> e : model.volumes.entrySet()) {
        PowerCutModel.Vol v = e.getValue();
        if (!present.contains(e.getKey())) {
          assertThat(v.uncertain).as("seed " + seed + ": volume " + e.getKey() + " vanished").isTrue();
          continue;
        }
        ByteBuffer b = ByteBuffer.allocate((int) VOLUME_BYTES);
        try (Volume vol = pool.open(e.getKey())) {
          vol.read(0, b);
        }
        for (int s = 0; s < SECTORS; s++) {
          long id = PowerCutModel.decode(b, s * PowerCutModel.SECTOR, s);
          assertThat(v.allowed.get(s))
              .as("seed %d: volume %s sector %d holds write %d after:%n%s", seed, e.getKey(), s, id,
                  String.join("\n", model.trace))
              .contains(id);
        }
      }
      // the pool is usable again
      String any = present.isEmpty() ? null : present.get(0);
      if (any != null) {
        try (Volume vol = pool.open(any)) {
          vol.write(0, PowerCutModel.pattern(999_999, 0, 8), true);
        }
      }
    }
  }

  private static void copyPoolFiles(Path from, Path to) throws IOException {
    Files.createDirectories(to.resolve("catalog"));
    Files.copy(from.resolve("pool.json"), to.resolve("pool.json"));
    try (Stream<Path> s = Files.list(from.resolve("catalog"))) {
      for (Path p : s.toList()) {
        Files.copy(p, to.resolve("catalog").resolve(p.getFileName()));
      }
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind is removed with the test's @TempDir
    }
  }
}
