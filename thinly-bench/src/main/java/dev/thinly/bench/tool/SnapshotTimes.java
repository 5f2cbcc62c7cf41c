package dev.thinly.bench.tool;

import dev.thinly.pdata.io.FileBlockDevice;
import dev.thinly.thin.metadata.PoolMetadata;
import dev.thinly.thin.pool.ThinPool;
import java.nio.file.Path;

/**
 * Experiment 2: snapshot creation time on a volume with {@code mappings} mapped blocks (a pool made
 * by {@link BenchPools#mappedPool}, data never written). Two figures per snapshot:
 *
 * <ul>
 *   <li>{@code pool}: {@link ThinPool#snapshot}, the whole user operation (catalog version written
 *       and synced, metadata change, commit with its flushes); durable when it returns.
 *   <li>{@code metadata}: {@link PoolMetadata#createSnap} and {@link PoolMetadata#commit} on the
 *       same metadata, the engine's part alone (no catalog).
 * </ul>
 *
 * <p>With {@code build=true} it only builds the pool, so that the runner can build every size
 * first and then measure them in alternating rounds ({@code round} keeps the names apart).
 *
 * <pre>dir=POOL mappings=16777216 build=true
 * dir=POOL mappings=16777216 count=60 [warmup=20] [round=0]</pre>
 */
final class SnapshotTimes {
  private SnapshotTimes() {}

  static void run(Args a) {
    Path dir = a.path("dir");
    long mappings = Long.parseLong(a.string("mappings"));
    boolean build = Boolean.parseBoolean(a.string("build", "false"));
    int count = a.integer("count", 200);
    int warmup = a.integer("warmup", 20);
    int round = a.integer("round", 0);
    a.checkAllUsed();
    if (build) {
      long buildNanos = BenchPools.mappedPool(dir, mappings, 1L << 30);
      Out.progress("%,d mappings built in %.1f s", mappings, Out.seconds(buildNanos));
      new Out().put("mappings", mappings).put("buildSeconds", Out.seconds(buildNanos)).print();
      return;
    }
    long[] pool = new long[count];
    try (ThinPool p = BenchPools.open(dir)) {
      for (int i = -warmup; i < count; i++) {
        long t0 = System.nanoTime();
        p.snapshot("origin", "snap-" + round + "-" + (i + warmup), false);
        long t = System.nanoTime() - t0;
        if (i >= 0) {
          pool[i] = t;
        }
      }
    }
    long[] metadata = new long[count];
    try (PoolMetadata pm =
        PoolMetadata.open(FileBlockDevice.open(dir.resolve("metadata")), BenchPools.CACHE_BYTES, false)) {
      long id = 1_000_000 + 100_000L * round;
      for (int i = -warmup; i < count; i++) {
        long t0 = System.nanoTime();
        pm.createSnap(id++, 0);
        pm.commit();
        long t = System.nanoTime() - t0;
        if (i >= 0) {
          metadata[i] = t;
        }
      }
    }
    new Out()
        .put("mappings", mappings)
        .put("poolNanos", pool)
        .put("metadataNanos", metadata)
        .print();
  }
}
