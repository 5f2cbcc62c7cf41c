package dev.thinly.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.cli.ExitCodes;
import dev.thinly.cli.Main;
import dev.thinly.pdata.io.FileBlockDevice;
import dev.thinly.thin.testkit.ThinTools;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The shaded {@code thinly.jar} as a child process: killed with SIGKILL in the middle of an import,
 * holding the pool against another process, and with real pipes on stdin and stdout.
 */
class PoolCliCrashIT {
  private static final int MIB = 1 << 20;

  @TempDir Path tmp;

  private Path pool() {
    return tmp.resolve("pool");
  }

  /** One in-process command: exit code, stdout, stderr. */
  private record Run(int exitCode, String out, String err) {
    String all() {
      return "exit " + exitCode + "\n" + out + err;
    }
  }

  private Run thinly(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--pool", pool().toString()));
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return new Run(cl.execute(all.toArray(String[]::new)), out.toString(), err.toString());
  }

  private Run ok(String... args) {
    Run r = thinly(args);
    assertThat(r.exitCode()).as(r.all()).isZero();
    return r;
  }

  /** {@code java -jar thinly.jar ARGS --pool POOL}, stderr to a file. */
  private Process child(String... args) throws IOException {
    Path jar = Path.of(System.getProperty("thinly.jar"));
    assertThat(jar).as("the shaded jar, built by the thinly-cli module").exists();
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC", "-jar", jar.toString()));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--pool", pool().toString()));
    return new ProcessBuilder(cmd).redirectError(tmp.resolve("child.err").toFile()).start();
  }

  private static byte[] image(int mib, long seed) {
    byte[] img = new byte[mib * MIB];
    new Random(seed).nextBytes(img);
    // some whole 64 KiB blocks of zeros
    for (int off = 0; off < img.length; off += 5 * 65536) {
      java.util.Arrays.fill(img, off, off + 65536, (byte) 0);
    }
    return img;
  }

  private long allocated() {
    try (FileBlockDevice d = FileBlockDevice.open(pool().resolve("data"), true)) {
      return d.allocatedBytes();
    }
  }

  @Test
  void anImportKilledWithSigkillLeavesAConsistentPoolAndEarlierSnapshotsIntact() throws Exception {
    byte[] before = image(8, 1);
    Files.write(tmp.resolve("before.raw"), before);
    ok("pool", "create", "--data-size", "2G");
    ok("import", "base", tmp.resolve("before.raw").toString());
    ok("snapshot", "base", "base-snap", "--read-only");
    long baseline = allocated();

    // an import fed through a pipe, without end: it is still writing when it is killed, whatever
    // the machine's speed
    Process importer = child("import", "big", "-");
    OutputStream stdin = importer.getOutputStream();
    Thread feeder =
        Thread.ofVirtual()
            .start(
                () -> {
                  Random random = new Random(2);
                  byte[] piece = new byte[MIB];
                  try {
                    while (true) {
                      random.nextBytes(piece);
                      stdin.write(piece);
                    }
                  } catch (IOException e) {
                    // the importer is gone
                  }
                });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (allocated() < baseline + 32 * MIB) {
      assertThat(importer.isAlive()).as(Files.readString(tmp.resolve("child.err"))).isTrue();
      assertThat(System.nanoTime() - deadline).as("the import made no progress").isNegative();
      Thread.sleep(10);
    }

    // meanwhile the pool belongs to the importer
    Run busy = thinly("list");
    assertThat(busy.exitCode()).as(busy.all()).isEqualTo(ExitCodes.BUSY);
    assertThat(busy.err()).contains("in use by pid " + importer.pid() + " (thinly import)");

    importer.destroyForcibly(); // SIGKILL
    assertThat(importer.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(importer.exitValue()).isNotZero();
    feeder.join();
    try {
      stdin.close();
    } catch (IOException brokenPipe) {
      // expected: nobody reads it any more
    }

    Run status = ok("pool", "status");
    assertThat(status.err()).contains("took over the lock left by pid " + importer.pid());
    assertThat(status.out()).contains("mode:            rw");
    ThinTools.Result check = ThinTools.thinCheck(pool().resolve("metadata"));
    assertThat(check.exitCode()).as(check.all()).isZero();
    for (String volume : List.of("base", "base-snap")) {
      Path out = tmp.resolve(volume + ".out");
      ok("export", volume, out.toString());
      assertThat(Files.mismatch(out, tmp.resolve("before.raw"))).as(volume).isEqualTo(-1);
    }
    // the interrupted volume can be imported over (or deleted) like any other
    ok("import", "big", tmp.resolve("before.raw").toString());
    ok("delete", "big");
    check = ThinTools.thinCheck(pool().resolve("metadata"));
    assertThat(check.exitCode()).as(check.all()).isZero();
  }

  @Test
  void importFromAPipeAndExportToAPipe() throws Exception {
    byte[] img = image(16, 3);
    ok("pool", "create", "--data-size", "256M");

    Process importer = child("import", "piped", "-");
    CompletableFuture<byte[]> importerOut = drain(importer.getInputStream());
    try (OutputStream gz = new GZIPOutputStream(importer.getOutputStream(), 1 << 16)) {
      gz.write(img);
    }
    assertThat(importer.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(importer.exitValue()).as(Files.readString(tmp.resolve("child.err"))).isZero();
    assertThat(new String(importerOut.join())).contains("(gzip)");

    Process exporter = child("export", "piped", "-");
    exporter.getOutputStream().close();
    CompletableFuture<byte[]> exported = drain(exporter.getInputStream());
    assertThat(exporter.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(exporter.exitValue()).as(Files.readString(tmp.resolve("child.err"))).isZero();
    assertThat(exported.join()).isEqualTo(img);
    // nothing but the image on stdout, and no progress bar on a pipe
    assertThat(Files.readString(tmp.resolve("child.err"))).isEmpty();
  }

  private static CompletableFuture<byte[]> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return in.readAllBytes();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }
}
