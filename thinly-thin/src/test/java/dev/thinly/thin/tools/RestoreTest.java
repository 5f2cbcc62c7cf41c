package dev.thinly.thin.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.pdata.error.NoSpaceException;
import dev.thinly.thin.ir.MetadataInputException;
import dev.thinly.pdata.io.FileBlockDevice;
import dev.thinly.thin.metadata.PoolBuilder;
import dev.thinly.thin.metadata.PoolMetadata;
import dev.thinly.thin.testkit.Fixtures;
import dev.thinly.thin.testkit.PoolAudit;
import dev.thinly.thin.testkit.ThinTools;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RestoreTest {
  @TempDir Path dir;

  /** Restores, then checks with the audit, thin_check and thin_dump; returns the audit. */
  private PoolAudit.Result restoreAndCheck(Path xml, String expectedDump) {
    Path meta = dir.resolve("meta-" + xml.getFileName());
    Restore.run(RestoreOptions.of(xml, meta));
    PoolAudit.Result audit = PoolAudit.audit(meta);
    assertThat(audit.problems()).as(xml.toString()).isEmpty();
    ThinTools.Result check = ThinTools.thinCheck(meta);
    assertThat(check.exitCode()).as(check.all()).isZero();
    assertThat(check.stderr()).doesNotContain("error", "differ");
    assertThat(ThinTools.thinDump(meta).stdout()).isEqualTo(expectedDump);
    StringWriter ours = new StringWriter();
    Dump.run(DumpOptions.xml(meta), ours);
    assertThat(ours.toString()).isEqualTo(expectedDump);
    return audit;
  }

  @ParameterizedTest
  @CsvSource({
      "01-empty-pool.xml, 01-empty-pool", "02-thins-and-snapshots.xml, 02-thins-and-snapshots",
      "03-10k-mappings.xml, 03-10k-mappings",
      "04-shared-root-with-metadata-snap.thin_dump.xml, 04-shared-root-with-metadata-snap",
      "05-root-shared-by-three.thin_dump.xml, 05-root-shared-by-three",
      "06-after-breaking-sharing.thin_dump.xml, 06-after-breaking-sharing"})
  void fixturesRestoreToMetadataThatDumpsBackIdentically(String input, String fixture) {
    restoreAndCheck(Fixtures.file(input), Fixtures.text(fixture + ".thin_dump.xml"));
  }

  private static final String SB =
      "<superblock uuid=\"\" time=\"3\" transaction=\"9\" flags=\"0\" version=\"2\" data_block_size=\"128\" nr_data_blocks=\"100000\">\n";

  private static String def(String name, long thin, long data, long len, long time) {
    return "  <def name=\"" + name + "\">\n" + run("    ", thin, data, len, time) + "  </def>\n";
  }

  private static String run(String indent, long thin, long data, long len, long time) {
    return len == 1
        ? indent + "<single_mapping origin_block=\"" + thin + "\" data_block=\"" + data + "\" time=\"" + time + "\"/>\n"
        : indent + "<range_mapping origin_begin=\"" + thin + "\" data_begin=\"" + data + "\" length=\"" + len
            + "\" time=\"" + time + "\"/>\n";
  }

  private static String device(long id, long mapped, String body) {
    return "  <device dev_id=\"" + id + "\" mapped_blocks=\"" + mapped
        + "\" transaction=\"1\" creation_time=\"0\" snap_time=\"3\">\n" + body + "  </device>\n";
  }

  /**
   * Defs in every position the builder treats differently: a big def shared whole, a small def as
   * a device's whole tree (its root shared three ways: a metadata count of 3), a small def next to
   * other mappings (copied), a few own mappings before a big def (which gives up its first leaf), a
   * short tail after a big def (which gives up its last leaf), an unused def, an empty def.
   */
  @Test
  void defsBecomeSharedLeavesWithExactCounts() throws Exception {
    String big = def("A", 0, 0, 1000, 0);
    String small = def("B", 5000, 5000, 10, 1);
    String c = def("C", 2000, 7000, 300, 1);
    String unused = def("U", 0, 9000, 500, 1);
    String empty = "  <def name=\"E\">\n  </def>\n";
    String in = SB + big + small + c + unused + empty
        + device(0, 0, "    <ref name=\"A\"/>\n    <ref name=\"B\"/>\n")
        + device(1, 0, "    <ref name=\"A\"/>\n    <ref name=\"E\"/>\n")
        + device(2, 0, "    <ref name=\"B\"/>\n")
        + device(3, 0, "    <ref name=\"B\"/>\n")
        + device(4, 0, "    <ref name=\"B\"/>\n")
        + device(5, 0, "    <ref name=\"A\"/>\n" + run("    ", 1000, 20000, 5, 2) + "    <ref name=\"C\"/>\n"
            + run("    ", 3000, 30000, 1, 2))
        + device(6, 0, run("    ", 10, 40000, 3, 2).replace("origin_begin=\"10\"", "origin_begin=\"1\"")
            .replace("length=\"3\"", "length=\"1\"") + "    <ref name=\"C\"/>\n")
        + device(7, 0, "")
        + "</superblock>\n";
    Path xml = dir.resolve("defs.xml");
    Files.writeString(xml, in);
    String expanded = SB.replace(">\n", ">\n")
        + device(0, 1010, run("    ", 0, 0, 1000, 0) + run("    ", 5000, 5000, 10, 1))
        + device(1, 1000, run("    ", 0, 0, 1000, 0))
        + device(2, 10, run("    ", 5000, 5000, 10, 1))
        + device(3, 10, run("    ", 5000, 5000, 10, 1))
        + device(4, 10, run("    ", 5000, 5000, 10, 1))
        + device(5, 1306, run("    ", 0, 0, 1000, 0) + run("    ", 1000, 20000, 5, 2)
            + run("    ", 2000, 7000, 300, 1) + run("    ", 3000, 30000, 1, 2))
        + device(6, 301, run("    ", 1, 40000, 1, 2) + run("    ", 2000, 7000, 300, 1))
        + device(7, 0, "")
        + "</superblock>\n";
    PoolAudit.Result audit = restoreAndCheck(xml, expanded);
    assertThat(audit.sharedNodes()).as("nodes with several parents").isGreaterThanOrEqualTo(4);
    assertThat(audit.metadataCounts().values()).contains(3L);
    long[] leavesOfA = {1, 2, 3, 4};
    assertThat(audit.metadataCounts().get(leavesOfA[0])).isEqualTo(3L); // devices 0, 1, 5
  }

  @Test
  void theEngineCanOpenAndChangeARestoredPool() {
    Path meta = dir.resolve("engine.bin");
    Restore.run(RestoreOptions.of(Fixtures.file("02-thins-and-snapshots.xml"), meta));
    try (PoolMetadata pm = PoolMetadata.open(FileBlockDevice.open(meta), 1 << 20, false)) {
      assertThat(pm.thinIds()).containsExactly(0, 1, 2, 3);
      assertThat(pm.details(2).mappedBlocks()).isEqualTo(5);
      pm.createSnap(4, 2);
      long data = pm.allocateDataBlock().orElseThrow();
      pm.insert(4, 77, data);
      pm.removeRange(0, 0, 50);
      pm.deleteThin(1);
      pm.commit();
    }
    ThinTools.Result check = ThinTools.thinCheck(meta);
    assertThat(check.exitCode()).as(check.all()).isZero();
    assertThat(PoolAudit.audit(meta).problems()).isEmpty();
    assertThat(ThinTools.thinDump(meta).stdout()).contains("dev_id=\"4\" mapped_blocks=\"6\"").doesNotContain("dev_id=\"1\"");
  }

  @Test
  void anExistingOutputIsUsedWholeAndMustBeBigEnough() throws Exception {
    Path meta = dir.resolve("fixed.bin");
    Files.write(meta, new byte[8 * 4096]);
    assertThatThrownBy(() -> Restore.run(RestoreOptions.of(Fixtures.file("03-10k-mappings.xml"), meta)))
        .isInstanceOf(NoSpaceException.class)
        .hasMessageContaining("too small");
    assertThat(meta).exists();
    Files.write(meta, new byte[3 << 20]);
    Restore.run(RestoreOptions.of(Fixtures.file("02-thins-and-snapshots.xml"), meta));
    assertThat(Files.size(meta)).isEqualTo(3 << 20);
    assertThat(PoolAudit.audit(meta).problems()).isEmpty();
  }

  @Test
  void aCreatedOutputIsSizedFromTheEstimate() throws Exception {
    Path meta = dir.resolve("new.bin");
    Restore.run(RestoreOptions.of(Fixtures.file("03-10k-mappings.xml"), meta));
    long estimate = PoolBuilder.estimateBlocks(20000, 1) * 4096;
    assertThat(Files.size(meta)).isGreaterThanOrEqualTo(estimate).isEqualTo((Files.size(meta) >> 20) << 20);
    Path sized = dir.resolve("sized.bin");
    Restore.run(new RestoreOptions(Fixtures.file("03-10k-mappings.xml"), sized, OptionalLong.of(5L << 20)));
    assertThat(Files.size(sized)).isEqualTo(5L << 20);
    assertThat(ThinTools.thinCheck(sized).exitCode()).isZero();
    Path tooSmall = dir.resolve("small.bin");
    assertThatThrownBy(() -> Restore.run(new RestoreOptions(Fixtures.file("03-10k-mappings.xml"), tooSmall, OptionalLong.of(64 << 10))))
        .isInstanceOf(NoSpaceException.class);
  }

  @Test
  void aFailedRestoreLeavesNoValidLookingOutput() throws Exception {
    Path bad = dir.resolve("bad.xml");
    Files.writeString(bad, Fixtures.text("02-thins-and-snapshots.xml").replace("dev_id=\"3\"", "dev_id=\"2\""));
    Path created = dir.resolve("created.bin");
    assertThatThrownBy(() -> Restore.run(RestoreOptions.of(bad, created)))
        .isInstanceOf(MetadataInputException.class)
        .hasMessageEndingWith("line 15: device 2 appears more than once");
    assertThat(created).doesNotExist();
    Path existing = dir.resolve("existing.bin");
    Files.copy(Fixtures.file("02-thins-and-snapshots.bin"), existing);
    assertThatThrownBy(() -> Restore.run(RestoreOptions.of(bad, existing))).isInstanceOf(MetadataInputException.class);
    assertThat(ThinTools.thinCheck(existing).exitCode()).as("block 0 was zeroed first").isNotZero();
    Path notXml = dir.resolve("not.xml");
    Files.writeString(notXml, "garbage");
    Files.copy(Fixtures.file("02-thins-and-snapshots.bin"), existing, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> Restore.run(RestoreOptions.of(notXml, existing))).isInstanceOf(MetadataInputException.class);
    assertThat(Files.mismatch(existing, Fixtures.file("02-thins-and-snapshots.bin")))
        .as("nothing is written before the superblock element is read").isEqualTo(-1);
  }
}
