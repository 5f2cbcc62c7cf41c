package dev.thinly.thin.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.carrotsearch.hppc.LongHashSet;
import dev.thinly.pdata.io.FileBlockDevice;
import dev.thinly.thin.metadata.PoolMetadata;
import dev.thinly.thin.testkit.MetadataFiles;
import dev.thinly.thin.testkit.TestPools;
import dev.thinly.thin.testkit.ThinTools;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delta of a snapshot and its origin costs what differs, not what the devices map: two devices
 * of a million mappings that differ in 0.1% of their blocks. Proven by counting device reads, not
 * by timing.
 */
class DeltaReadsTest {
  private static final int MAPPINGS = 1_000_000;
  private static final int CHANGED = MAPPINGS / 1000;

  @TempDir static Path dir;
  static Path clustered;
  static Path scattered;

  @BeforeAll
  static void pools() {
    clustered = dir.resolve("clustered");
    scattered = dir.resolve("scattered");
    Random rnd = new Random(42);
    try (PoolMetadata pm = pool(clustered)) {
      // a database-like workload: ten hot regions of 100 blocks
      for (int run = 0; run < 10; run++) {
        long at = rnd.nextInt(MAPPINGS - 100);
        for (int i = 0; i < CHANGED / 10; i++) {
          pm.insert(1, at + i, pm.allocateDataBlock().orElseThrow());
        }
      }
      pm.commit();
    }
    try (PoolMetadata pm = pool(scattered)) {
      for (int i = 0; i < CHANGED; i++) {
        pm.insert(1, rnd.nextInt(MAPPINGS), pm.allocateDataBlock().orElseThrow());
      }
      pm.commit();
    }
  }

  /** Device 0 with a million mappings and device 1, its snapshot. */
  private static PoolMetadata pool(Path file) {
    PoolMetadata pm =
        PoolMetadata.format(FileBlockDevice.create(file, 256L << 20), 128, 2 * MAPPINGS, 32L << 20);
    pm.createThin(0);
    TestPools.fill(pm, 0, 0, MAPPINGS, 1);
    pm.commit();
    pm.createSnap(1, 0);
    pm.commit();
    return pm;
  }

  /** Every node of a device's mapping tree. */
  private static LongHashSet nodes(Path file, long thinId) {
    LongHashSet out = new LongHashSet();
    collect(file, MetadataFiles.subtreeRoot(file, thinId), out);
    return out;
  }

  private static void collect(Path file, long block, LongHashSet out) {
    out.add(block);
    byte[] n = MetadataFiles.read(file, block);
    if (!MetadataFiles.isLeaf(n)) {
      for (int i = 0; i < MetadataFiles.nrEntries(n); i++) {
        collect(file, MetadataFiles.value(n, i), out);
      }
    }
  }

  private static Delta.Result deltaMatchesThinDelta(Path file) {
    StringWriter ours = new StringWriter();
    Delta.Result r = Delta.run(file, DeltaOptions.of(0, 1, false), ours);
    ThinTools.Result tool =
        ThinTools.run("thin_delta", "--thin1", "0", "--thin2", "1", file.toString());
    assertThat(tool.exitCode()).isZero();
    assertThat(ours.toString()).isEqualTo(tool.stdout());
    return r;
  }

  @Test
  void clusteredChangesCostAFewPercentOfTheTree() {
    LongHashSet origin = nodes(clustered, 0);
    LongHashSet snapshot = nodes(clustered, 1);
    Delta.Result r = deltaMatchesThinDelta(clustered);
    System.out.printf(
        "delta, clustered: %d reads, tree of %d nodes%n", r.blocksRead(), origin.size());
    assertThat(r.readSharedLeaves()).as("shared subtrees are not read").isFalse();
    assertThat(origin.size()).as("tree size").isGreaterThan(MAPPINGS / 252);
    assertThat(r.blocksRead())
        .as("%d reads for a tree of %d nodes", r.blocksRead(), origin.size())
        .isLessThan(origin.size() / 20);
    int differing = 0;
    for (var c : snapshot) {
      if (!origin.contains(c.value)) {
        differing++;
      }
    }
    // the superblock, two top-level and details lookups, both versions of what differs
    assertThat(r.blocksRead()).isLessThanOrEqualTo(2L * differing + 8);
  }

  @Test
  void scatteredChangesCostWhatDiffers() {
    LongHashSet origin = nodes(scattered, 0);
    LongHashSet snapshot = nodes(scattered, 1);
    int differing = 0;
    for (var c : snapshot) {
      if (!origin.contains(c.value)) {
        differing++;
      }
    }
    Delta.Result r = deltaMatchesThinDelta(scattered);
    System.out.printf(
        "delta, scattered: %d reads, %d nodes differ, tree of %d nodes%n",
        r.blocksRead(), differing, origin.size());
    assertThat(r.readSharedLeaves()).isFalse();
    assertThat(r.blocksRead())
        .as("%d reads, %d nodes differ, tree of %d", r.blocksRead(), differing, origin.size())
        .isLessThanOrEqualTo(2L * differing + 8)
        .isLessThan(origin.size() / 2);
  }
}
