package dev.thinly.thin.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.pdata.io.FileBlockDevice;
import dev.thinly.thin.format.BlockTime;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ten million mappings with a 64 MiB block cache, in a JVM limited to 256 MiB of heap (its own
 * surefire execution, see the module's pom): the metadata never has to fit in memory. Opening
 * reads a constant number of blocks; one insert and a commit write O(tree height) blocks. The
 * counts are printed.
 */
class MetadataScaleTest {
  private static final long MAPPINGS = Long.getLong("thinly.scale.mappings", 10_000_000L);
  private static final long CACHE_BYTES = 64L << 20;

  @TempDir Path dir;

  @Test
  void tenMillionMappingsInBoundedMemory() {
    Path file = dir.resolve("metadata");
    long start = System.nanoTime();
    try (PoolMetadata pm =
        PoolMetadata.format(FileBlockDevice.create(file, 1L << 30), 128, MAPPINGS + 1000, CACHE_BYTES)) {
      pm.createThin(0);
      for (long i = 0; i < MAPPINGS; i++) {
        pm.insert(0, i, pm.allocateDataBlock().orElseThrow());
        if (i % 1_000_000 == 999_999) {
          pm.commit();
        }
      }
      pm.createSnap(1, 0);
      pm.commit();
      assertThat(pm.details(0).mappedBlocks()).isEqualTo(MAPPINGS);
      System.out.printf(
          "scale: built %,d mappings in %.1f s; %,d metadata blocks used; heap used %,d MiB (max %,d MiB)%n",
          MAPPINGS,
          (System.nanoTime() - start) / 1e9,
          pm.nrMetadataBlocks() - pm.nrFreeMetadataBlocks(),
          (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20,
          Runtime.getRuntime().maxMemory() >> 20);
    }

    try (PoolMetadata pm = PoolMetadata.open(FileBlockDevice.open(file), CACHE_BYTES, false)) {
      long openReads = pm.blockManager().deviceReads();
      System.out.printf("scale: open read %d blocks%n", openReads);
      assertThat(openReads).isLessThanOrEqualTo(4);

      Random r = new Random(1);
      long lookupReadsBefore = pm.blockManager().deviceReads();
      for (int i = 0; i < 100; i++) {
        long b = Math.floorMod(r.nextLong(), MAPPINGS);
        assertThat(BlockTime.dataBlock(pm.lookup(1, b))).isEqualTo(b);
      }
      int height = height(pm, 0);
      System.out.printf(
          "scale: mapping tree height %d; 100 random lookups read %d blocks%n",
          height, pm.blockManager().deviceReads() - lookupReadsBefore);

      long writesBefore = pm.blockManager().deviceWrites();
      pm.insert(0, MAPPINGS / 2, pm.allocateDataBlock().orElseThrow());
      pm.commit();
      long commitWrites = pm.blockManager().deviceWrites() - writesBefore;
      System.out.printf("scale: one insert + commit wrote %d blocks (tree height %d)%n", commitWrites, height);
      // the shadowed path, the top-level and details paths, a bitmap and the index of each space
      // map, and the superblock: a small multiple of the height, whatever the size
      assertThat(commitWrites).isLessThanOrEqualTo(4L * height + 12);
    }
  }

  private static int height(PoolMetadata pm, long thinId) {
    int[] h = {1};
    long root = pm.subtreeRoot(thinId);
    var n = pm.blockManagerRead(root);
    while (dev.thinly.pdata.btree.Node.isInternal(n)) {
      n = pm.blockManagerRead(dev.thinly.pdata.btree.Node.child(n, 0));
      h[0]++;
    }
    return h[0];
  }
}
