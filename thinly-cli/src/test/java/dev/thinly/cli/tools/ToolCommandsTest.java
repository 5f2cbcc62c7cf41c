package dev.thinly.cli.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.thin.testkit.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The dump, restore, ls and rmap commands through {@code thinly}'s entry point. */
class ToolCommandsTest {
  @TempDir Path dir;

  private static String fixture(String name) {
    return Fixtures.file(name).toString();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dump", "restore", "ls", "rmap"})
  void everyCommandHasHelpWithExamples(String command) {
    CliRunner.Run r = CliRunner.run(command, "--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("Usage: thinly " + command).contains("Examples:").contains("thinly " + command + " ");
    assertThat(CliRunner.run("--help").out()).contains(command);
  }

  @Test
  void dumpPrintsWhatThinDumpRecorded() {
    assertThat(CliRunner.run("dump", fixture("02-thins-and-snapshots.bin")).out())
        .isEqualTo(Fixtures.text("02-thins-and-snapshots.thin_dump.xml"));
    assertThat(CliRunner.run("dump", "-f", "human_readable", fixture("03-10k-mappings.bin")).out())
        .isEqualTo(Fixtures.text("03-10k-mappings.thin_dump.human.txt"));
    String snap = Fixtures.text("04-shared-root-with-metadata-snap.thin_dump-m.xml");
    String bin = fixture("04-shared-root-with-metadata-snap.bin");
    assertThat(CliRunner.run("dump", "-m", bin).out()).isEqualTo(snap);
    assertThat(CliRunner.run("dump", bin, "-m").out()).isEqualTo(snap);
    assertThat(CliRunner.run("dump", "-m", "8", bin).out()).isEqualTo(snap);
    assertThat(CliRunner.run("dump", "--metadata-snap=8", bin).out()).isEqualTo(snap);
  }

  @Test
  void dumpWritesAFileWithMinusO() throws IOException {
    Path out = dir.resolve("out.xml");
    CliRunner.Run r = CliRunner.run("dump", "-o", out.toString(), fixture("05-root-shared-by-three.bin"));
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(Files.readString(out)).isEqualTo(Fixtures.text("05-root-shared-by-three.thin_dump.xml"));
  }

  @Test
  void jsonDumpIsOneDocumentWithTheSameContent() {
    String json = CliRunner.run("dump", "-f", "json", fixture("02-thins-and-snapshots.bin")).out();
    JsonNode tree = new ObjectMapper().readTree(json);
    assertThat(tree.get("superblock").get("nr_data_blocks").asLong()).isEqualTo(4096);
    assertThat(tree.get("superblock").get("time").asLong()).isEqualTo(2);
    assertThat(tree.get("devices")).hasSize(4);
    JsonNode dev2 = tree.get("devices").get(2);
    assertThat(dev2.get("dev_id").asLong()).isEqualTo(2);
    assertThat(dev2.get("mapped_blocks").asLong()).isEqualTo(5);
    assertThat(dev2.get("mappings").get(2).toString())
        .isEqualTo("{\"thin_begin\":5000000,\"data_begin\":400,\"length\":1,\"time\":1}");
    // one device or mapping a line, so the output also greps well
    assertThat(json.lines().filter(l -> l.contains("\"thin_begin\"")).count()).isEqualTo(8);
    assertThat(CliRunner.run("dump", "-f", "json", fixture("01-empty-pool.bin")).out())
        .contains("\"devices\": [").endsWith("]}\n");
  }

  @Test
  void lsAndRmapPrintWhatTheToolsRecorded() {
    assertThat(CliRunner.run("ls", "-o", "DEV,MAPPED_BLOCKS,EXCLUSIVE_BLOCKS,SHARED_BLOCKS,TRANSACTION,CREATE_TIME,SNAP_TIME",
            fixture("02-thins-and-snapshots.bin")).out())
        .isEqualTo(Fixtures.text("02-thins-and-snapshots.thin_ls.txt"));
    assertThat(CliRunner.run("rmap", "--region", "0..500", fixture("02-thins-and-snapshots.bin")).out())
        .isEqualTo(Fixtures.text("02-thins-and-snapshots.thin_rmap.txt"));
    assertThat(CliRunner.run("ls", "--no-headers", "-m", fixture("04-shared-root-with-metadata-snap.bin")).out())
        .isEqualTo("0 6400KiB 0 1 \n1 6400KiB 1 1 \n2   38MiB 1 1 \n");
  }

  @Test
  void restoreWritesMetadataThatDumpsBack() {
    Path meta = dir.resolve("meta.bin");
    CliRunner.Run r = CliRunner.run("restore", "-i", fixture("02-thins-and-snapshots.xml"), "-o", meta.toString());
    assertThat(r.exitCode()).as(r.all()).isZero();
    assertThat(r.all()).isEmpty();
    assertThat(CliRunner.run("dump", meta.toString()).out()).isEqualTo(Fixtures.text("02-thins-and-snapshots.thin_dump.xml"));
  }

  // ---------------------------------------------------------------- bad input

  private record Input(Path path, byte[] bytes, FileTime mtime) {
    static Input of(Path p) throws IOException {
      return new Input(p, Files.readAllBytes(p), Files.getLastModifiedTime(p));
    }

    void assertUnchanged() throws IOException {
      assertThat(Files.readAllBytes(path)).as("content of " + path).isEqualTo(bytes);
      assertThat(Files.getLastModifiedTime(path)).as("mtime of " + path).isEqualTo(mtime);
    }
  }

  private static void assertFailsCleanly(CliRunner.Run r, int exitCode, String messagePart) {
    assertThat(r.exitCode()).as(r.all()).isEqualTo(exitCode);
    assertThat(r.err().lines().toList()).as(r.err()).hasSize(1);
    assertThat(r.err()).startsWith("thinly: ").contains(messagePart);
    assertThat(r.all()).doesNotContain("Exception").doesNotContain("at dev.thinly").doesNotContain("\tat ");
  }

  /** Re-seals a block's checksum with {@code salt} after a deliberate change. */
  private static void reseal(byte[] image, int block, int salt) {
    ByteBuffer b = ByteBuffer.wrap(image, block * 4096, 4096).order(ByteOrder.LITTLE_ENDIAN);
    CRC32C crc = new CRC32C();
    crc.update(image, block * 4096 + 4, 4092);
    b.putInt(block * 4096, (int) (crc.getValue() ^ 0xFFFFFFFFL ^ salt));
  }

  private Path damaged(String name, java.util.function.Consumer<byte[]> damage) throws IOException {
    byte[] image = Files.readAllBytes(Fixtures.file("02-thins-and-snapshots.bin"));
    damage.accept(image);
    Path p = dir.resolve(name);
    Files.write(p, image);
    return p;
  }

  @Test
  void readOnlyToolsFailCleanlyOnBadMetadataAndLeaveItAlone() throws IOException {
    List<Object[]> cases = new ArrayList<>();
    cases.add(new Object[] {damaged("truncated.bin", i -> {}), "is corrupt"});
    Path truncated = (Path) cases.get(0)[0];
    Files.write(truncated, java.util.Arrays.copyOf(Files.readAllBytes(truncated), 6 * 4096));
    cases.add(new Object[] {damaged("tiny.bin", i -> {}), "less than one block"});
    Files.write((Path) cases.get(1)[0], new byte[100]);
    cases.add(new Object[] {damaged("magic.bin", i -> {
      i[32] ^= 1;
      reseal(i, 0, 160774);
    }), "bad magic"});
    cases.add(new Object[] {damaged("checksum.bin", i -> i[4096 * 12 + 40] ^= 1), "bad checksum"});
    cases.add(new Object[] {damaged("zero.bin", i -> java.util.Arrays.fill(i, (byte) 0)), "bad checksum"});
    for (Object[] c : cases) {
      Path p = (Path) c[0];
      Input before = Input.of(p);
      assertFailsCleanly(CliRunner.run("dump", p.toString()), 1, (String) c[1]);
      assertFailsCleanly(CliRunner.run("ls", "-o", "DEV,EXCLUSIVE", p.toString()), 1, (String) c[1]);
      assertFailsCleanly(CliRunner.run("rmap", "--region", "0..10000", p.toString()), 1, (String) c[1]);
      before.assertUnchanged();
    }
  }

  @Test
  void usageProblemsAreOneLineToo() throws IOException {
    Path missing = dir.resolve("missing.bin");
    assertFailsCleanly(CliRunner.run("dump", missing.toString()), 3, "no such file");
    assertFailsCleanly(CliRunner.run("dump", dir.toString()), 2, "is a directory");
    assertFailsCleanly(CliRunner.run("dump", "-f", "yaml", fixture("01-empty-pool.bin")), 2, "unknown format 'yaml'");
    assertFailsCleanly(CliRunner.run("ls", "-o", "DEV,NOPE", fixture("01-empty-pool.bin")), 2, "unknown field 'NOPE'");
    assertFailsCleanly(CliRunner.run("rmap", "--region", "10..5", fixture("01-empty-pool.bin")), 2, "badly formed region");
    assertFailsCleanly(CliRunner.run("dump", "-m", fixture("01-empty-pool.bin")), 2, "no metadata snapshot");
    assertFailsCleanly(CliRunner.run("restore", "-i", missing.toString(), "-o", dir.resolve("x").toString()), 3, "no such file");
    assertFailsCleanly(CliRunner.run("restore", "-i", fixture("01-empty-pool.xml"), "-o", dir.resolve("no/x").toString()),
        3, "no such directory");
    Path xml = dir.resolve("in.xml");
    Files.writeString(xml, Fixtures.text("01-empty-pool.xml"));
    Input before = Input.of(xml);
    assertFailsCleanly(CliRunner.run("restore", "-i", xml.toString(), "-o", xml.toString()), 2, "is the input");
    before.assertUnchanged();
    // argument errors: the error line, then the project's usual pointer to --help
    for (CliRunner.Run r : List.of(CliRunner.run("restore", "-i", fixture("01-empty-pool.xml")),
        CliRunner.run("rmap", fixture("01-empty-pool.bin")))) {
      assertThat(r.exitCode()).isEqualTo(2);
      assertThat(r.err().lines().toList()).hasSize(2);
      assertThat(r.err()).startsWith("thinly: Missing required option").contains("--help");
    }
  }

  @Test
  void restoreRefusesBadXmlWithOneLineAndLeavesTheInputAlone() throws IOException {
    String good = Fixtures.text("02-thins-and-snapshots.xml");
    String[][] cases = {
      {"malformed.xml", good.replace("</device>\n  <device dev_id=\"1\"", "</devic>\n  <device dev_id=\"1\""), "line 6: malformed XML"},
      {"truncated.xml", good.substring(0, good.length() / 2), "malformed XML"},
      {"big-id.xml", good.replace("dev_id=\"3\"", "dev_id=\"16777216\""), "line 15: dev_id 16777216 is above the limit 16777215"},
      {"duplicate.xml", good.replace("dev_id=\"3\"", "dev_id=\"0\""), "line 15: device 0 appears more than once"},
      {"beyond.xml", good.replace("data_block=\"400\"", "data_block=\"4096\""), "line 13: data block 4096 is beyond nr_data_blocks 4096"},
      {"overlap.xml", good.replace("origin_begin=\"1000\"", "origin_begin=\"0\""), "line 12: thin block 0 is mapped twice in device 2"},
      {"unknown.xml", good.replace("<single_mapping origin_block=\"0\"", "<mapping origin_block=\"0\""), "line 11: unknown element <mapping>"},
      {"missing-attr.xml", good.replace(" snap_time=\"2\">", ">"), "line 7: <device> is missing the attribute snap_time"},
    };
    for (String[] c : cases) {
      Path xml = dir.resolve(c[0]);
      Files.writeString(xml, c[1]);
      Input before = Input.of(xml);
      Path out = dir.resolve(c[0] + ".bin");
      CliRunner.Run r = CliRunner.run("restore", "-i", xml.toString(), "-o", out.toString());
      assertFailsCleanly(r, 1, c[2]);
      assertThat(r.err()).startsWith("thinly: " + xml + " line ");
      assertThat(out).as("a restore that failed removes the file it created").doesNotExist();
      before.assertUnchanged();
    }
  }
}
