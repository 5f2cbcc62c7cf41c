package dev.thinly.it.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.nbd.testkit.ProcessRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code thinly serve} child process on a pool, listening on a unix socket and on 127.0.0.1 with
 * a port the kernel picks (so no two tests can race for one). {@link #start} returns once the
 * server has printed its URIs and logged that it serves; {@link #stop} sends SIGTERM, {@link
 * #kill9} SIGKILL, {@link #close} kills it by PID if it is still alive.
 */
final class ServeProcess implements AutoCloseable {
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);

  /** {@code 2026-11-22T04:55:01.123456Z thinly[4711] message}: fixed width up to the PID. */
  static final Pattern LOG_LINE =
      Pattern.compile("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z thinly\\[\\d+\\] \\S.*$");

  private static final Pattern SERVING = Pattern.compile(" serving .* \\((\\d+) volumes?\\); control socket ");

  /** Every server listens on one unix socket and one TCP port. */
  private static final int LISTENERS = 2;

  private static final Pattern TCP_LISTENING =
      Pattern.compile(" listening on 127\\.0\\.0\\.1:(\\d+)$");

  private final Process process;
  private final Path socket;
  private final OutputLines out;
  private final OutputLines err;
  private final String scheme;
  private final int port;

  private ServeProcess(Process process, Path socket, OutputLines out, OutputLines err, boolean tls) {
    this.process = process;
    this.socket = socket;
    this.out = out;
    this.err = err;
    this.scheme = tls ? "nbds" : "nbd";
    String serving;
    try {
      serving = err.await(l -> SERVING.matcher(l).find(), START_TIMEOUT);
    } catch (AssertionError notReady) {
      ProcessRunner.kill(process);
      throw new AssertionError("thinly serve did not start; stdout:\n" + out.text(), notReady);
    }
    // the URIs went to stdout before that line: one per volume and listener, or one notice
    Matcher volumes = SERVING.matcher(serving);
    assertThat(volumes.find()).isTrue();
    int expectedLines = Math.max(1, Integer.parseInt(volumes.group(1)) * LISTENERS);
    out.await(l -> out.size() >= expectedLines, START_TIMEOUT);
    Matcher m = TCP_LISTENING.matcher(err.await(l -> TCP_LISTENING.matcher(l).find(), START_TIMEOUT));
    assertThat(m.find()).isTrue();
    this.port = Integer.parseInt(m.group(1));
  }

  /** {@code thinly serve --pool POOL --socket SOCKET --listen 127.0.0.1:0 EXTRA...}. */
  static ServeProcess start(Path pool, Path socket, String... extra) {
    return start(List.of(), pool, socket, extra);
  }

  /** Like {@link #start(Path, Path, String...)}, with options for the server's JVM. */
  static ServeProcess start(List<String> jvmOptions, Path pool, Path socket, String... extra) {
    List<String> cmd = ThinlyCli.command(jvmOptions);
    cmd.addAll(
        List.of(
            "serve", "--pool", pool.toString(), "--socket", socket.toString(), "--listen",
            "127.0.0.1:0"));
    cmd.addAll(List.of(extra));
    boolean tls = cmd.stream().anyMatch(a -> a.equals("--tls=require") || a.equals("--tls=on"));
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + cmd, e);
    }
    return new ServeProcess(
        p, socket, OutputLines.collect(p.getInputStream()), OutputLines.collect(p.getErrorStream()), tls);
  }

  long pid() {
    return process.pid();
  }

  int port() {
    return port;
  }

  Path socket() {
    return socket;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The URI of a volume over the unix socket ({@code nbds+unix} under TLS). */
  String unixUri(String volume) {
    return scheme + "+unix:///" + volume + "?socket=" + socket;
  }

  /** The URI of a volume over TCP ({@code nbds} under TLS). */
  String tcpUri(String volume) {
    return scheme + "://127.0.0.1:" + port + "/" + volume;
  }

  /** What the server printed on stdout (the URIs of the volumes). */
  List<String> stdout() {
    return out.lines();
  }

  /** The server's log lines so far. */
  List<String> log() {
    return err.lines();
  }

  /** Waits for a log line that contains {@code text}. */
  String awaitLog(String text, Duration timeout) {
    return err.await(l -> l.contains(text), timeout);
  }

  /** Log lines that do not have the fixed timestamp format. */
  List<String> malformedLogLines() {
    return err.lines().stream().filter(l -> !LOG_LINE.matcher(l).matches()).toList();
  }

  /**
   * SIGTERM, then waits for the process to exit; returns its exit code after checking that every
   * log line has the timestamp format.
   */
  int stop() {
    // not Process.destroy(): it closes the pipes too, and the shutdown log would be lost
    process.toHandle().destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        ProcessRunner.kill(process);
        throw new AssertionError("thinly serve ignored SIGTERM for " + STOP_TIMEOUT + "; log:\n" + err.text());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    err.awaitEnd(STOP_TIMEOUT);
    assertThat(malformedLogLines()).as("log lines without the timestamp format").isEmpty();
    return process.exitValue();
  }

  /** SIGKILL, then waits for the process to be gone. */
  void kill9() {
    process.destroyForcibly();
    try {
      assertThat(process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The log, for failure messages. */
  String describe() {
    List<String> all = new ArrayList<>(out.lines());
    all.add("--- log ---");
    all.addAll(err.lines());
    return String.join("\n", all);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      ProcessRunner.kill(process);
    }
  }
}
