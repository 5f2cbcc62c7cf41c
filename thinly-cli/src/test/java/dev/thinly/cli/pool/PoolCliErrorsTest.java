package dev.thinly.cli.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.cli.ExitCodes;
import dev.thinly.thin.pool.PoolOptions;
import dev.thinly.thin.pool.ThinPool;
import dev.thinly.thin.testkit.ThinTools;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What users see when something is wrong: one line, the right exit code, a consistent pool. */
class PoolCliErrorsTest {
  @TempDir Path tmp;

  private String pool() {
    return tmp.resolve("pool").toString();
  }

  private Cli.Run thinly(String... args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--pool";
    all[args.length + 1] = pool();
    return Cli.run(all);
  }

  private static void assertFails(Cli.Run r, int exitCode, String message) {
    assertThat(r.exitCode()).as(r.all()).isEqualTo(exitCode);
    assertThat(r.err()).as(r.all()).startsWith("thinly: ").contains(message);
    assertThat(r.err()).as("no stack trace").doesNotContain("Exception").doesNotContain("\tat ");
  }

  private static void assertOneLine(Cli.Run r) {
    assertThat(r.err().strip().lines()).as(r.all()).hasSize(1);
  }

  @Test
  void anImportTooLargeForThePoolFailsCleanlyAndSucceedsAfterGrow() throws Exception {
    byte[] img = Images.image(512, 7, i -> i % 10 == 0); // 32 MiB, 28.8 MiB of data
    Path file = Images.write(tmp.resolve("img"), img);
    assertThat(thinly("pool", "create", "--data-size", "16M").exitCode()).isZero();

    Cli.Run failed = thinly("import", "vm", file.toString());
    assertFails(failed, ExitCodes.NO_SPACE, "out of data space");
    assertThat(failed.err()).contains("thinly pool grow");
    // the half-imported volume it created is gone again
    assertThat(thinly("list").out()).contains("no volumes");
    ThinTools.Result check = ThinTools.thinCheck(tmp.resolve("pool/metadata"));
    assertThat(check.exitCode()).as(check.all()).isZero();

    Cli.Run grown = thinly("pool", "grow", "--data-size", "+48M");
    assertThat(grown.exitCode()).as(grown.all()).isZero();
    assertThat(grown.out()).contains("data 64MiB");
    Cli.Run status = thinly("pool", "status");
    assertThat(status.out()).contains("mode:            rw");
    Cli.Run retried = thinly("import", "vm", file.toString());
    assertThat(retried.exitCode()).as(retried.all()).isZero();
    assertThat(thinly("export", "vm", tmp.resolve("out").toString()).exitCode()).isZero();
    assertThat(Files.mismatch(tmp.resolve("out"), file)).isEqualTo(-1);
    check = ThinTools.thinCheck(tmp.resolve("pool/metadata"));
    assertThat(check.exitCode()).as(check.all()).isZero();
  }

  private Path gzip(byte[] img) throws Exception {
    return Images.compress(Images.write(tmp.resolve("img"), img), "gzip", ".gz");
  }

