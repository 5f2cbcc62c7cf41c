package dev.thinly.nbd.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external tool with a timeout, capturing its output; on timeout (or any failure) the
 * process and its descendants are killed by PID. Never leaves a child behind.
 */
public final class ProcessRunner {
  private ProcessRunner() {}

  /** What a finished process left: exit code and both outputs. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {
    /** Throws with the full output unless the exit code is 0. */
    public Result assertSuccess() {
      if (exitCode != 0) {
        throw new AssertionError(describe());
      }
      return this;
    }

    public String describe() {
      return String.join(" ", command)
          + "\n exit code "
          + exitCode
          + "\n stdout: "
          + stdout
          + "\n stderr: "
          + stderr;
    }
  }

  public static Result run(Duration timeout, String... command) {
    return run(timeout, null, Map.of(), List.of(command));
  }

  public static Result run(Duration timeout, List<String> command) {
    return run(timeout, null, Map.of(), command);
  }

  /**
   * Runs {@code command} in {@code directory} (null: inherited) with extra environment variables.
   *
   * @throws AssertionError if it does not finish within {@code timeout}
   */
  public static Result run(
      Duration timeout, Path directory, Map<String, String> environment, List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command);
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    builder.environment().putAll(environment);
    builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
    try {
      CompletableFuture<String> out = drain(process.getInputStream());
      CompletableFuture<String> err = drain(process.getErrorStream());
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(process);
        throw new AssertionError(
            "timed out after "
                + timeout
                + ": "
                + String.join(" ", command)
                + "\n stdout so far: "
                + out.getNow("")
                + "\n stderr so far: "
                + err.getNow(""));
      }
      return new Result(command, process.exitValue(), out.join(), err.join());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + command, e);
    } finally {
      kill(process);
    }
  }

  /** Kills a process and everything it started, by PID. */
  public static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static CompletableFuture<String> drain(InputStream stream) {
    CompletableFuture<String> text = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try (stream) {
                text.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                text.complete("<unreadable: " + e + ">");
              }
            });
    return text;
  }
}
