package dev.thinly.pdata.error;

/**
 * A write was refused because its target is read-only: a read-only volume or export, or a pool
 * that went read-only after a failure (then {@link #reason()} says which).
 */
public final class ReadOnlyException extends ThinlyException {
  private final String target;
  private final String reason;

  public ReadOnlyException(String target, String reason) {
    super(target + " is read-only" + (reason.isEmpty() ? "" : ": " + reason));
    this.target = target;
    this.reason = reason;
  }

  /** What refused the write: a volume name, an export, "pool". */
  public String target() {
    return target;
  }

  /** Why, or empty when the target is read-only by design. */
  public String reason() {
    return reason;
  }
}
