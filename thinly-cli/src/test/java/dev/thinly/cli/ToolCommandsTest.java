package dev.thinly.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.thin.testkit.SharedTools;
import dev.thinly.thin.testkit.ThinTools;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** check, delta, metadata-size and message as the user runs them: exit codes and output. */
class ToolCommandsTest {
  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  static Run run(Object... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String[] a = new String[args.length];
    for (int i = 0; i < args.length; i++) {
      a[i] = String.valueOf(args[i]);
    }
    int exit = cl.execute(a);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void checkCleanMetadata() {
    Run r = run("check", SharedTools.fixture("04-shared-root-with-metadata-snap.bin"));
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo("TRANSACTION_ID=3\nMETADATA_FREE_BLOCKS=241\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void checkDamagedMetadata() {
    Run r = run("check", SharedTools.fixture("90-bad-superblock-checksum.bin"));
    assertThat(r.exit()).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err()).isEqualTo("bad checksum in superblock (block 0), wanted 2844627662\n");
    assertThat(r.out()).isEmpty();
    Run quiet = run("check", "-q", SharedTools.fixture("91-bad-underfull-leaf.bin"));
    assertThat(quiet).isEqualTo(new Run(ExitCodes.FAILURE, "", ""));
    Run sbOnly =
        run("check", "--super-block-only", SharedTools.fixture("91-bad-underfull-leaf.bin"));
    assertThat(sbOnly.exit()).isZero();
  }

  @Test
  void checkLeakIsNonFatal() {
    Path leak = dir.resolve("leak.bin");
    SharedTools.python(
        "setcount.py",
        SharedTools.fixture("04-shared-root-with-metadata-snap.bin"),
        leak,
        13,
        2,
        2);
    Run r = run("check", leak);
    assertThat(r.exit()).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err())
        .isEqualTo(
            "metadata reference counts differ for block 2, expected 1, but got 2 (non-fatal)\n");
    assertThat(run("check", "--ignore-non-fatal-errors", leak).exit()).isZero();
    assertThat(ThinTools.thinCheck(leak, "--ignore-non-fatal-errors").exitCode()).isZero();
  }

