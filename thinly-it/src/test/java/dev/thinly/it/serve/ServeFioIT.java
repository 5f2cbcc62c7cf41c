package dev.thinly.it.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.nbd.testkit.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fio's nbd engine against {@code thinly serve} at queue depth 32, over TCP and the unix socket:
 * random writes verified with CRC32C (fio reads every block back), then random reads. Correctness
 * only; bench/nbd-fio.sh measures speed.
 */
class ServeFioIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(180);

  @TempDir Path tmp;

  @Test
  void randomWritesVerifyAndRandomReadsPassOverTcpAndUnix() {
    Path pool = tmp.resolve("pool");
    ThinlyCli.ok("pool", "create", "--pool", pool.toString(), "--data-size", "1G");
    ThinlyCli.ok("create", "fio-tcp", "--size", "48M", "--pool", pool.toString());
    ThinlyCli.ok("create", "fio-unix", "--size", "48M", "--pool", pool.toString());
    try (ServeProcess serve = ServeProcess.start(pool, tmp.resolve("nbd.sock"))) {
      for (String uri : List.of(serve.tcpUri("fio-tcp"), serve.unixUri("fio-unix"))) {
        fio(uri, "--rw=randwrite", "--bs=4k", "--verify=crc32c", "--do_verify=1", "--verify_fatal=1");
        fio(uri, "--rw=randread", "--bs=4k", "--io_size=32m");
        // bigger blocks mixed, with flushes, verified again
        fio(uri, "--rw=randrw", "--bs=64k", "--fsync=16", "--verify=crc32c", "--do_verify=1", "--verify_fatal=1");
      }
      assertThat(serve.log()).noneMatch(l -> l.contains("warning:"));
      assertThat(serve.stop()).as(serve.describe()).isZero();
    }
  }

  private void fio(String uri, String... job) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "fio",
                "--name=thinly",
                "--ioengine=nbd",
                "--uri=" + uri,
                "--iodepth=32",
                "--size=48m",
                "--output-format=terse",
                "--verify_state_save=0"));
    command.addAll(List.of(job));
    ProcessRunner.run(TIMEOUT, tmp, Map.of(), command).assertSuccess();
  }
}
