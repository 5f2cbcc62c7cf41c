package dev.thinly.thin.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.pdata.error.CorruptMetadataException;
import dev.thinly.thin.testkit.Fixtures;
import dev.thinly.thin.testkit.ThinTools;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The read-only tools against every fixture and the outputs the real tools recorded for them. */
class FixtureToolsTest {
  private static final String ALL_FIELDS = String.join(",", java.util.Arrays.stream(LsField.values()).map(Enum::name).toList());

  private static String dump(String fixture, DumpFormat format, OptionalLong snap) {
    StringWriter out = new StringWriter();
    Dump.run(new DumpOptions(Fixtures.file(fixture + ".bin"), format, snap, OptionalLong.empty(), false,
        Optional.empty()), out);
    return out.toString();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "01-empty-pool", "02-thins-and-snapshots", "03-10k-mappings", "04-shared-root-with-metadata-snap",
      "05-root-shared-by-three", "06-after-breaking-sharing", "91-bad-underfull-leaf"})
  void xmlDumpEqualsThinDumpsRecording(String fixture) {
    // 91's under-full leaf is not a reason for thin_dump to stop, and not for us either
    assertThat(dump(fixture, DumpFormat.XML, OptionalLong.empty()))
        .isEqualTo(Fixtures.text(fixture + ".thin_dump.xml"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"01-empty-pool", "02-thins-and-snapshots", "03-10k-mappings"})
  void humanReadableDumpEqualsThinDumpsRecording(String fixture) {
    assertThat(dump(fixture, DumpFormat.HUMAN_READABLE, OptionalLong.empty()))
        .isEqualTo(Fixtures.text(fixture + ".thin_dump.human.txt"));
  }

  @Test
  void metadataSnapshotDumpEqualsThinDumpMinusM() {
    String expected = Fixtures.text("04-shared-root-with-metadata-snap.thin_dump-m.xml");
    assertThat(dump("04-shared-root-with-metadata-snap", DumpFormat.XML, OptionalLong.of(-1))).isEqualTo(expected);
    assertThat(dump("04-shared-root-with-metadata-snap", DumpFormat.XML, OptionalLong.of(8))).isEqualTo(expected);
  }

  @Test
  void badSuperblockChecksumFailsLikeThinDump() {
    // thin_dump recorded: "bad checksum in superblock, wanted 2844627662"
    String recorded = Fixtures.text("90-bad-superblock-checksum.thin_dump.xml").strip();
    String wanted = recorded.substring(recorded.lastIndexOf(' ') + 1);
    assertThatThrownBy(() -> dump("90-bad-superblock-checksum", DumpFormat.XML, OptionalLong.empty()))
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessage("superblock at metadata block 0 is corrupt: bad checksum, wanted " + wanted);
  }

  @Test
  void lsAndRmapEqualTheRecordingsFor02() {
    StringWriter ls = new StringWriter();
    Ls.run(new LsOptions(Fixtures.file("02-thins-and-snapshots.bin"),
        LsField.parseList("DEV,MAPPED_BLOCKS,EXCLUSIVE_BLOCKS,SHARED_BLOCKS,TRANSACTION,CREATE_TIME,SNAP_TIME"),
        true, false), ls);
    assertThat(ls.toString()).isEqualTo(Fixtures.text("02-thins-and-snapshots.thin_ls.txt"));
    StringWriter rmap = new StringWriter();
    Rmap.run(new RmapOptions(Fixtures.file("02-thins-and-snapshots.bin"), List.of(Region.parse("0..500"))), rmap);
    assertThat(rmap.toString()).isEqualTo(Fixtures.text("02-thins-and-snapshots.thin_rmap.txt"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "01-empty-pool", "02-thins-and-snapshots", "03-10k-mappings", "04-shared-root-with-metadata-snap",
      "05-root-shared-by-three", "06-after-breaking-sharing"})
  void lsAndRmapEqualTheInstalledTools(String fixture) {
    Path bin = Fixtures.file(fixture + ".bin");
    for (boolean headers : new boolean[] {true, false}) {
      for (String fields : new String[] {null, ALL_FIELDS}) {
        StringWriter ours = new StringWriter();
        Ls.run(new LsOptions(bin, fields == null ? LsField.DEFAULT : LsField.parseList(fields), headers, false), ours);
        List<String> args = new java.util.ArrayList<>(List.of("thin_ls"));
        if (!headers) {
          args.add("--no-headers");
        }
        if (fields != null) {
          args.addAll(List.of("-o", fields));
        }
        args.add(bin.toString());
        ThinTools.Result theirs = ThinTools.run(args.toArray(String[]::new));
        assertThat(theirs.exitCode()).isZero();
        assertThat(ours.toString()).as("%s %s", fixture, args).isEqualTo(theirs.stdout());
      }
    }
    StringWriter ours = new StringWriter();
    Rmap.run(new RmapOptions(bin, List.of(Region.parse("0..1000"), Region.parse("1500..30000"))), ours);
    ThinTools.Result theirs = ThinTools.run("thin_rmap", "--region", "0..1000", "--region", "1500..30000", bin.toString());
    assertThat(ours.toString()).isEqualTo(theirs.stdout());
  }

  @Test
  void lsOfTheMetadataSnapshotEqualsThinLsMinusM() {
    Path bin = Fixtures.file("04-shared-root-with-metadata-snap.bin");
    StringWriter ours = new StringWriter();
    Ls.run(new LsOptions(bin, LsField.parseList(ALL_FIELDS), true, true), ours);
    assertThat(ours.toString()).isEqualTo(ThinTools.run("thin_ls", "-m", "-o", ALL_FIELDS, bin.toString()).stdout());
  }

  @Test
  void devIdAndSkipMappingsSelectLikeThinDump() throws Exception {
    Path bin = Fixtures.file("02-thins-and-snapshots.bin");
    for (String[] opts : new String[][] {{"--dev-id", "2"}, {"--skip-mappings"}, {"--dev-id", "9"}, {"--dev-id", "1", "--skip-mappings"}}) {
      StringWriter ours = new StringWriter();
      OptionalLong id = opts[0].equals("--dev-id") ? OptionalLong.of(Long.parseLong(opts[1])) : OptionalLong.empty();
      boolean skip = List.of(opts).contains("--skip-mappings");
      Dump.run(new DumpOptions(bin, DumpFormat.XML, OptionalLong.empty(), id, skip, Optional.empty()), ours);
      List<String> args = new java.util.ArrayList<>(List.of("thin_dump"));
      args.addAll(List.of(opts));
      args.add(bin.toString());
      assertThat(ours.toString()).as(String.join(" ", args)).isEqualTo(ThinTools.run(args.toArray(String[]::new)).stdout());
    }
    Path file = Files.createTempFile("dump", ".xml");
    try {
      Dump.run(new DumpOptions(bin, DumpFormat.XML, OptionalLong.empty(), OptionalLong.empty(), false, Optional.of(file)),
          new StringWriter());
      assertThat(Files.readString(file)).isEqualTo(Fixtures.text("02-thins-and-snapshots.thin_dump.xml"));
    } finally {
      Files.delete(file);
    }
  }
}
