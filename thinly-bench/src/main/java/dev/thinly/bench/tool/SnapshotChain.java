package dev.thinly.bench.tool;

import dev.thinly.thin.pool.ThinPool;
import dev.thinly.thin.pool.Volume;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Experiment 1's pool: a fully written volume {@code base} and, for each depth N, a chain of N
 * snapshots {@code dN-g1 .. dN-gN} (g1 a snapshot of base, each next one a snapshot of the one
 * before), where every generation rewrites a random 1/N of the pool blocks of the disk right after
 * it is taken. The newest, {@code dN-gN}, is the one read.
 *
 * <p>The blocks each generation rewrote go to {@code plan-N.txt} (one line per generation), so the
 * qcow2 chain is built with exactly the same writes.
 *
 * <pre>dir=POOL size=2G depths=1,16,64 plans=DIR [seed=1]</pre>
 */
final class SnapshotChain {
  private SnapshotChain() {}

  static void run(Args a) throws IOException {
    Path dir = a.path("dir");
    long size = a.size("size");
    long[] depths = a.sizes("depths");
    Path plans = a.path("plans");
    long seed = Long.parseLong(a.string("seed", "1"));
    a.checkAllUsed();
    Files.createDirectories(plans);
    long blocks = size / BenchPools.BLOCK_BYTES;
    long start = System.nanoTime();
    Out out = new Out();
    // each chain rewrites the disk about once; most rewritten blocks are unique to the chain
    try (ThinPool pool = BenchPools.create(dir, size * (depths.length + 2))) {
      pool.create("base", size, Map.of());
      BenchPools.fill(pool, "base", seed);
      Out.progress("base: %d MiB written", size >> 20);
      ByteBuffer pattern = ByteBuffer.allocateDirect((int) BenchPools.BLOCK_BYTES);
      SplittableRandom fill = new SplittableRandom(seed + 1);
      while (pattern.hasRemaining()) {
        pattern.putLong(fill.nextLong());
      }
      List<Object> chains = new ArrayList<>();
      for (long depth : depths) {
        long chainStart = System.nanoTime();
        SplittableRandom r = new SplittableRandom(seed * 1_000_003 + depth);
        int perGeneration = (int) Math.max(1, blocks / depth);
        String previous = "base";
        try (PrintWriter plan = new PrintWriter(Files.newBufferedWriter(plans.resolve("plan-" + depth + ".txt")))) {
          for (int g = 1; g <= depth; g++) {
            String name = "d" + depth + "-g" + g;
            pool.snapshot(previous, name, false);
            long[] chosen = sample(r, blocks, perGeneration);
            StringBuilder line = new StringBuilder();
            try (Volume v = pool.open(name)) {
              for (long b : chosen) {
                pattern.putLong(0, b * 31 + g);
                BenchPools.writeBlock(v, b, pattern);
                line.append(b).append(' ');
              }
            }
            plan.println(line.toString().trim());
            previous = name;
          }
        }
        pool.flush();
        double secs = Out.seconds(System.nanoTime() - chainStart);
        Out.progress("depth %d: %d generations of %d blocks in %.1f s", depth, depth, perGeneration, secs);
        chains.add(Map.of("depth", depth, "top", previous, "blocksPerGeneration", perGeneration, "seconds", secs));
      }
      out.put("chains", chains);
    }
    out.put("blocks", blocks).put("blockBytes", BenchPools.BLOCK_BYTES);
    out.put("seconds", Out.seconds(System.nanoTime() - start));
    out.print();
  }

  /** {@code k} distinct block numbers below {@code n}, in ascending order. */
  static long[] sample(SplittableRandom r, long n, int k) {
    if (k >= n) {
      long[] all = new long[(int) n];
      for (int i = 0; i < n; i++) {
        all[i] = i;
      }
      return all;
    }
    java.util.BitSet seen = new java.util.BitSet((int) n);
    long[] out = new long[k];
    int got = 0;
    while (got < k) {
      int b = (int) r.nextLong(n);
      if (!seen.get(b)) {
        seen.set(b);
        out[got++] = b;
      }
    }
    java.util.Arrays.sort(out);
    return out;
  }
}
