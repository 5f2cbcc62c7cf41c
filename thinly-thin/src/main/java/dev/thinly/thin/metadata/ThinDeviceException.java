package dev.thinly.thin.metadata;

import dev.thinly.pdata.error.ThinlyException;

/**
 * A pool message that names a thin device wrongly: it already exists (create), does not exist
 * (snapshot origin, delete, any mapping operation), or its id is outside what the kernel accepts.
 */
public final class ThinDeviceException extends ThinlyException {
  /** What is wrong with the id. */
  public enum Problem {
    EXISTS,
    UNKNOWN,
    OUT_OF_RANGE
  }

  private final long thinId;
  private final Problem problem;

  public ThinDeviceException(long thinId, Problem problem) {
    super(
        switch (problem) {
          case EXISTS -> "thin device " + thinId + " already exists";
          case UNKNOWN -> "thin device " + Long.toUnsignedString(thinId) + " does not exist";
          case OUT_OF_RANGE ->
              "thin device id " + Long.toUnsignedString(thinId) + " is out of range (0.."
                  + PoolMetadata.MAX_THIN_ID + ")";
        });
    this.thinId = thinId;
    this.problem = problem;
  }

  public long thinId() {
    return thinId;
  }

  public Problem problem() {
    return problem;
  }
}
