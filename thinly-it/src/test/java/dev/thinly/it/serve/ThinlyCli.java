package dev.thinly.it.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.nbd.testkit.ProcessRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The shaded {@code thinly.jar} run as a user runs it: one JVM per command, with a timeout. */
final class ThinlyCli {
  static final Duration TIMEOUT = Duration.ofSeconds(120);

  /** The file system calls through which a process could open, create or change a file. */
  private static final Pattern FILE_CHANGE =
      Pattern.compile(
          "^\\d+\\s+(open|openat|openat2|creat|truncate|unlink|unlinkat|rename|renameat|renameat2"
              + "|mkdir|mkdirat|link|linkat|symlink|symlinkat)\\((.*)$");

  private ThinlyCli() {}

  static Path jar() {
    Path jar = Path.of(System.getProperty("thinly.jar", "../thinly-cli/target/thinly.jar"));
    assertThat(jar).as("the shaded jar, built by the thinly-cli module").exists();
    return jar.toAbsolutePath();
  }

  /** {@code java [jvmOptions] -jar thinly.jar}: the start of every thinly command line. */
  static List<String> command(List<String> jvmOptions) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-XX:+UseParallelGC");
    cmd.addAll(jvmOptions);
    cmd.add("-jar");
    cmd.add(jar().toString());
    return cmd;
  }

  /** Runs {@code thinly ARGS}; a short-lived command starts faster with only the first JIT tier. */
  static ProcessRunner.Result run(String... args) {
    List<String> cmd = command(List.of("-XX:TieredStopAtLevel=1"));
    cmd.addAll(List.of(args));
    return ProcessRunner.run(TIMEOUT, cmd);
  }

  /** Runs {@code thinly ARGS} and fails the test with its output unless it exits 0. */
  static ProcessRunner.Result ok(String... args) {
    return run(args).assertSuccess();
  }

  /** A command run under strace, with the files it opened or changed. */
  record Traced(ProcessRunner.Result result, List<String> fileCalls) {
    /** The calls that named a path under {@code dir}. */
    List<String> touching(Path dir) {
      String prefix = "\"" + dir.toAbsolutePath();
      return fileCalls.stream().filter(c -> c.contains(prefix)).toList();
    }
  }

  /**
   * Runs {@code thinly ARGS} under {@code strace -f}, recording every call that opens, creates,
   * removes or renames a file, so a test can prove which files a command never opened.
   */
  static Traced traced(Path traceFile, String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "strace", "-f", "-qq", "-e", "trace=%file", "-o", traceFile.toString()));
    cmd.addAll(command(List.of("-XX:TieredStopAtLevel=1")));
    cmd.addAll(List.of(args));
    ProcessRunner.Result result = ProcessRunner.run(TIMEOUT, null, Map.of(), cmd);
    List<String> calls = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(traceFile)) {
        Matcher m = FILE_CHANGE.matcher(line);
        if (m.matches()) {
          calls.add(line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Traced(result, calls);
  }
}
