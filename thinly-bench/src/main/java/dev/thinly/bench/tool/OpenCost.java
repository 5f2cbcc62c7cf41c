package dev.thinly.bench.tool;

import dev.thinly.pdata.io.FileBlockDevice;
import dev.thinly.thin.metadata.PoolMetadata;
import dev.thinly.thin.pool.ThinPool;
import dev.thinly.thin.pool.Volume;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Experiment 4: builds (with {@code build=true}) or opens a pool with {@code mappings} mapped
 * blocks and reports, in this JVM (run it with -Xmx256m): metadata blocks read by opening the
 * metadata, the time to open the whole pool, the heap in use after a full GC, and the latency of
 * in-process 4 KiB reads at random mapped offsets (which miss the 64 MiB metadata cache when the
 * mapping tree is bigger).
 *
 * <pre>dir=POOL mappings=50000000 build=true|false [reads=20000]</pre>
 */
final class OpenCost {
  private OpenCost() {}

  static void run(Args a) {
    Path dir = a.path("dir");
    long mappings = Long.parseLong(a.string("mappings"));
    boolean build = Boolean.parseBoolean(a.string("build", "false"));
    int reads = a.integer("reads", 20_000);
    a.checkAllUsed();
    Out out = new Out().put("mappings", mappings);
    if (build) {
      long nanos = BenchPools.mappedPool(dir, mappings, 1L << 30);
      out.put("buildSeconds", Out.seconds(nanos)).put("metadataBlocksUsed", BenchPools.metadataBlocksUsed(dir));
      out.print();
      return;
    }
    long t0 = System.nanoTime();
    long blocksRead;
    try (PoolMetadata pm =
        PoolMetadata.open(FileBlockDevice.open(dir.resolve("metadata"), true), BenchPools.CACHE_BYTES, true)) {
      blocksRead = pm.blockManager().deviceReads();
    }
    long metadataOpen = System.nanoTime() - t0;
    t0 = System.nanoTime();
    try (ThinPool pool = BenchPools.open(dir)) {
      long poolOpen = System.nanoTime() - t0;
      long heapAfterOpen = heapAfterGc();
      long[] lat = new long[reads];
      try (Volume v = pool.open("origin")) {
        ByteBuffer buf = ByteBuffer.allocateDirect(4096);
        SplittableRandom r = new SplittableRandom(3);
        long pages = v.sizeBytes() / 4096;
        for (int i = 0; i < reads; i++) {
          buf.clear();
          long s = System.nanoTime();
          v.read(r.nextLong(pages) * 4096, buf);
          lat[i] = System.nanoTime() - s;
        }
      }
      out.put("metadataOpenBlocksRead", blocksRead)
          .put("metadataOpenMillis", Out.millis(metadataOpen))
          .put("poolOpenMillis", Out.millis(poolOpen))
          .put("heapAfterOpenBytes", heapAfterOpen)
          .put("heapAfterReadsBytes", heapAfterGc())
          .put("maxHeapBytes", Runtime.getRuntime().maxMemory())
          .put("readNanos", lat);
    }
    out.print();
  }

  private static long heapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
