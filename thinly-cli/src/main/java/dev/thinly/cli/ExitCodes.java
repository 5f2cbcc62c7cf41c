package dev.thinly.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The one table from outcomes to process exit codes.
 *
 * <pre>
 *   0  success
 *   1  the checked object has problems (check), or an operation failed on valid input
 *   2  bad usage: unknown option, malformed argument
 * </pre>
 *
 * Exceptions never reach the user as stack traces: each is printed as one line, {@code thinly:
 * <message>}. Set {@code THINLY_DEBUG=1} to see the trace.
 */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int USAGE = 2;

  private ExitCodes() {}

  /** Exit code for an exception that escaped a command. */
  public static int of(Throwable t) {
    return FAILURE;
  }

  static CommandLine install(CommandLine cl) {
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          err.println("thinly: " + messageOf(ex));
          if (System.getenv("THINLY_DEBUG") != null) {
            ex.printStackTrace(err);
          }
          err.flush();
          return of(ex);
        });
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          PrintWriter err = ex.getCommandLine().getErr();
          err.println("thinly: " + ex.getMessage());
          err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
          err.flush();
          return USAGE;
        });
    return cl;
  }

  static String messageOf(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }
}
