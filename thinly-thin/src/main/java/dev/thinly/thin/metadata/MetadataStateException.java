package dev.thinly.thin.metadata;

import dev.thinly.pdata.error.ThinlyException;

/**
 * A metadata operation that the pool's current state forbids: a transaction id that does not match
 * the expected one, a second metadata snapshot, releasing one that is not held, writing to metadata
 * opened read-only or marked as needing a check.
 */
public final class MetadataStateException extends ThinlyException {
  /** Which rule was broken. */
  public enum Kind {
    TRANSACTION_ID_MISMATCH,
    SNAPSHOT_HELD,
    SNAPSHOT_NOT_HELD,
    READ_ONLY,
    NEEDS_CHECK,
    SHRINK
  }

  private final Kind kind;

  public MetadataStateException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
