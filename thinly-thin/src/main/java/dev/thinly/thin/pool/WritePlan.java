package dev.thinly.thin.pool;

/**
 * How one thin block of a write lands on the data device, decided under the metadata lock.
 *
 * @param kind in place, a new block, or a copy of a shared block
 * @param thinBlock the virtual block
 * @param dataBlock where the bytes go
 * @param sourceBlock for {@link Kind#COPY}: the shared block the rest of the block comes from
 */
record WritePlan(Kind kind, long thinBlock, long dataBlock, long sourceBlock) {
  enum Kind {
    /** The block is this device's alone: write into it; no metadata change. */
    IN_PLACE,
    /** The block was not provisioned: a new data block, zeroed outside the written range. */
    FRESH,
    /** The block is shared: a new data block, filled from the old one outside the written range. */
    COPY
  }

  boolean allocated() {
    return kind != Kind.IN_PLACE;
  }

  static boolean anyAllocated(WritePlan[] plans) {
    for (WritePlan p : plans) {
      if (p.allocated()) {
        return true;
      }
    }
    return false;
  }
}
