package dev.thinly.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.cli.Main;
import dev.thinly.thin.testkit.ThinTools;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A pool on block devices (loop devices over sparse files; the test runs as root, as CI does):
 * sizes come from BLKGETSIZE64, data freed by a deletion is given back with BLKDISCARD (the loop
 * device punches its backing file), zeroing uses BLKZEROOUT, and the metadata device passes
 * thin_check.
 */
class PoolOnBlockDevicesIT {
  private static final int MIB = 1 << 20;

  @TempDir Path tmp;
  private final List<String> loops = new ArrayList<>();

  @AfterEach
  void detach() {
    for (String loop : loops) {
      ThinTools.run("losetup", "-d", loop);
    }
  }

  private String loop(Path backing, long sizeBytes) throws Exception {
    try (var f = java.nio.channels.FileChannel.open(
        backing, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
      f.truncate(0);
      f.write(java.nio.ByteBuffer.allocate(1), sizeBytes - 1);
    }
    ThinTools.Result r = ThinTools.run("losetup", "-f", "--show", backing.toString());
    assertThat(r.exitCode()).as("losetup (needs root): " + r.all()).isZero();
    String dev = r.stdout().trim();
    loops.add(dev);
    return dev;
  }

  private String ok(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--pool", tmp.resolve("pool").toString()));
    int code = cl.execute(all.toArray(String[]::new));
    assertThat(code).as(String.join(" ", args) + "\n" + out + err).isZero();
    return out.toString();
  }

  private static long allocatedBytes(Path file) throws Exception {
    return ((Number) Files.getAttribute(file, "unix:size")).longValue() == 0
        ? 0
        : Long.parseLong(ThinTools.run("stat", "-c", "%b", file.toString()).stdout().trim()) * 512;
  }

  @Test
  void aPoolOnBlockDevicesStoresAndReleasesData() throws Exception {
    String data = loop(tmp.resolve("data.img"), 256L * MIB);
    String meta = loop(tmp.resolve("meta.img"), 16L * MIB);
    ok("pool", "create", "--data-device", data, "--metadata-device", meta);
    assertThat(ok("pool", "status")).contains("256MiB");

    byte[] image = new byte[24 * MIB];
    new Random(7).nextBytes(image);
    Arrays.fill(image, 4 * MIB, 8 * MIB, (byte) 0);
    Path img = tmp.resolve("image.raw");
    Files.write(img, image);
    ok("import", "vol", img.toString());
    ok("snapshot", "vol", "snap", "--read-only");
    Path out = tmp.resolve("out.raw");
    ok("export", "snap", out.toString());
    assertThat(Files.readAllBytes(out)).isEqualTo(image);

    long before = allocatedBytes(tmp.resolve("data.img"));
    ok("delete", "snap");
    ok("delete", "vol");
    long after = allocatedBytes(tmp.resolve("data.img"));
    // 20 MiB of non-zero blocks were stored; deleting both volumes gives them back
    assertThat(before - after).isGreaterThanOrEqualTo(19L * MIB);

    ThinTools.Result check = ThinTools.thinCheck(Path.of(meta));
    assertThat(check.exitCode()).as(check.all()).isZero();
  }
}
