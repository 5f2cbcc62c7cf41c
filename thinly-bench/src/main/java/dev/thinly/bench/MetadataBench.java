package dev.thinly.bench;

import dev.thinly.pdata.io.FileBlockDevice;
import dev.thinly.thin.metadata.PoolMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The metadata core's basic operations on a device with {@code mappings} mappings (64 MiB cache,
 * file-backed): lookup, insert (allocate a data block and map it), commit after a batch of
 * inserts, and create_snap followed by its commit.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MetadataBench {
  @Param({"1000000"})
  public long mappings;

  private Path dir;
  private PoolMetadata pm;
  private SplittableRandom random;
  private long nextKey;
  private long nextSnap;
  private int sinceCommit;

  @Setup(Level.Trial)
  public void build() throws IOException {
    dir = Files.createTempDirectory("thinly-bench");
    pm =
        PoolMetadata.format(
            FileBlockDevice.create(dir.resolve("metadata"), 1L << 30), 128, 4 * mappings + 10_000_000L, 64L << 20);
    pm.createThin(0);
    for (long i = 0; i < mappings; i++) {
      pm.insert(0, 2 * i, pm.allocateDataBlock().orElseThrow());
    }
    pm.commit();
    random = new SplittableRandom(42);
    nextKey = 2 * mappings;
    nextSnap = 1;
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    pm.close();
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** A random mapped block. */
  @Benchmark
  public long lookup() {
    return pm.lookup(0, 2 * random.nextLong(mappings));
  }

  /** Maps a new block (between existing ones, so leaves split and fill as in real use). */
  @Benchmark
  public boolean insert() {
    boolean added = pm.insert(0, 2 * random.nextLong(mappings) + 1, pm.allocateDataBlock().orElseThrow());
    if (++sinceCommit == 10_000) {
      pm.commit();
      sinceCommit = 0;
    }
    return added;
  }

  /** 100 inserts at random places, then the commit that makes them durable. */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public void hundredInsertsAndCommit() {
    for (int i = 0; i < 100; i++) {
      pm.insert(0, nextKey++, pm.allocateDataBlock().orElseThrow());
    }
    pm.commit();
  }

  /** A snapshot of the 1M-mapping device and its commit: O(1) whatever the size. */
  @Benchmark
  public void createSnapAndCommit() {
    pm.createSnap(nextSnap++, 0);
    pm.commit();
    if (nextSnap > 2000) {
      for (long id = 1; id < nextSnap; id++) {
        pm.deleteThin(id);
      }
      pm.commit();
      nextSnap = 1;
    }
  }
}
