package dev.thinly.cli.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.thin.testkit.PoolAudit;
import dev.thinly.thin.testkit.PoolXmlGenerator;
import dev.thinly.thin.testkit.ThinTools;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Round trips of a generated pool of about 225,000 mappings over 26 devices (five snapshot
 * families with diverged snapshots, and an empty device), through thinly and the installed
 * thin-provisioning-tools in both directions, in the 0.9.0 form and in the 1.x def/ref form.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RoundTripScaleTest {
  private static final long SEED = 20261122L;

  private Path dir;
  private Path plainXml;
  private Path defsXml;
  private String plain;
  private PoolXmlGenerator.Stats stats;
  private Path ours;
  private Path theirs;

  private static <T> T timed(String what, Supplier<T> action) {
    long start = System.nanoTime();
    T result = action.get();
    System.out.printf("RoundTripScaleTest: %-32s %6d ms%n", what, (System.nanoTime() - start) / 1_000_000);
    return result;
  }

  @BeforeAll
  void generate(@TempDir Path tempDir) throws IOException {
    dir = tempDir;
    plainXml = dir.resolve("pool.xml");
    defsXml = dir.resolve("pool-defs.xml");
    stats = PoolXmlGenerator.generate(SEED, 5, 4, 25, 500, plainXml, defsXml);
    plain = Files.readString(plainXml);
    System.out.println("RoundTripScaleTest: " + stats);
    assertThat(stats.mappings()).isGreaterThanOrEqualTo(200_000);
    assertThat(stats.devices()).isGreaterThanOrEqualTo(20);
    assertThat(stats.refs()).isPositive();
    assertThat(plain).contains("<range_mapping").contains("<single_mapping");
    ours = dir.resolve("ours.bin");
    theirs = dir.resolve("theirs.bin");
  }

  private static void assertOk(CliRunner.Run r) {
    assertThat(r.exitCode()).as(r.err()).isZero();
  }

  @Test
  @Order(1)
  void thinlyRestoreGivesMetadataThatThinCheckAndThinDumpAccept() {
    assertOk(timed("thinly restore", () -> CliRunner.run("restore", "-i", plainXml.toString(), "-o", ours.toString())));
    ThinTools.Result check = timed("thin_check", () -> ThinTools.thinCheck(ours));
    assertThat(check.exitCode()).as(check.all()).isZero();
    assertThat(timed("thin_dump", () -> ThinTools.thinDump(ours)).stdout()).isEqualTo(plain);
    assertThat(timed("audit", () -> PoolAudit.audit(ours)).problems()).isEmpty();
  }

  @Test
  @Order(2)
  void thinRestoreGivesMetadataThatThinlyDumpsIdentically() throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(theirs.toFile(), "rw")) {
      f.setLength(64L << 20);
    }
    ThinTools.Result r = timed("thin_restore", () -> ThinTools.run("thin_restore", "-i", plainXml.toString(), "-o", theirs.toString()));
    assertThat(r.exitCode()).as(r.all()).isZero();
    assertThat(timed("thinly dump", () -> CliRunner.run("dump", theirs.toString())).out()).isEqualTo(plain);
    assertThat(CliRunner.run("dump", "-f", "human_readable", theirs.toString()).out())
        .isEqualTo(ThinTools.thinDump(theirs, "-f", "human_readable").stdout());
  }

  @Test
  @Order(3)
  void lsAndRmapAgreeWithTheInstalledToolsOnBothImages() {
    String all = "DEV,MAPPED_BLOCKS,EXCLUSIVE_BLOCKS,SHARED_BLOCKS,MAPPED_SECTORS,EXCLUSIVE_SECTORS,SHARED_SECTORS,"
        + "MAPPED_BYTES,EXCLUSIVE_BYTES,SHARED_BYTES,MAPPED,EXCLUSIVE,SHARED,TRANSACTION,CREATE_TIME,SNAP_TIME";
    for (Path image : List.of(ours, theirs)) {
      assertThat(timed("thinly ls", () -> CliRunner.run("ls", "-o", all, image.toString())).out())
          .isEqualTo(ThinTools.run("thin_ls", "-o", all, image.toString()).stdout());
      assertThat(CliRunner.run("ls", image.toString()).out()).isEqualTo(ThinTools.run("thin_ls", image.toString()).stdout());
      String[] regions = {"--region", "0..20000", "--region", "100000..130000", "--region", "400000.." + stats.nrDataBlocks()};
      List<String> ourArgs = new ArrayList<>(List.of("rmap"));
      ourArgs.addAll(List.of(regions));
      ourArgs.add(image.toString());
      String rmap = timed("thinly rmap", () -> CliRunner.run(ourArgs.toArray(String[]::new))).out();
      List<String> theirArgs = new ArrayList<>(List.of("thin_rmap"));
      theirArgs.addAll(List.of(regions));
      theirArgs.add(image.toString());
      String theirRmap = ThinTools.run(theirArgs.toArray(String[]::new)).stdout();
      // thin_rmap 0.9.0 sorts by data block only, not stably: same lines, devices of one data run in any order
      assertThat(rmap.lines().toList()).hasSizeGreaterThan(1000).containsExactlyInAnyOrderElementsOf(theirRmap.lines().toList());
      assertThat(rmap.lines().map(l -> Long.parseLong(l.substring(5, l.indexOf('.')))).toList()).isSorted();
    }
  }

  @Test
  @Order(4)
  void theDefFormRestoresToSharedLeavesAndDumpsBackAsTheExpandedForm() {
    Path shared = dir.resolve("shared.bin");
    assertOk(timed("thinly restore (defs)", () -> CliRunner.run("restore", "-i", defsXml.toString(), "-o", shared.toString())));
    ThinTools.Result check = ThinTools.thinCheck(shared);
    assertThat(check.exitCode()).as(check.all()).isZero();
    assertThat(ThinTools.thinDump(shared).stdout()).isEqualTo(plain);
    assertThat(CliRunner.run("dump", shared.toString()).out()).isEqualTo(plain);
    PoolAudit.Result sharedAudit = PoolAudit.audit(shared);
    assertThat(sharedAudit.problems()).isEmpty();
    PoolAudit.Result plainAudit = PoolAudit.audit(ours);
    assertThat(sharedAudit.sharedNodes()).as("leaves with several parents").isGreaterThan(stats.defs());
    assertThat(plainAudit.sharedNodes()).isZero();
    assertThat(sharedAudit.metadataCounts().size()).as("metadata blocks in use")
        .isLessThan(plainAudit.metadataCounts().size() / 2);
    // shared leaves: ls counts them for every device, rmap (like thin_rmap) under the first one only
    String all = "DEV,MAPPED_BLOCKS,EXCLUSIVE_BLOCKS,SHARED_BLOCKS,TRANSACTION,CREATE_TIME,SNAP_TIME";
    assertThat(CliRunner.run("ls", "-o", all, shared.toString()).out())
        .isEqualTo(ThinTools.run("thin_ls", "-o", all, shared.toString()).stdout())
        .isEqualTo(CliRunner.run("ls", "-o", all, ours.toString()).out());
    String ourRmap = CliRunner.run("rmap", "--region", "0.." + stats.nrDataBlocks(), shared.toString()).out();
    String theirRmap = ThinTools.run("thin_rmap", "--region", "0.." + stats.nrDataBlocks(), shared.toString()).stdout();
    assertThat(ourRmap.lines().toList()).containsExactlyInAnyOrderElementsOf(theirRmap.lines().toList());
  }
}
