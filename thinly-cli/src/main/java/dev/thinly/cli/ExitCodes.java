package dev.thinly.cli;

import dev.thinly.pdata.error.BusyException;
import dev.thinly.pdata.error.ClosedException;
import dev.thinly.pdata.error.CorruptMetadataException;
import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.pdata.error.NoSpaceException;
import dev.thinly.pdata.error.NotFoundException;
import dev.thinly.pdata.error.ReadOnlyException;
import dev.thinly.pdata.error.StorageIoException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The one table from outcomes to process exit codes. Scripts can rely on these.
 *
 * <pre>
 *   0  success
 *   1  failure: the checked metadata has problems, corrupt input, or an operation failed
 *   2  usage: unknown option, malformed argument, a request that can never succeed as given
 *   3  not found: no such volume, thin device or pool
 *   4  out of space (data or metadata)
 *   5  busy: the pool is owned by another process, or the target is in use
 *   6  I/O error on a device
 *   7  read-only: the target refuses writes
 * </pre>
 *
 * Exceptions never reach the user as stack traces: each is printed as one line, {@code thinly:
 * <message>}. Set {@code THINLY_DEBUG=1} to see the trace.
 */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int USAGE = 2;
  public static final int NOT_FOUND = 3;
  public static final int NO_SPACE = 4;
  public static final int BUSY = 5;
  public static final int IO_ERROR = 6;
  public static final int READ_ONLY = 7;

  private ExitCodes() {}

  /** Exit code for an exception that escaped a command. */
  public static int of(Throwable t) {
    return switch (t) {
      case CommandLine.ParameterException e -> USAGE;
      case InvalidRequestException e -> USAGE;
      case IllegalArgumentException e -> USAGE;
      case NotFoundException e -> NOT_FOUND;
      case BusyException e -> BUSY;
      case NoSpaceException e -> NO_SPACE;
      case ReadOnlyException e -> READ_ONLY;
      case StorageIoException e -> IO_ERROR;
      case java.io.UncheckedIOException e -> IO_ERROR;
      case CorruptMetadataException e -> FAILURE;
      case dev.thinly.cli.access.ControlProtocol.RemoteFailure e -> "io".equals(e.kind()) ? IO_ERROR : FAILURE;
      case dev.thinly.thin.ir.MetadataInputException e -> FAILURE;
      case ClosedException e -> FAILURE;
      default -> mapByName(t);
    };
  }

  /**
   * Exceptions of the layers below the CLI that carry a "what is wrong" kind the CLI knows by name
   * (so that this table stays the only place that decides exit codes).
   */
  private static int mapByName(Throwable t) {
    if (t instanceof dev.thinly.thin.metadata.ThinDeviceException e) {
      return switch (e.problem()) {
        case UNKNOWN -> NOT_FOUND;
        case EXISTS -> FAILURE;
        case OUT_OF_RANGE -> USAGE;
      };
    }
    if (t instanceof dev.thinly.thin.metadata.MetadataStateException e) {
      return switch (e.kind()) {
        case READ_ONLY -> READ_ONLY;
        case SNAPSHOT_HELD -> BUSY;
        default -> FAILURE;
      };
    }
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
    if (t instanceof OutOfMemoryError) {
      return "out of memory; raise the heap with THINLY_JAVA_OPTS=-Xmx...";
    }
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }
}
