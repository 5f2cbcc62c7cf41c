package dev.thinly.thin.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.pdata.codec.LittleEndian;
import dev.thinly.pdata.io.FileBlockDevice;
import dev.thinly.thin.metadata.PoolMetadata;
import dev.thinly.thin.testkit.MetadataFiles;
import dev.thinly.thin.testkit.TestPools;
import dev.thinly.thin.testkit.ThinTools;
import dev.thinly.thin.tools.CheckReport.Kind;
import dev.thinly.thin.tools.CheckReport.Problem;
import dev.thinly.thin.tools.CheckReport.Severity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Pools written by {@link PoolMetadata}: exact in every count; damage to them is found. */
class CheckPoolTest {
  @TempDir Path dir;

  private static List<Problem> check(Path file, CheckResult[] out) {
    List<Problem> problems = new ArrayList<>();
    out[0] = Check.run(file, CheckOptions.full(), CheckReport.collecting(problems));
    return problems;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void randomPoolsAreExactAndEachBlockIsReadOnce(long seed) {
    Path file = dir.resolve("pool-" + seed);
    TestPools.random(file, seed, seed % 2 == 0);
    CheckResult[] r = new CheckResult[1];
    List<Problem> problems = check(file, r);
    assertThat(problems).as("no problem, not even a warning").isEmpty();
    long nrAllocated = LittleEndian.getLong(MetadataFiles.read(file, 0), 192 + 8);
    assertThat(r[0].blocksRead())
        .as("every block in use is read exactly once")
        .isEqualTo(nrAllocated);
    assertThat(ThinTools.thinCheck(file).exitCode()).isZero();
  }

  @Test
  void aTreeWithLeavesAtTwoDepthsIsUnbalanced() {
    Path file = dir.resolve("pool");
    try (PoolMetadata pm =
        PoolMetadata.format(FileBlockDevice.create(file, 64L << 20), 128, 100_000, 8L << 20)) {
      pm.createThin(3);
      TestPools.fill(pm, 3, 0, 40_000, 1);
      pm.commit();
    }
    long root = MetadataFiles.subtreeRoot(file, 3);
    byte[] rootNode = MetadataFiles.read(file, root);
    byte[] level1 = MetadataFiles.read(file, MetadataFiles.value(rootNode, 0));
    assertThat(MetadataFiles.isLeaf(level1)).as("a three-level tree").isFalse();
    long leaf = MetadataFiles.value(level1, 0);
    // the root's first child becomes the first leaf below it: one level short
    MetadataFiles.patchNode(
        file, root, n -> LittleEndian.putLong(n, MetadataFiles.valueOffset(n, 0), leaf));
    CheckResult[] r = new CheckResult[1];
    List<Problem> problems = check(file, r);
    assertThat(problems)
        .anyMatch(p -> p.kind() == Kind.UNBALANCED && p.severity() == Severity.FATAL);
    assertThat(r[0].passed()).isFalse();
    assertThat(ThinTools.thinCheck(file).exitCode()).isNotZero();
  }

  @Test
  void parentKeyIsComparedWithTheChildsOwnFirstKeyAsThinCheckDoes() {
    Path file = dir.resolve("pool");
    try (PoolMetadata pm =
        PoolMetadata.format(FileBlockDevice.create(file, 64L << 20), 128, 100_000, 8L << 20)) {
      pm.createThin(3);
      TestPools.fill(pm, 3, 0, 40_000, 1);
      pm.commit();
    }
    long root = MetadataFiles.subtreeRoot(file, 3);
    long child = MetadataFiles.value(MetadataFiles.read(file, root), 1);
    assertThat(MetadataFiles.isLeaf(MetadataFiles.read(file, child))).isFalse();
    // the child's own first key drops below the parent's key; its subtree's keys do not
    MetadataFiles.patchNode(
        file, child, n -> LittleEndian.putLong(n, 32, MetadataFiles.key(n, 0) - 1));
    CheckResult[] r = new CheckResult[1];
    List<Problem> problems = check(file, r);
    assertThat(problems).anyMatch(p -> p.kind() == Kind.PARENT_KEY);
    assertThat(ThinTools.thinCheck(file).exitCode()).isNotZero();
  }

  @Test
  void everyNodeOfEveryTreeIsValidatedEvenWhenShared() {
    Path file = dir.resolve("pool");
    try (PoolMetadata pm =
        PoolMetadata.format(FileBlockDevice.create(file, 64L << 20), 128, 100_000, 8L << 20)) {
      pm.createThin(0);
      TestPools.fill(pm, 0, 0, 2_000, 1);
      pm.commit();
      pm.createSnap(1, 0);
      pm.commit();
      pm.reserveMetadataSnap();
      pm.commit();
    }
    long root = MetadataFiles.subtreeRoot(file, 1);
    long leaf = MetadataFiles.value(MetadataFiles.read(file, root), 3);
    // a wrong key deep in a leaf that two devices and the metadata snapshot share
    MetadataFiles.patchNode(file, leaf, n -> LittleEndian.putLong(n, 32 + 8 * 5, 1));
    CheckResult[] r = new CheckResult[1];
    List<Problem> problems = check(file, r);
    assertThat(problems).filteredOn(p -> p.kind() == Kind.KEY_ORDER).hasSize(1);
    assertThat(r[0].passed()).isFalse();
  }
}
