package dev.thinly.it.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.nbd.testkit.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's log and its answer to SIGTERM: every stderr line starts with a fixed-width UTC
 * timestamp, so {@code sort} merges the logs of two servers into one timeline; SIGTERM lets the
 * requests in flight finish, refuses new ones with ESHUTDOWN, commits and exits 0, and every
 * acknowledged write is there after a restart (without any flush from the client).
 */
class ServeLogAndSignalIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  @TempDir Path tmp;

  private Path pool(String name, String volume, String size) {
    Path pool = tmp.resolve(name);
    ThinlyCli.ok("pool", "create", "--pool", pool.toString(), "--data-size", "4G");
    ThinlyCli.ok("create", volume, "--size", size, "--pool", pool.toString());
    return pool;
  }

  @Test
  void theLogsOfTwoServersMergeInOrderWithSort() throws Exception {
    Path poolA = pool("pool-a", "a", "16M");
    Path poolB = pool("pool-b", "b", "16M");
    Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);
    List<String> logA;
    List<String> logB;
    long pidA;
    long pidB;
    try (ServeProcess a = ServeProcess.start(poolA, tmp.resolve("a.sock"));
        ServeProcess b = ServeProcess.start(poolB, tmp.resolve("b.sock"))) {
      pidA = a.pid();
      pidB = b.pid();
      // one client after the other, alternating between the servers: a known order of events
      for (int i = 0; i < 4; i++) {
        ProcessRunner.run(TIMEOUT, "nbdinfo", "--size", a.unixUri("a")).assertSuccess();
        ProcessRunner.run(TIMEOUT, "nbdinfo", "--size", b.tcpUri("b")).assertSuccess();
      }
      assertThat(a.stop()).as(a.describe()).isZero();
      assertThat(b.stop()).as(b.describe()).isZero();
      logA = a.log();
      logB = b.log();
    }
    Instant after = Instant.now();
    for (String line : concat(logA, logB)) {
      assertThat(line).matches(ServeProcess.LOG_LINE);
      assertThat(Instant.parse(line.substring(0, 27))).as("a UTC time: " + line).isBetween(before, after);
    }

    Path fileA = Files.write(tmp.resolve("a.log"), logA);
    Path fileB = Files.write(tmp.resolve("b.log"), logB);
    // sort on the timestamp only, stable: lines of one server with the same microsecond keep order
    List<String> merged =
        ProcessRunner.run(
                TIMEOUT, null, Map.of("LC_ALL", "C"), List.of("sort", "-s", "-k1,1", fileB.toString(), fileA.toString()))
            .assertSuccess()
            .stdout()
            .lines()
            .toList();
    assertThat(merged).hasSize(logA.size() + logB.size());
    assertThat(merged.stream().filter(l -> l.contains("thinly[" + pidA + "]")).toList()).isEqualTo(logA);
    assertThat(merged.stream().filter(l -> l.contains("thinly[" + pidB + "]")).toList()).isEqualTo(logB);
    List<String> opened =
        merged.stream()
            .filter(l -> l.contains(" opened from "))
            .map(l -> l.contains("thinly[" + pidA + "]") ? "a" : "b")
            .toList();
    assertThat(String.join("", opened)).isEqualTo("abababab");
  }

  @Test
  void sigtermFinishesRequestsInFlightCommitsAndExitsZero() throws Exception {
    Path pool = pool("pool", "big", "2G");
    Path outcomes = tmp.resolve("outcomes.txt");
    long terminated;
    try (ServeProcess serve = ServeProcess.start(pool, tmp.resolve("nbd.sock"));
        Background writer = Background.python(tmp, "inflight_writer.py", "write", serve.unixUri("big"), "16")) {
      writer.out().awaitNth(l -> l.startsWith("ok "), 200, TIMEOUT);
      terminated = System.nanoTime();
      int exit = serve.stop();
      assertThat(exit).as(serve.describe()).isZero();
      assertThat(writer.await(TIMEOUT)).as(writer.describe()).isZero();
      Files.write(outcomes, writer.out().lines());
      assertThat(serve.log())
          .anyMatch(l -> l.endsWith("stopping: no new connections; finishing requests in flight"))
          .anyMatch(l -> l.endsWith("stopped; everything committed"));
    }
    List<String> lines = Files.readAllLines(outcomes);
    // requests that were in flight when the signal came still completed
    assertThat(lines).anyMatch(l -> l.startsWith("ok ") && Long.parseLong(l.split(" ")[2]) > terminated);
    // and nothing failed but with ESHUTDOWN or, once the server closed, for want of a connection
    assertThat(lines.stream().filter(l -> l.startsWith("err ")).map(l -> l.split(" ")[2]).distinct())
        .isSubsetOf("ESHUTDOWN", "ENOTCONN");

    ThinlyCli.ok("check", pool.resolve("metadata").toString());
    try (ServeProcess restarted = ServeProcess.start(pool, tmp.resolve("nbd.sock"))) {
      assertThat(restarted.log()).noneMatch(l -> l.contains("took over the lock"));
      ProcessRunner.Result verified =
          ProcessRunner.run(
              TIMEOUT,
              List.of(
                  "/usr/bin/python3",
                  Background.script(tmp, "inflight_writer.py").toString(),
                  "verify",
                  restarted.tcpUri("big"),
                  outcomes.toString()));
      assertThat(verified.exitCode()).as(verified.describe()).isZero();
      assertThat(restarted.stop()).as(restarted.describe()).isZero();
    }
  }

  /**
   * The server halts with exit code 0 from its shutdown hook, which skips JFR's own hook: a
   * recording asked for on the command line (how docs/benchmarks.md profiles the server) must
   * still be written.
   */
  @Test
  void aFlightRecordingStartedWithTheServerIsWrittenOnSigterm() throws Exception {
    Path pool = pool("pool", "vol", "16M");
    Path recording = tmp.resolve("serve.jfr");
    try (ServeProcess serve =
        ServeProcess.start(
            List.of("-XX:StartFlightRecording:filename=" + recording), pool, tmp.resolve("nbd.sock"))) {
      ProcessRunner.run(TIMEOUT, "nbdinfo", "--size", serve.unixUri("vol")).assertSuccess();
      assertThat(serve.stop()).as(serve.describe()).isZero();
    }
    assertThat(recording).isNotEmptyFile();
    String summary =
        ProcessRunner.run(
                TIMEOUT, Path.of(System.getProperty("java.home"), "bin", "jfr").toString(), "summary", recording.toString())
            .assertSuccess()
            .stdout();
    assertThat(summary).contains("jdk.ThreadStart");
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
