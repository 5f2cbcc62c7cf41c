package dev.thinly.nbd.export;

import dev.thinly.nbd.protocol.BaseAllocation;

/**
 * Receives {@code base:allocation} extents from {@link Export#blockStatus}: consecutive, nonzero
 * lengths starting at the requested offset. The last extent may run past the requested range (the
 * server clips it). Lengths should be multiples of the export's minimum block size.
 */
@FunctionalInterface
public interface ExtentSink {
  /** Not allocated; a write may need new space. */
  int HOLE = BaseAllocation.STATE_HOLE;

  /** Reads as zeroes. */
  int ZERO = BaseAllocation.STATE_ZERO;

  /** Allocated data (or status unknown). */
  int DATA = 0;

  /**
   * Reports the next extent.
   *
   * @param flags a combination of {@link #HOLE} and {@link #ZERO}
   * @return false when the server needs no more extents: the export should stop
   */
  boolean extent(long lengthBytes, int flags);
}
