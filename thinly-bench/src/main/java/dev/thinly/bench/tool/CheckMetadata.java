package dev.thinly.bench.tool;

import dev.thinly.pdata.io.FileBlockDevice;
import dev.thinly.thin.metadata.PoolBuilder;
import dev.thinly.thin.metadata.PoolMetadata;
import dev.thinly.thin.tools.Check;
import dev.thinly.thin.tools.CheckOptions;
import dev.thinly.thin.tools.CheckReport;
import dev.thinly.thin.tools.Delta;
import dev.thinly.thin.tools.DeltaOptions;
import java.io.Writer;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Experiment 5's metadata file (no pool around it): thin 0 maps {@code mappings} blocks (built
 * bottom-up, as a restore does), thin 1 is a snapshot of it in which {@code mappings / 1000} random
 * blocks (0.1 %) were then rewritten, each to a new data block. Both {@code thin_check} and {@code
 * thinly check}, {@code thin_delta} and {@code thinly delta} then read the same file. Also runs
 * the check and the delta in-process (best of three, no JVM start-up) and reports how many metadata
 * blocks the delta read.
 *
 * <pre>file=META mappings=10000000</pre>
 */
final class CheckMetadata {
  private CheckMetadata() {}

  static void run(Args a) {
    Path file = a.path("file");
    long mappings = Long.parseLong(a.string("mappings"));
    a.checkAllUsed();
    long changed = Math.max(1, mappings / 1000);
    long nrDataBlocks = mappings + changed + 1024;
    long t0 = System.nanoTime();
    PoolBuilder.Header header = new PoolBuilder.Header(BenchPools.BLOCK_SECTORS, nrDataBlocks, 0, 1, 0);
    long estimate = PoolBuilder.estimateBlocks(nrDataBlocks, 2);
    try (PoolBuilder b = PoolBuilder.start(FileBlockDevice.create(file, 1L << 20), true, BenchPools.CACHE_BYTES, header)) {
      b.beginDevice(0, 1, 0, 0);
      b.mapRun(0, 0, mappings, 0);
      b.endDevice();
      b.commit(estimate);
    }
    long used;
    long total;
    try (PoolMetadata pm = PoolMetadata.open(FileBlockDevice.open(file), BenchPools.CACHE_BYTES, false)) {
      pm.createSnap(1, 0);
      pm.commit();
      SplittableRandom r = new SplittableRandom(5);
      long[] keys = SnapshotChain.sample(r, mappings, (int) changed);
      for (int i = 0; i < keys.length; i++) {
        pm.insert(1, keys[i], pm.allocateDataBlock().orElseThrow());
        if (i % 100_000 == 99_999) {
          pm.commit();
        }
      }
      pm.commit();
      total = pm.nrMetadataBlocks();
      used = total - pm.nrFreeMetadataBlocks();
    }
    double buildSeconds = Out.seconds(System.nanoTime() - t0);
    Out.progress("%s: %,d mappings, %,d changed in the snapshot, %,d metadata blocks used, %.1f s",
        file, mappings, changed, used, buildSeconds);
    long best = Long.MAX_VALUE;
    Delta.Result result = null;
    for (int i = 0; i < 3; i++) {
      long s = System.nanoTime();
      result = Delta.run(file, DeltaOptions.of(0, 1, false), Writer.nullWriter());
      best = Math.min(best, System.nanoTime() - s);
    }
    long bestCheck = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long s = System.nanoTime();
      Check.run(file, CheckOptions.full(), CheckMetadata::mustBeClean);
      bestCheck = Math.min(bestCheck, System.nanoTime() - s);
    }
    new Out()
        .put("mappings", mappings)
        .put("checkInProcessMillis", Out.millis(bestCheck))
        .put("changedMappings", changed)
        .put("metadataBlocksUsed", used)
        .put("metadataBlocks", total)
        .put("buildSeconds", buildSeconds)
        .put("deltaBlocksRead", result.blocksRead())
        .put("deltaInProcessMillis", Out.millis(best))
        .print();
  }

  private static void mustBeClean(CheckReport.Problem p) {
    if (p.severity() != CheckReport.Severity.WARNING) {
      throw new IllegalStateException("the benchmark metadata is not clean: " + p);
    }
  }
}
