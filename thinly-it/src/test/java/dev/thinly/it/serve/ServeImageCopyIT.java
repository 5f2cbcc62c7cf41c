package dev.thinly.it.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.nbd.testkit.ProcessRunner;
import dev.thinly.nbd.testkit.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Images in and out of {@code thinly serve}: qemu-img writes a sparse image into a volume (holes as
 * WRITE_ZEROES that unmap), qemu-img compares it through block status, nbdinfo maps it, nbdcopy
 * reads it back over several connections.
 */
class ServeImageCopyIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final long SIZE = 64L << 20;
  private static final long KIB = 1024;
  private static final long MIB = 1024 * KIB;

  @TempDir Path tmp;

  @Test
  void anImageCopiedInReadsBackIdenticallyWithHolesWhereNothingWasWritten() throws Exception {
    Path pool = tmp.resolve("pool");
    ThinlyCli.ok("pool", "create", "--pool", pool.toString(), "--data-size", "1G");
    ThinlyCli.ok("create", "over-unix", "--size", "64M", "--pool", pool.toString());
    ThinlyCli.ok("create", "over-tcp", "--size", "64M", "--pool", pool.toString());
    // random data in whole pool blocks (64 KiB), plus one 4 KiB write that provisions its block
    Path image =
        TestImages.sparse(
            tmp.resolve("src.raw"),
            SIZE,
            7,
            0,
            128 * KIB,
            3 * MIB,
            MIB,
            20 * MIB + 8 * KIB,
            4 * KIB,
            40 * MIB,
            5 * MIB,
            SIZE - 64 * KIB,
            64 * KIB);
    try (ServeProcess serve = ServeProcess.start(pool, tmp.resolve("nbd.sock"))) {
      for (String uri : new String[] {serve.unixUri("over-unix"), serve.tcpUri("over-tcp")}) {
        ProcessRunner.run(
                TIMEOUT, "qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", image.toString(), uri)
            .assertSuccess();
        String compare =
            ProcessRunner.run(
                    TIMEOUT, "qemu-img", "compare", "-f", "raw", "-F", "raw", image.toString(), uri)
                .assertSuccess()
                .stdout();
        assertThat(compare).as(uri).contains("Images are identical");
      }

      for (String uri : new String[] {serve.tcpUri("over-unix"), serve.unixUri("over-tcp")}) {
        String map = ProcessRunner.run(TIMEOUT, "nbdinfo", "--map", uri).assertSuccess().stdout();
        assertThat(map.lines().map(l -> l.trim().replaceAll("\\s+", " ")).toList())
            .as(uri)
            .containsExactly(
                "0 131072 0 data",
                "131072 3014656 3 hole,zero",
                "3145728 1048576 0 data",
                "4194304 16777216 3 hole,zero",
                "20971520 65536 0 data",
                "21037056 20905984 3 hole,zero",
                "41943040 5242880 0 data",
                "47185920 19857408 3 hole,zero",
                "67043328 65536 0 data");
      }

      Path copy = tmp.resolve("copy.raw");
      ProcessRunner.run(TIMEOUT, "nbdcopy", serve.unixUri("over-tcp"), copy.toString())
          .assertSuccess();
      assertThat(Files.mismatch(image, copy)).isEqualTo(-1);

      // the pool allocated the written blocks and nothing else
      String list = ThinlyCli.ok("list", "--json", "--pool", pool.toString()).stdout();
      for (JsonNode v : JsonMapper.shared().readTree(list)) {
        assertThat(v.get("mapped_bytes").asLong())
            .as(v.toString())
            .isEqualTo(128 * KIB + MIB + 64 * KIB + 5 * MIB + 64 * KIB);
      }
      assertThat(serve.stop()).as(serve.describe()).isZero();
    }
  }
}
