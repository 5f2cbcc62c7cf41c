package dev.thinly.it.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.nbd.testkit.ProcessRunner;
import dev.thinly.thin.testkit.ThinTools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of {@code thinly serve} in the middle of writes, at several points: fio loads one
 * volume with flushing writes while a scripted client writes self-describing blocks to another and
 * reports every completed flush. After each kill the metadata must check clean (thinly check and
 * the real thin_check), and after a restart every block must hold what was written before the last
 * completed flush, or a later write to it, and nothing else; volumes of earlier rounds stay as
 * they were.
 */
class ServeKillIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final Pattern FLUSHED = Pattern.compile("^flushed (\\d+)$");
  private static final Pattern STOPPED = Pattern.compile("^stopped after (\\d+) writes");

  @TempDir Path tmp;

  /** Where to kill: after the writer's n-th line that matches, with this flush interval. */
  private record KillPoint(String what, int flushEvery, Predicate<String> line, int count) {}

  /** What a round left to check: the writer's seed and how far it got. */
  private record Written(String volume, int seed, int durable, int issued) {}

  @Test
  void killedMidWriteTheServerLosesNothingThatWasFlushed() {
    Path pool = tmp.resolve("pool");
    ThinlyCli.ok("pool", "create", "--pool", pool.toString(), "--data-size", "2G");
    ThinlyCli.ok("create", "load", "--size", "256M", "--pool", pool.toString());
    List<KillPoint> points =
        List.of(
            new KillPoint("right after a flush", 16, l -> l.startsWith("flushed "), 6),
            new KillPoint("in the middle of a batch", 500, l -> l.startsWith("wrote "), 12),
            new KillPoint("between short batches", 5, l -> l.startsWith("flushed "), 40),
            new KillPoint("early, once the load runs", 50, l -> l.startsWith("wrote "), 2));
    for (int r = 0; r < points.size(); r++) {
      ThinlyCli.ok("create", "crash-" + r, "--size", "128M", "--pool", pool.toString());
    }
    List<Written> rounds = new ArrayList<>();
    for (int r = 0; r < points.size(); r++) {
      KillPoint point = points.get(r);
      String volume = "crash-" + r;
      int seed = 1000 + r;
      Written written;
      long killedPid;
      try (ServeProcess serve = ServeProcess.start(pool, tmp.resolve("nbd.sock"));
          Background fio = Background.start(tmp, fioLoad(serve.tcpUri("load")));
          Background writer =
              Background.python(
                  tmp, "flushing_writer.py", "write", serve.unixUri(volume), "" + seed, "" + point.flushEvery())) {
        // the load must be running, not starting, when the server dies
        serve.awaitLog("attached to export 'load'", TIMEOUT);
        writer.out().awaitNth(point.line(), point.count(), TIMEOUT);
        serve.kill9();
        killedPid = serve.pid();
        assertThat(writer.await(TIMEOUT)).as(writer.describe()).isZero();
        fio.await(TIMEOUT);
        written = written(volume, seed, writer.out().lines());
      }
      rounds.add(written);

      ProcessRunner.Result check = ThinlyCli.run("check", pool.resolve("metadata").toString());
      assertThat(check.exitCode()).as(point.what() + "\n" + check.describe()).isZero();
      ThinTools.Result thinCheck = ThinTools.thinCheck(pool.resolve("metadata"));
      assertThat(thinCheck.exitCode()).as(point.what() + "\n" + thinCheck.all()).isZero();

      // the dead server's control socket is still there; the CLI sees nobody listens on it
      ProcessRunner.Result list = ThinlyCli.ok("list", "--pool", pool.toString());
      assertThat(list.stdout()).contains(volume);
      assertThat(list.stderr()).contains("took over the lock left by pid " + killedPid);

      try (ServeProcess restarted = ServeProcess.start(pool, tmp.resolve("nbd.sock"))) {
        for (Written w : rounds) {
          ProcessRunner.Result verified = verify(restarted.unixUri(w.volume()), w);
          assertThat(verified.exitCode()).as(point.what() + " " + w + "\n" + verified.describe()).isZero();
        }
        assertThat(restarted.stop()).as(restarted.describe()).isZero();
      }
    }
    ProcessRunner.Result check = ThinlyCli.run("check", pool.resolve("metadata").toString());
    assertThat(check.exitCode()).as(check.describe()).isZero();
  }

  /**
   * The export advertises multi-conn, so a flush on one connection must make the writes
   * acknowledged on the others durable; and a FUA write is durable by itself.
   */
  @Test
  void aFlushOnOneConnectionCoversTheOthersAndFuaWritesAreDurable() {
    Path pool = tmp.resolve("pool");
    ThinlyCli.ok("pool", "create", "--pool", pool.toString(), "--data-size", "1G");
    for (int round = 0; round < 3; round++) {
      ThinlyCli.ok("create", "mc-" + round, "--size", "64M", "--pool", pool.toString());
      try (ServeProcess serve = ServeProcess.start(pool, tmp.resolve("nbd.sock"));
          Background writer =
              Background.python(tmp, "multi_conn.py", "write", serve.unixUri("mc-" + round), "" + round)) {
        writer.out().await(l -> l.equals("durable"), TIMEOUT);
        serve.kill9();
        assertThat(writer.await(TIMEOUT)).as(writer.describe()).isZero();
      }
      try (ServeProcess restarted = ServeProcess.start(pool, tmp.resolve("nbd.sock"))) {
        ProcessRunner.Result verified =
            ProcessRunner.run(
                TIMEOUT,
                List.of(
                    "/usr/bin/python3",
                    Background.script(tmp, "multi_conn.py").toString(),
                    "verify",
                    restarted.tcpUri("mc-" + round),
                    "" + round));
        assertThat(verified.exitCode()).as(verified.describe()).isZero();
        assertThat(restarted.stop()).isZero();
      }
    }
  }

  /** Random 64 KiB writes with a flush after every fourth, for as long as the server lives. */
  private static List<String> fioLoad(String uri) {
    return List.of(
        "fio",
        "--name=load",
        "--ioengine=nbd",
        "--uri=" + uri,
        "--rw=randwrite",
        "--bs=64k",
        "--iodepth=16",
        "--fsync=4",
        "--size=256m",
        "--time_based",
        "--runtime=600");
  }

  private static Written written(String volume, int seed, List<String> lines) {
    int durable = 0;
    int acknowledged = -1;
    for (String l : lines) {
      Matcher f = FLUSHED.matcher(l);
      if (f.find()) {
        durable = Integer.parseInt(f.group(1));
      }
      Matcher s = STOPPED.matcher(l);
      if (s.find()) {
        acknowledged = Integer.parseInt(s.group(1));
      }
    }
    assertThat(acknowledged).as("the writer saw its connection end: " + lines).isNotNegative();
    assertThat(durable).as("some writes were flushed").isPositive();
    // write number `acknowledged` may have been sent when the server died
    return new Written(volume, seed, durable, acknowledged + 1);
  }

  private ProcessRunner.Result verify(String uri, Written w) {
    return ProcessRunner.run(
        TIMEOUT,
        List.of(
            "/usr/bin/python3",
            Background.script(tmp, "flushing_writer.py").toString(),
            "verify",
            uri,
            "" + w.seed(),
            "" + w.durable(),
            "" + w.issued()));
  }
}
