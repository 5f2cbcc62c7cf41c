package dev.thinly.bench.tool;

import dev.thinly.thin.pool.PoolStatus;
import dev.thinly.thin.pool.ThinPool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Experiment 3: a fully written golden volume and {@code count} writable clones of it, made one
 * after the other through the library ({@link ThinPool#snapshot}, which is what {@code thinly
 * snapshot} and the control socket run: durable when it returns). Records each clone's time and the
 * metadata blocks in use at each checkpoint.
 *
 * <pre>dir=POOL size=2G count=10000 checkpoints=1000,10000</pre>
 */
final class Clones {
  private Clones() {}

  static void run(Args a) {
    Path dir = a.path("dir");
    long size = a.size("size");
    int count = a.integer("count", 1000);
    long[] checkpoints = a.sizes("checkpoints");
    a.checkAllUsed();
    Out out = new Out();
    List<Object> marks = new ArrayList<>();
    long[] micros = new long[count];
    try (ThinPool pool = BenchPools.create(dir, size * 2)) {
      pool.create("golden", size, Map.of());
      BenchPools.fill(pool, "golden", 7);
      long before = used(pool.status());
      out.put("goldenMetadataBlocks", before);
      long start = System.nanoTime();
      int next = 0;
      for (int i = 1; i <= count; i++) {
        long t0 = System.nanoTime();
        pool.snapshot("golden", "clone-" + i, false);
        micros[i - 1] = (System.nanoTime() - t0) / 1000;
        if (next < checkpoints.length && i == checkpoints[next]) {
          double secs = Out.seconds(System.nanoTime() - start);
          long blocks = used(pool.status());
          Out.progress("%d clones in %.1f s; metadata blocks %d", i, secs, blocks);
          marks.add(Map.of("clones", i, "seconds", secs, "metadataBlocks", blocks, "metadataBlocksAdded", blocks - before));
          next++;
        }
      }
    }
    out.put("checkpoints", marks).put("cloneMicros", micros).print();
  }

  private static long used(PoolStatus s) {
    return s.metadataBlocksUsed();
  }
}
