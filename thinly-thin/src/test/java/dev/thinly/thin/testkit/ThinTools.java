package dev.thinly.thin.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real thin-provisioning-tools (installed by the test command) on a metadata file. */
public final class ThinTools {
  /** A finished process: exit code and combined output. */
  public record Result(int exitCode, String stdout, String stderr) {
    public String all() {
      return stdout + stderr;
    }
  }

  private ThinTools() {}

  public static Result run(String... command) {
    List<String> cmd = new ArrayList<>(List.of(command));
    try {
      Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      var out = p.getInputStream();
      var err = p.getErrorStream();
      var outF = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(out));
      var errF = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(err));
      if (!p.waitFor(600, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + cmd);
      }
      return new Result(p.exitValue(), outF.join(), errF.join());
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + cmd + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String readAll(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public static Result thinCheck(Path metadata, String... options) {
    List<String> cmd = new ArrayList<>(List.of("thin_check"));
    cmd.addAll(List.of(options));
    cmd.add(metadata.toString());
    return run(cmd.toArray(String[]::new));
  }

  public static Result thinDump(Path metadata, String... options) {
    List<String> cmd = new ArrayList<>(List.of("thin_dump"));
    cmd.addAll(List.of(options));
    cmd.add(metadata.toString());
    return run(cmd.toArray(String[]::new));
  }
}