  @Test
  void checkRefusesNonsenseAndMissingFiles() {
    Run both =
        run(
            "check",
            "--clear-needs-check-flag",
            "--ignore-non-fatal-errors",
            SharedTools.fixture("01-empty-pool.bin"));
    assertThat(both.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(both.err()).isEqualTo("thinly: cannot perform fix by ignoring non-fatal errors\n");
    Run missing = run("check", dir.resolve("nothing"));
    assertThat(missing.exit()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(missing.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void checkOfAFileThatIsNotMetadata() throws Exception {
    Path junk = dir.resolve("junk");
    Files.write(junk, new byte[100]);
    Run small = run("check", junk);
    assertThat(small.exit()).isEqualTo(ExitCodes.FAILURE);
    assertThat(small.err()).contains("too small").doesNotContain("\tat ");
    Files.write(junk, new byte[1 << 20]);
    Run zeros = run("check", junk);
    assertThat(zeros.exit()).isEqualTo(ExitCodes.FAILURE);
    assertThat(zeros.err()).startsWith("bad checksum in superblock");
  }

  @Test
  void deltaPrintsThinDeltaXml() throws Exception {
    Path f = SharedTools.fixture("02-thins-and-snapshots.bin");
    Run r = run("delta", "--snap1", 0, "--snap2", 1, f);
    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .isEqualTo(
            Files.readString(SharedTools.fixture("02-thins-and-snapshots.thin_delta-0-1.xml")));
    Run v = run("delta", "--verbose", "--thin1", 0, "--thin2", 2, f);
    assertThat(v.out())
        .isEqualTo(
            Files.readString(
                SharedTools.fixture("02-thins-and-snapshots.thin_delta-0-2-verbose.xml")));
    Path held = SharedTools.fixture("04-shared-root-with-metadata-snap.bin");
    for (Object[] args :
        new Object[][] {
          {"delta", "-m", "--thin1", 0, "--thin2", 2, held},
          {"delta", "--thin1", 0, "--thin2", 2, "-m", held},
          {"delta", "--thin1", 0, "--thin2", 2, "-m8", held},
          {"delta", "--thin1", 0, "--thin2", 2, "--metadata-snap=8", held}
        }) {
      Run m = run(args);
      assertThat(m.exit()).isZero();
      assertThat(m.out())
          .isEqualTo(
              ThinTools.run("thin_delta", "-m", "--thin1", "0", "--thin2", "2", held.toString())
                  .stdout());
    }
  }

  @Test
  void deltaErrors() {
    Path f = SharedTools.fixture("02-thins-and-snapshots.bin");
    Run unknown = run("delta", "--thin1", 0, "--thin2", 9, f);
    assertThat(unknown.exit()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(unknown.err()).isEqualTo("thinly: thin device 9 does not exist\n");
    assertThat(run("delta", "--thin1", 0, f).exit()).isEqualTo(ExitCodes.USAGE);
    Run noSnap = run("delta", "-m", "--thin1", 0, "--thin2", 1, f);
    assertThat(noSnap.exit()).isEqualTo(ExitCodes.FAILURE);
    assertThat(noSnap.err()).isEqualTo("thinly: no current metadata snap\n");
  }

  @Test
  void metadataSize() {
    Run r = run("metadata-size", "-b", "64k", "-s", "1t", "-m", "1000", "-u", "m");
    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .isEqualTo(
            ThinTools.run("thin_metadata_size", "-b", "64k", "-s", "1t", "-m", "1000", "-u", "m")
                .stdout());
    assertThat(run("metadata-size", "-b", "64k", "-s", "1t", "-m", "1000", "-n").out())
        .isEqualTo("1073224\n");
    assertThat(
            run("metadata-size", "-b", "64k", "-s", "1t", "-m", "1000", "-nshort", "-u", "g").out())
        .isEqualTo("0.51g\n");
    Run bad = run("metadata-size", "-b", "100", "-s", "1t", "-m", "1");
    assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err()).isEqualTo("thinly: block size must be 2^^N\n");
  }

  @Test
  void messages() throws Exception {
    Path meta = dir.resolve("meta");
    Files.copy(SharedTools.fixture("01-empty-pool.bin"), meta);
    assertThat(run("message", meta, "create_thin", 0).exit()).isZero();
    assertThat(run("message", meta, "create_snap", 1, 0).exit()).isZero();
    Run exists = run("message", meta, "create_thin", 1);
    assertThat(exists.exit()).isEqualTo(ExitCodes.FAILURE);
    assertThat(exists.err()).isEqualTo("thinly: thin device 1 already exists\n");
    assertThat(run("message", meta, "delete", 7).exit()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(run("message", meta, "create_thin", 16777216).exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(run("message", meta, "set_transaction_id", 5, 6).exit())
        .isEqualTo(ExitCodes.FAILURE);
    assertThat(run("message", meta, "set_transaction_id", 0, 6).exit()).isZero();
    assertThat(run("message", meta, "reserve_metadata_snap").exit()).isZero();
    assertThat(run("message", meta, "reserve_metadata_snap").exit()).isEqualTo(ExitCodes.BUSY);
    assertThat(run("message", meta, "release_metadata_snap").exit()).isZero();
    assertThat(run("message", meta, "release_metadata_snap").exit()).isEqualTo(ExitCodes.FAILURE);
    assertThat(run("message", meta, "frobnicate").exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(run("message", dir.resolve("none"), "create_thin", 3).exit())
        .isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(ThinTools.thinCheck(meta).exitCode()).isZero();
    assertThat(ThinTools.thinDump(meta).stdout())
        .contains("transaction=\"6\"")
        .contains("dev_id=\"1\"");
    assertThat(run("check", meta).exit()).isZero();
  }
}
