package dev.thinly.nbd.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.nbd.export.MemoryExport;
import dev.thinly.nbd.testkit.NbdTestServer;
import dev.thinly.nbd.testkit.ProcessRunner;
import dev.thinly.nbd.testkit.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** qemu-img as a writer (convert -n), a comparer (block status with REQ_ONE) and a reader. */
class QemuImgInteropTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final long SIZE = 64L << 20;

  @TempDir Path dir;

  @Test
  void convertIntoAnExportThenCompareOverUnixAndTcp() throws Exception {
    Path image =
        TestImages.sparse(
            dir.resolve("src.raw"),
            SIZE,
            1,
            0,
            65536,
            3L << 20,
            1L << 20,
            40L << 20,
            5L << 20,
            SIZE - 4096,
            4096);
    try (NbdTestServer nbd =
        NbdTestServer.start(
            dir,
            MemoryExport.builder("unix", SIZE).build(),
            MemoryExport.builder("tcp", SIZE).build())) {
      for (String uri : new String[] {nbd.unixUri("unix"), nbd.tcpUri("tcp")}) {
        ProcessRunner.run(
                TIMEOUT,
                "qemu-img",
                "convert",
                "-n",
                "-f",
                "raw",
                "-O",
                "raw",
                image.toString(),
                uri)
            .assertSuccess();
        String compare =
            ProcessRunner.run(
                    TIMEOUT, "qemu-img", "compare", "-f", "raw", "-F", "raw", image.toString(), uri)
                .assertSuccess()
                .stdout();
        assertThat(compare).contains("Images are identical");
      }
      // nothing but the data ranges was allocated: qemu-img zeroes holes with "may trim"
      String map =
          ProcessRunner.run(
                  TIMEOUT, "qemu-img", "map", "--output=json", "-f", "raw", nbd.unixUri("unix"))
              .assertSuccess()
              .stdout();
      assertThat(map)
          .contains(
              "\"start\": 0, \"length\": 65536, \"depth\": 0, \"present\": true, \"zero\": false,"
                  + " \"data\": true")
          .contains(
              "\"start\": 3145728, \"length\": 1048576, \"depth\": 0, \"present\": true, \"zero\":"
                  + " false, \"data\": true")
          .contains(
              "\"start\": 65536, \"length\": 3080192, \"depth\": 0, \"present\": true, \"zero\":"
                  + " true, \"data\": false");

      // and back out again, into a fresh file
      Path copy = dir.resolve("copy.raw");
      ProcessRunner.run(
              TIMEOUT,
              "qemu-img",
              "convert",
              "-f",
              "raw",
              "-O",
              "raw",
              nbd.tcpUri("tcp"),
              copy.toString())
          .assertSuccess();
      assertThat(Files.mismatch(image, copy)).isEqualTo(-1);
    }
  }
}
