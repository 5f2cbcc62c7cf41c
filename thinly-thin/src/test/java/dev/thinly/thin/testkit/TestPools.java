package dev.thinly.thin.testkit;

import dev.thinly.pdata.io.FileBlockDevice;
import dev.thinly.thin.metadata.PoolMetadata;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Pools made through {@link PoolMetadata} for tool tests: thins, snapshots, divergent writes. */
public final class TestPools {
  private TestPools() {}

  /** Maps {@code [begin, begin + n)} of a device to fresh data blocks, committing every 50,000. */
  public static void fill(PoolMetadata pm, long thinId, long begin, long n, int stride) {
    for (long i = 0; i < n; i++) {
      pm.insert(thinId, begin + i * stride, pm.allocateDataBlock().orElseThrow());
      if (i % 50_000 == 49_999) {
        pm.commit();
      }
    }
  }

  /**
   * A random pool: a few thins with mappings, snapshots of them and of snapshots, divergent writes
   * (new data blocks) into origins and snapshots, discards, a deleted device, optionally a held
   * metadata snapshot taken in the middle. Returns the ids of the devices that exist at the end.
   */
  public static List<Long> random(Path file, long seed, boolean holdMetadataSnapshot) {
    return random(file, seed, holdMetadataSnapshot, false);
  }

  /**
   * As {@link #random(Path, long, boolean)}; {@code dense} maps each device's blocks without gaps
   * (writes only overwrite, nothing is discarded), the case where delta need not read what devices
   * share.
   */
  public static List<Long> random(
      Path file, long seed, boolean holdMetadataSnapshot, boolean dense) {
    Random rnd = new Random(seed);
    List<Long> ids = new ArrayList<>();
    try (PoolMetadata pm =
        PoolMetadata.format(FileBlockDevice.create(file, 32L << 20), 128, 200_000, 4L << 20)) {
      long next = 0;
      int thins = 1 + rnd.nextInt(3);
      for (int t = 0; t < thins; t++) {
        long id = next++;
        pm.createThin(id);
        ids.add(id);
        int n = dense ? 6000 : rnd.nextInt(3000);
        long base = dense ? 0 : rnd.nextInt(1000);
        for (int i = 0; i < n; i++) {
          long gap = !dense && rnd.nextInt(10) == 0 ? rnd.nextInt(5000) : 0;
          pm.insert(id, base + i + gap, pm.allocateDataBlock().orElseThrow());
        }
      }
      pm.commit();
      int rounds = 2 + rnd.nextInt(4);
      for (int r = 0; r < rounds; r++) {
        long origin = ids.get(rnd.nextInt(ids.size()));
        long snap = next++;
        pm.createSnap(snap, origin);
        ids.add(snap);
        pm.commit();
        if (holdMetadataSnapshot && r == 1 && pm.heldRoot() == 0) {
          pm.reserveMetadataSnap();
          pm.commit();
        }
        for (int w = 0; w < 1 + rnd.nextInt(4); w++) {
          long dev = ids.get(rnd.nextInt(ids.size()));
          int n = rnd.nextInt(400);
          long at = rnd.nextInt(6000);
          for (int i = 0; i < n; i++) {
            long block = rnd.nextBoolean() ? at + i : rnd.nextInt(dense ? 6000 : 8000);
            pm.insert(
                dev, dense ? Math.min(block, 5999) : block, pm.allocateDataBlock().orElseThrow());
          }
          if (!dense && rnd.nextInt(3) == 0) {
            long from = rnd.nextInt(6000);
            pm.removeRange(dev, from, from + rnd.nextInt(300));
          }
        }
        pm.commit();
      }
      if (ids.size() > 3 && rnd.nextBoolean()) {
        long gone = ids.remove(rnd.nextInt(ids.size()));
        pm.deleteThin(gone);
        pm.commit();
      }
      pm.setTransactionId(pm.transactionId(), pm.transactionId() + 1 + rnd.nextInt(10));
      pm.commit();
    }
    return ids;
  }
}