  @Test
  void badInputGetsOneLineAndTheRightExitCode() throws Exception {
    assertFails(thinly("list"), ExitCodes.NOT_FOUND, "no pool at");
    assertThat(thinly("pool", "create", "--data-size", "64M").exitCode()).isZero();
    assertThat(thinly("create", "vm", "--size", "1M").exitCode()).isZero();

    Cli.Run r = thinly("create", "bad/name", "--size", "1M");
    assertFails(r, ExitCodes.USAGE, "invalid volume name 'bad/name'");
    assertOneLine(r);
    r = thinly("snapshot", "vm", "..");
    assertFails(r, ExitCodes.USAGE, "invalid volume name");
    r = thinly("create", "vm", "--size", "1M");
    assertFails(r, ExitCodes.USAGE, "already exists");
    assertOneLine(r);

    for (String[] cmd : new String[][] {
        {"delete", "ghost"}, {"snapshot", "ghost", "s"}, {"resize", "ghost", "--size", "2M"},
        {"export", "ghost", tmp.resolve("x").toString()}}) {
      r = thinly(cmd);
      assertFails(r, ExitCodes.NOT_FOUND, "no volume named 'ghost'");
      assertOneLine(r);
    }
    r = thinly("import", "vm2", tmp.resolve("missing.img").toString());
    assertFails(r, ExitCodes.NOT_FOUND, "no such file");
    assertOneLine(r);

    r = thinly("create", "big", "--size", "10Q");
    assertFails(r, ExitCodes.USAGE, "'10Q' is not a size");
    r = thinly("resize", "vm", "--size", "-2M");
    assertFails(r, ExitCodes.USAGE, "cannot shrink");
    r = thinly("pool", "grow", "--data-size", "1M");
    assertFails(r, ExitCodes.USAGE, "cannot shrink");
    r = thinly("pool", "create", "--data-size", "1G");
    assertFails(r, ExitCodes.USAGE, "already exists");
    r = Cli.run("pool", "create", "--pool", tmp.resolve("other").toString(), "--block-size", "96K");
    assertFails(r, ExitCodes.USAGE, "--block-size must be 64K to 1G");
    assertThat(tmp.resolve("other")).doesNotExist();

    byte[] gz = java.nio.file.Files.readAllBytes(gzip(Images.image(16, 9, i -> false)));
    Path truncated = tmp.resolve("truncated.gz");
    java.nio.file.Files.write(truncated, java.util.Arrays.copyOf(gz, gz.length / 2));
    r = thinly("import", "broken", truncated.toString());
    assertFails(r, ExitCodes.FAILURE, "cannot decompress " + truncated + " (gzip)");
    assertThat(thinly("list").out()).doesNotContain("broken");

    assertThat(thinly("snapshot", "vm", "ro", "--read-only").exitCode()).isZero();
    r = thinly("import", "ro", "-");
    assertFails(r, ExitCodes.READ_ONLY, "read-only");
  }

  @Test
  void aPoolOwnedBySomeoneElseIsBusyAndTheMessageNamesTheOwner() {
    assertThat(thinly("pool", "create", "--data-size", "64M").exitCode()).isZero();
    try (ThinPool owner = ThinPool.open(tmp.resolve("pool"), PoolOptions.defaults("thinly serve"))) {
      Cli.Run r = thinly("list");
      assertFails(r, ExitCodes.BUSY, "in use by pid " + ProcessHandle.current().pid() + " (thinly serve)");
      assertOneLine(r);
    }
    assertThat(thinly("list").exitCode()).isZero();
  }

  @Test
  void resizeAndGrowAcceptRelativeSizes() {
    assertThat(thinly("pool", "create", "--data-size", "64M", "--block-size", "128K").exitCode()).isZero();
    assertThat(thinly("create", "vm", "--size", "10M", "--label", "os=debian", "--label", "tier=gold").exitCode()).isZero();
    assertThat(thinly("resize", "vm", "--size", "+6M").out()).contains("10MiB -> 16MiB");
    assertThat(thinly("resize", "vm", "--size=-8M").out()).contains("16MiB -> 8MiB");
    assertThat(thinly("resize", "vm", "--size", "12M").out()).contains("8MiB -> 12MiB");
    assertThat(thinly("pool", "grow", "--data-size", "+64M", "--metadata-size", "+1M").out())
        .contains("data 128MiB (1024 blocks)");
    Cli.Run list = thinly("list");
    assertThat(list.out().lines().toList())
        .hasSize(2)
        .first()
        .asString()
        .startsWith("NAME")
        .contains("EXCLUSIVE");
    assertThat(list.out()).contains("12MiB").contains("os=debian,tier=gold");
    Cli.Run status = thinly("pool", "status", "--json");
    assertThat(status.out()).contains("\"block_size_bytes\" : 131072").contains("\"data_blocks_total\" : 1024");
  }

  @Test
  void everyCommandHasHelpWithExamples() {
    for (String[] cmd : new String[][] {
        {"pool", "create"}, {"pool", "status"}, {"pool", "grow"}, {"create"}, {"snapshot"}, {"delete"},
        {"resize"}, {"list"}, {"import"}, {"export"}}) {
      String[] args = java.util.Arrays.copyOf(cmd, cmd.length + 1);
      args[cmd.length] = "--help";
      Cli.Run r = Cli.run(args);
      assertThat(r.exitCode()).as(r.all()).isZero();
      assertThat(r.out()).as(String.join(" ", cmd)).contains("Examples:").contains("--pool=DIR");
    }
  }
}
