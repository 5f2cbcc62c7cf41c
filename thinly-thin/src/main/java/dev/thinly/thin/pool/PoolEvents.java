package dev.thinly.thin.pool;

/**
 * What a pool reports as it runs: one call per event, for the owner to log (the NBD server prints
 * one line each) or count. Implementations must be quick and thread-safe.
 */
public interface PoolEvents {
  /** Ignores everything. */
  PoolEvents NONE = new PoolEvents() {};

  /** Something worth one log line ("took over the lock of dead process 1234"). */
  default void info(String message) {}

  /** Something the operator should act on (a threshold crossed, a mode change). */
  default void warning(String message) {}

  /** A commit took long; {@code blocksWritten} metadata blocks in {@code micros}. */
  default void slowCommit(long micros, long blocksWritten) {}
}
