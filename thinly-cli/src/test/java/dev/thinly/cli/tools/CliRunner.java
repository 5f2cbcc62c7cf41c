package dev.thinly.cli.tools;

import dev.thinly.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs {@code thinly} through its real entry point with captured output. */
final class CliRunner {
  /** Exit code and what went to standard output and standard error. */
  record Run(int exitCode, String out, String err) {
    String all() {
      return out + err;
    }
  }

  private CliRunner() {}

  static Run run(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }
}
