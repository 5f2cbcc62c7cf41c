package dev.thinly.nbd.protocol;

/**
 * The one metadata context the spec defines, {@code base:allocation}: per extent, whether it is
 * allocated at all (HOLE clear) and whether it is known to read as zeroes.
 */
public final class BaseAllocation {
  /** The namespace prefix; as a query it is a wildcard for LIST and ignored by SET. */
  public static final String NAMESPACE = "base:";

  /** The full context name. */
  public static final String CONTEXT = "base:allocation";

  /** Not allocated: a later write may fail with ENOSPC. */
  public static final int STATE_HOLE = 1;

  /** Reads as zeroes. */
  public static final int STATE_ZERO = 1 << 1;

  private BaseAllocation() {}
}
