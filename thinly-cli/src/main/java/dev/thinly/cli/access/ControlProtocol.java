package dev.thinly.cli.access;

import dev.thinly.pdata.error.BusyException;
import dev.thinly.pdata.error.ClosedException;
import dev.thinly.pdata.error.CorruptMetadataException;
import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.pdata.error.NoSpaceException;
import dev.thinly.pdata.error.NotFoundException;
import dev.thinly.pdata.error.ReadOnlyException;
import dev.thinly.pdata.error.StorageIoException;
import dev.thinly.pdata.error.ThinlyException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The wire format of a running server's control socket ({@code DIR/control.sock}, a unix socket
 * only its owner can open): one JSON {@link Request} per line, answered by one JSON {@link
 * Response} per line, in order. Errors travel as {@link Failure}s that carry the exception's kind,
 * so that the client re-raises the same exception type and the CLI's exit codes stay the same
 * whether the pool is local or served.
 */
public final class ControlProtocol {
  public static final String SOCKET_NAME = "control.sock";
  static final JsonMapper JSON = JsonMapper.builder().build();

  private ControlProtocol() {}

  public static Path socketPath(Path poolDir) {
    return poolDir.resolve(SOCKET_NAME);
  }

  public static JsonMapper json() {
    return JSON;
  }

  /**
   * One operation: {@code status}, {@code metadata_size}, {@code grow}, {@code create}, {@code
   * snapshot}, {@code delete}, {@code resize}, {@code find}, {@code list}. Unused fields are null.
   */
  public record Request(
      String op,
      String name,
      String source,
      Long sizeBytes,
      Long dataSizeBytes,
      Long metadataSizeBytes,
      boolean readOnly,
      boolean force,
      Map<String, String> labels) {
    public static Request of(String op) {
      return new Request(op, null, null, null, null, null, false, false, null);
    }
  }

  /** The answer: a result (any JSON, possibly null) or a failure. */
  public record Response(JsonNode result, Failure error) {}

  /**
   * An exception in transit.
   *
   * @param kind which exception: {@code not_found}, {@code busy}, {@code no_space}, {@code
   *     read_only}, {@code invalid}, {@code io}, {@code corrupt}, {@code closed}, {@code failure}
   * @param what the exception's subject (what was not found, which space ran out, what is
   *     read-only or closed), if it has one
   * @param detail the read-only reason
   */
  public record Failure(String kind, String what, String detail, String message) {

    public static Failure of(Throwable t) {
      String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      return switch (t) {
        case NotFoundException e -> new Failure("not_found", e.what(), null, message);
        case BusyException e -> new Failure("busy", null, null, message);
        case NoSpaceException e ->
            new Failure("no_space", e.space().name().toLowerCase(Locale.ROOT), null, message);
        case ReadOnlyException e -> new Failure("read_only", e.target(), e.reason(), message);
        case InvalidRequestException e -> new Failure("invalid", null, null, message);
        case IllegalArgumentException e -> new Failure("invalid", null, null, message);
        case StorageIoException e -> new Failure("io", e.device(), null, message);
        case CorruptMetadataException e -> new Failure("corrupt", e.structure(), null, message);
        case ClosedException e -> new Failure("closed", e.what(), null, message);
        case RemoteFailure e -> new Failure(e.kind(), null, null, message);
        default -> new Failure("failure", null, null, message);
      };
    }

    /** The exception to throw on the client side: the same type, with the same message. */
    public RuntimeException toException() {
      return switch (kind) {
        case "not_found" -> new NotFoundException(what == null ? "object" : what, message);
        case "busy" -> new BusyException(message);
        case "no_space" ->
            new NoSpaceException(
                "metadata".equals(what) ? NoSpaceException.Space.METADATA : NoSpaceException.Space.DATA,
                message);
        case "read_only" -> new ReadOnlyException(what, detail == null ? "" : detail);
        case "invalid" -> new InvalidRequestException(message);
        case "closed" -> new ClosedException(what == null ? "server" : what);
        default -> new RemoteFailure(kind, message);
      };
    }
  }

  /** A server-side failure the client has no more specific type for. */
  public static final class RemoteFailure extends ThinlyException {
    private final String kind;

    RemoteFailure(String kind, String message) {
      super(message);
      this.kind = kind;
    }

    public String kind() {
      return kind;
    }
  }
}
