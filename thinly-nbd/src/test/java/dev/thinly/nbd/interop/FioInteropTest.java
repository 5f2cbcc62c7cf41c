package dev.thinly.nbd.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.nbd.export.FileExport;
import dev.thinly.nbd.export.MemoryExport;
import dev.thinly.nbd.testkit.NbdTestServer;
import dev.thinly.nbd.testkit.ProcessRunner;
import dev.thinly.nbd.testkit.TestImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fio's nbd engine at queue depth 32: random writes verified with CRC32C, then random reads.
 * Correctness only; throughput is measured by benchmarks, not here.
 */
class FioInteropTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final long SIZE = 32L << 20;

  @TempDir Path dir;

  static List<String> fio(String uri, String... extra) {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                "fio",
                "--name=nbd",
                "--ioengine=nbd",
                "--uri=" + uri,
                "--iodepth=32",
                "--size=" + SIZE,
                "--output-format=terse",
                "--verify_state_save=0"));
    command.addAll(List.of(extra));
    return command;
  }

  @Test
  void randomWritesVerifyAndRandomReadsSucceed() {
    Path file = TestImages.sparse(dir.resolve("fio.raw"), SIZE, 4);
    FileExport fileExport = FileExport.open(file, "file", "", false);
    try (NbdTestServer nbd =
        NbdTestServer.start(dir, MemoryExport.builder("mem", SIZE).build(), fileExport)) {
      for (String uri : new String[] {nbd.unixUri("mem"), nbd.tcpUri("file")}) {
        ProcessRunner.run(
                TIMEOUT,
                dir,
                Map.of(),
                fio(
                    uri,
                    "--rw=randwrite",
                    "--bs=4k",
                    "--verify=crc32c",
                    "--do_verify=1",
                    "--verify_fatal=1"))
            .assertSuccess();
        ProcessRunner.run(
                TIMEOUT, dir, Map.of(), fio(uri, "--rw=randread", "--bs=4k", "--io_size=16m"))
            .assertSuccess();
        ProcessRunner.run(
                TIMEOUT,
                dir,
                Map.of(),
                fio(
                    uri,
                    "--rw=randrw",
                    "--bs=64k",
                    "--fsync=16",
                    "--verify=crc32c",
                    "--do_verify=1",
                    "--verify_fatal=1"))
            .assertSuccess();
      }
      assertThat(nbd.events())
          .filteredOn(e -> e instanceof dev.thinly.nbd.server.NbdEvent.RequestFailed)
          .isEmpty();
    } finally {
      fileExport.close();
    }
  }
}
