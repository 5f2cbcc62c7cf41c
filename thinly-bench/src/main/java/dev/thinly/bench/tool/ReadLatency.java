package dev.thinly.bench.tool;

import dev.thinly.thin.pool.ThinPool;
import dev.thinly.thin.pool.Volume;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * 4 KiB random reads through the library ({@link Volume#read}), no NBD, no fio: the engine's own
 * read cost on each of several volumes of one pool; and the lookup alone (the mapping of a random
 * 4 KiB range, {@link Volume#blockStatus}), which is the part of a read that depends on the
 * metadata, without the data read from the page cache. The volumes take turns in short bursts, many
 * rounds, so that the machine's drift hits them alike; reports each volume's mean and percentiles
 * over all its bursts, and the median of its burst means. Each volume is first read whole, so its
 * data is in the page cache (the suite measures software paths, not the disk).
 *
 * <pre>dir=POOL volumes=d1-g1,d1000-g1000 [reads=2000] [rounds=50]</pre>
 */
final class ReadLatency {
  private ReadLatency() {}

  static void run(Args a) {
    Path dir = a.path("dir");
    String[] names = a.string("volumes").split(",");
    int reads = a.integer("reads", 2000);
    int rounds = a.integer("rounds", 50);
    a.checkAllUsed();
    Map<String, Object> results = new LinkedHashMap<>();
    try (ThinPool pool = BenchPools.open(dir)) {
      Volume[] vols = new Volume[names.length];
      for (int i = 0; i < names.length; i++) {
        vols[i] = pool.open(names[i]);
      }
      long[][] lat = new long[names.length][reads * rounds];
      double[][] burstMeans = new double[names.length][rounds];
      long[][] lookupLat = new long[names.length][reads * rounds];
      double[][] lookupMeans = new double[names.length][rounds];
      // every volume read whole once: its data in the page cache, as for each system in the suite
      ByteBuffer big = ByteBuffer.allocateDirect(1 << 20);
      for (Volume v : vols) {
        for (long off = 0; off < v.sizeBytes(); off += big.capacity()) {
          big.clear().limit((int) Math.min(big.capacity(), v.sizeBytes() - off));
          v.read(off, big);
        }
      }
      ByteBuffer buf = ByteBuffer.allocateDirect(4096);
      SplittableRandom r = new SplittableRandom(9);
      for (int warm = 0; warm < 3; warm++) {
        for (Volume v : vols) {
          burst(v, buf, r, new long[reads], 0, reads);
        }
      }
      for (int round = 0; round < rounds; round++) {
        for (int k = 0; k < vols.length; k++) {
          int i = (k + round) % vols.length; // rotate who goes first
          burstMeans[i][round] = burst(vols[i], buf, r, lat[i], round * reads, reads) / 1000.0;
          lookupMeans[i][round] = lookups(vols[i], r, lookupLat[i], round * reads, reads) / 1000.0;
        }
      }
      for (int i = 0; i < names.length; i++) {
        long[] l = lat[i];
        Arrays.sort(l);
        double[] m = burstMeans[i].clone();
        Arrays.sort(m);
        long[] k = lookupLat[i];
        Arrays.sort(k);
        double[] km = lookupMeans[i].clone();
        Arrays.sort(km);
        results.put(
            names[i],
            Map.of(
                "meanUs", Arrays.stream(l).average().orElse(0) / 1000,
                "p50Us", l[l.length / 2] / 1000.0,
                "p99Us", l[(int) (l.length * 0.99)] / 1000.0,
                "medianBurstMeanUs", m[m.length / 2],
                "lookupP50Us", k[k.length / 2] / 1000.0,
                "lookupMedianBurstMeanUs", km[km.length / 2]));
        vols[i].close();
      }
    }
    List<Object> order = new ArrayList<>(List.of(names));
    new Out().put("volumes", order).put("reads", reads).put("rounds", rounds).put("results", results).print();
  }

  /**
   * {@code n} lookups of a random 4 KiB range's mapping alone ({@link Volume#blockStatus}: the read
   * path's metadata part, without the data read); returns their mean in nanoseconds.
   */
  private static double lookups(Volume v, SplittableRandom r, long[] out, int at, int n) {
    long pages = v.sizeBytes() / 4096;
    boolean[] mapped = new boolean[1];
    long sum = 0;
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      v.blockStatus(r.nextLong(pages) * 4096, 4096, (off, len, allocated) -> mapped[0] = allocated);
      long t = System.nanoTime() - t0;
      out[at + i] = t;
      sum += t;
      if (!mapped[0]) {
        throw new IllegalStateException("volume " + v.name() + " has an unmapped block");
      }
    }
    return (double) sum / n;
  }

  /** {@code n} random 4 KiB reads; returns their mean in nanoseconds. */
  private static double burst(Volume v, ByteBuffer buf, SplittableRandom r, long[] out, int at, int n) {
    long pages = v.sizeBytes() / 4096;
    long sum = 0;
    for (int i = 0; i < n; i++) {
      buf.clear();
      long t0 = System.nanoTime();
      v.read(r.nextLong(pages) * 4096, buf);
      long t = System.nanoTime() - t0;
      out[at + i] = t;
      sum += t;
    }
    return (double) sum / n;
  }
}
