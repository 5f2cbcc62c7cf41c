package dev.thinly.it.serve;

import dev.thinly.nbd.testkit.ProcessRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A client that runs while the test does other things (a load generator, a scripted writer): its
 * output lines are collected as they come, and {@link #close} kills it and its children by PID if
 * it is still running.
 */
final class Background implements AutoCloseable {
  private final Process process;
  private final OutputLines out;
  private final OutputLines err;

  private Background(Process process) {
    this.process = process;
    this.out = OutputLines.collect(process.getInputStream());
    this.err = OutputLines.collect(process.getErrorStream());
  }

  static Background start(Path directory, List<String> command) {
    try {
      return new Background(
          new ProcessBuilder(command)
              .directory(directory.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  /** {@code /usr/bin/python3 SCRIPT ARGS} with a script from this package's test resources. */
  static Background python(Path directory, String script, String... args) {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", script(directory, script).toString()));
    cmd.addAll(List.of(args));
    return start(directory, cmd);
  }

  /** Copies a script from the test resources into {@code directory}; returns its path. */
  static Path script(Path directory, String name) {
    Path target = directory.resolve(name);
    try (InputStream in = Background.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("no test resource " + name);
      }
      if (!Files.exists(target)) {
        Files.copy(in, target);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  OutputLines out() {
    return out;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /**
   * SIGTERM: the scripts stop cleanly on it. Sent through the process handle because {@link
   * Process#destroy()} also closes our ends of the pipes, and the script's last lines would die
   * with EPIPE.
   */
  void terminate() {
    process.toHandle().destroy();
  }

  /** Waits for the exit and returns the exit code. */
  int await(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("still running after " + timeout + ": " + describe());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    out.awaitEnd(timeout);
    err.awaitEnd(timeout);
    return process.exitValue();
  }

  String describe() {
    return process.info().commandLine().orElse("pid " + process.pid())
        + "\n stdout:\n" + out.text() + "\n stderr:\n" + err.text();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      ProcessRunner.kill(process);
    }
  }
}
