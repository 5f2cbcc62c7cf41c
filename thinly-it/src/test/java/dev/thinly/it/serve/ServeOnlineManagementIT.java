package dev.thinly.it.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.nbd.testkit.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pool and volume commands while {@code thinly serve} runs and a client is connected: they go
 * through the control socket (strace shows they never open a file of the pool), the server carries
 * them out at once, and removing a volume from under a client needs {@code --force}, which cuts
 * the client first.
 */
class ServeOnlineManagementIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final int COUNTER_BLOCKS = 4096;

  @TempDir Path tmp;

  private Path pool() {
    return tmp.resolve("pool");
  }

  /** {@code thinly ARGS --pool POOL} under strace: must exit 0 without opening a pool file. */
  private ProcessRunner.Result online(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(List.of("--pool", pool().toString()));
    ThinlyCli.Traced t = ThinlyCli.traced(tmp.resolve("strace-" + args[0] + ".txt"), all.toArray(String[]::new));
    t.result().assertSuccess();
    assertThat(t.fileCalls()).as("strace saw the JVM open its jar").anyMatch(c -> c.contains("thinly.jar"));
    assertThat(t.touching(pool())).as("files of the pool opened by thinly " + all).isEmpty();
    return t.result();
  }

  private ProcessRunner.Result refused(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(List.of("--pool", pool().toString()));
    return ThinlyCli.run(all.toArray(String[]::new));
  }

  @Test
  void commandsWorkOnTheLivePoolAndInUseVolumesNeedForce() {
    ThinlyCli.ok("pool", "create", "--pool", pool().toString(), "--data-size", "1G");
    ThinlyCli.ok("create", "busy", "--size", "64M", "--pool", pool().toString());
    try (ServeProcess serve = ServeProcess.start(pool(), tmp.resolve("nbd.sock"));
        Background writer = counterWriter(serve.unixUri("busy"))) {
      writer.out().awaitNth(l -> true, 100, TIMEOUT);

      assertThat(online("create", "vm2", "--size", "32M").stdout()).contains("created volume 'vm2'");
      serve.awaitLog("volume vm2 created", TIMEOUT);
      assertThat(size(serve.tcpUri("vm2"))).isEqualTo(32L << 20);

      assertThat(online("list").stdout()).contains("busy", "vm2");
      assertThat(online("pool", "status").stdout()).contains("mode:            rw", "volumes:         2");
      online("pool", "grow", "--data-size", "+1G");
      serve.awaitLog("pool grown", TIMEOUT);
      JsonNode status = JsonMapper.shared().readTree(online("pool", "status", "--json").stdout());
      assertThat(status.get("data_blocks_total").asLong() * status.get("block_size_bytes").asLong())
          .isEqualTo(2L << 30);

      online("resize", "vm2", "--size", "64M");
      assertThat(size(serve.unixUri("vm2"))).isEqualTo(64L << 20);
      online("resize", "busy", "--size", "+16M"); // growing needs no --force
      assertThat(size(serve.unixUri("busy"))).isEqualTo(80L << 20);
      online("snapshot", "busy", "busy-snap", "--read-only");
      assertThat(online("list", "--json").stdout()).contains("\"busy-snap\"");

      // the connected client keeps a volume from being deleted or shrunk
      int linesBefore = writer.out().size();
      ProcessRunner.Result delete = refused("delete", "busy");
      assertThat(delete.exitCode()).as(delete.describe()).isEqualTo(5);
      assertThat(delete.stderr().lines().toList())
          .containsExactly(
              "thinly: volume 'busy' has 1 connected client; disconnect them first or delete with --force");
      ProcessRunner.Result shrink = refused("resize", "busy", "--size", "16M");
      assertThat(shrink.exitCode()).as(shrink.describe()).isEqualTo(5);
      assertThat(shrink.stderr().lines().toList())
          .containsExactly(
              "thinly: volume 'busy' has 1 connected client; disconnect them first or shrink with --force");
      // and the client went on writing meanwhile
      writer.out().awaitNth(l -> true, linesBefore + 100, TIMEOUT);
      assertThat(writer.isAlive()).isTrue();

      // --force cuts the client first: shrinking
      try (Background other = counterWriter(serve.unixUri("vm2"))) {
        other.out().awaitNth(l -> true, 10, TIMEOUT);
        online("resize", "vm2", "--size", "16M", "--force");
        assertThat(other.await(TIMEOUT)).as(other.describe()).isEqualTo(3);
        assertThat(other.out().lines()).last().asString().startsWith("connection ended:");
        serve.awaitLog("disconnected 1 client of vm2 to shrink it", TIMEOUT);
        assertThat(size(serve.unixUri("vm2"))).isEqualTo(16L << 20);
      }
      // ... and deleting
      online("delete", "busy", "--force");
      assertThat(writer.await(TIMEOUT)).as(writer.describe()).isEqualTo(3);
      assertThat(writer.out().lines()).last().asString().startsWith("connection ended:");
      serve.awaitLog("volume busy deleted", TIMEOUT);
      String list = ProcessRunner.run(TIMEOUT, "nbdinfo", "--list", serve.tcpUri("")).assertSuccess().stdout();
      assertThat(list).doesNotContain("export=\"busy\"").contains("export=\"busy-snap\"", "export=\"vm2\"");

      assertThat(serve.stop()).as(serve.describe()).isZero();
    }
    // and the pool is consistent and keeps it all
    ThinlyCli.ok("check", pool().resolve("metadata").toString());
    JsonNode volumes = JsonMapper.shared().readTree(ThinlyCli.ok("list", "--json", "--pool", pool().toString()).stdout());
    assertThat(volumes.valueStream().map(v -> v.get("name").asString()).toList()).containsExactly("busy-snap", "vm2");
  }

  /**
   * A snapshot taken while a client writes a counter sequence (one write at a time, each
   * acknowledged before the next) holds the sequence up to some write k: every write acknowledged
   * before the snapshot command started, none issued after it returned. Times are CLOCK_MONOTONIC
   * in both processes.
   */
  @Test
  void aSnapshotOfAVolumeBeingWrittenIsCrashConsistent() {
    ThinlyCli.ok("pool", "create", "--pool", pool().toString(), "--data-size", "1G");
    ThinlyCli.ok("create", "counter", "--size", "32M", "--pool", pool().toString());
    try (ServeProcess serve = ServeProcess.start(pool(), tmp.resolve("nbd.sock"))) {
      for (int round = 0; round < 3; round++) {
        String snapshot = "counter-" + round;
        try (Background writer = counterWriter(serve.tcpUri("counter"))) {
          // a few rounds of the sequence, so blocks are overwritten (round > 0 starts from 0 again)
          writer.out().awaitNth(l -> true, 500 + round * COUNTER_BLOCKS, TIMEOUT);
          long before = System.nanoTime();
          ThinlyCli.ok("snapshot", "counter", snapshot, "--read-only", "--pool", pool().toString());
          long after = System.nanoTime();
          writer.out().await(l -> field(l, 1) > after, TIMEOUT);
          writer.terminate();
          assertThat(writer.await(TIMEOUT)).as(writer.describe()).isZero();

          List<String> lines = writer.out().lines();
          long ackedBefore = lines.stream().filter(l -> field(l, 2) < before).mapToLong(l -> field(l, 0)).max().orElse(-1);
          long issuedAfter = lines.stream().filter(l -> field(l, 1) > after).mapToLong(l -> field(l, 0)).min().orElseThrow();
          String state =
              ProcessRunner.run(
                      TIMEOUT,
                      List.of(
                          "/usr/bin/python3",
                          Background.script(tmp, "counter_writer.py").toString(),
                          "verify",
                          serve.unixUri(snapshot),
                          "" + COUNTER_BLOCKS))
                  .assertSuccess()
                  .stdout()
                  .trim();
          long k = Long.parseLong(state.substring("state after ".length()));
          assertThat(k)
              .as("snapshot %s: acknowledged before it: %d, issued after it: %d", snapshot, ackedBefore, issuedAfter)
              .isGreaterThanOrEqualTo(ackedBefore)
              .isLessThan(issuedAfter);
          assertThat(ackedBefore).isGreaterThanOrEqualTo(500 + round * COUNTER_BLOCKS - 1);
        }
      }
      assertThat(serve.stop()).as(serve.describe()).isZero();
    }
  }

  /** Field {@code i} of a writer line "i issued acked". */
  private static long field(String line, int i) {
    return Long.parseLong(line.split(" ")[i]);
  }

  private Background counterWriter(String uri) {
    return Background.python(tmp, "counter_writer.py", "write", uri, "" + COUNTER_BLOCKS);
  }

  private static long size(String uri) {
    return Long.parseLong(
        ProcessRunner.run(TIMEOUT, "nbdinfo", "--size", uri).assertSuccess().stdout().trim());
  }
}
