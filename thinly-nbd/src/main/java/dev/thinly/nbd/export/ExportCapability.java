package dev.thinly.nbd.export;

/**
 * Optional features of an {@link Export}. The server advertises a feature only if the export has
 * it, and refuses requests for features it did not advertise, so an export is never called for an
 * operation it lacks.
 */
public enum ExportCapability {
  /** {@link Export#flush} makes completed writes durable. */
  FLUSH,
  /** The {@code fua} arguments are honoured: the call returns once its writes are durable. */
  FUA,
  /** {@link Export#trim} may release storage. */
  TRIM,
  /** {@link Export#writeZeroes}. */
  WRITE_ZEROES,
  /**
   * {@link Export#writeZeroes} with {@code fastZero} either zeroes quickly or throws {@link
   * FastZeroUnsupportedException} at once. Requires {@link #WRITE_ZEROES}.
   */
  FAST_ZERO,
  /**
   * Several connections may share the export: a flush (or FUA write) on any handle makes the writes
   * completed on every handle of the same export durable and visible. Only claim this if the
   * handles share one cache (or none).
   */
  MULTI_CONN,
  /** {@link Export#cache} does something useful (prefetch). */
  CACHE
}
