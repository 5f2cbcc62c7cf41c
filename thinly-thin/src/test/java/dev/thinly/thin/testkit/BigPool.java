package dev.thinly.thin.testkit;

import dev.thinly.pdata.io.FileBlockDevice;
import dev.thinly.thin.metadata.PoolMetadata;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes a large pool for measuring the tools (not a test): two thins of {@code mappings / 2}
 * mappings each, a snapshot of the first with 1% of its blocks rewritten, and a held metadata
 * snapshot taken before the rewrite.
 *
 * <pre>
 * java -cp thinly-cli/target/thinly.jar:thinly-thin/target/test-classes \
 *     dev.thinly.thin.testkit.BigPool /tmp/big.meta 10000000
 * </pre>
 */
public final class BigPool {
  private BigPool() {}

  public static void main(String[] args) {
    Path file = Path.of(args[0]);
    long mappings = Long.parseLong(args[1]);
    long half = mappings / 2;
    long metadataBytes = Math.max(64L << 20, mappings * 48);
    long started = System.nanoTime();
    try (PoolMetadata pm =
        PoolMetadata.format(
            FileBlockDevice.create(file, metadataBytes),
            128,
            mappings + mappings / 10,
            64L << 20)) {
      pm.createThin(0);
      TestPools.fill(pm, 0, 0, half, 1);
      pm.createThin(2);
      TestPools.fill(pm, 2, 0, half, 1);
      pm.commit();
      pm.createSnap(1, 0);
      pm.commit();
      pm.reserveMetadataSnap();
      pm.commit();
      Random rnd = new Random(1);
      for (long i = 0; i < half / 100; i++) {
        pm.insert(1, (long) (rnd.nextDouble() * half), pm.allocateDataBlock().orElseThrow());
        if (i % 50_000 == 49_999) {
          pm.commit();
        }
      }
      pm.commit();
      System.out.printf(
          "%s: %d mappings, %d of %d metadata blocks used, %.1f s%n",
          file,
          3 * half,
          pm.nrMetadataBlocks() - pm.nrFreeMetadataBlocks(),
          pm.nrMetadataBlocks(),
          (System.nanoTime() - started) / 1e9);
    }
  }
}
