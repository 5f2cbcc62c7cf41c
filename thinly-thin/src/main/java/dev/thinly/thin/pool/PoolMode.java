package dev.thinly.thin.pool;

/** What a pool can do right now (dm-thin's pool modes, spec 9.4). */
public enum PoolMode {
  /** Normal operation. */
  RW("rw"),
  /** Reads work; nothing that changes metadata does (metadata space exhausted, failed commit). */
  RO("ro"),
  /** Metadata can change but no data block can be allocated. */
  OUT_OF_DATA_SPACE("out-of-data-space"),
  /** The metadata is marked as needing a check: read-only until checked. */
  NEEDS_CHECK("needs-check");

  private final String label;

  PoolMode(String label) {
    this.label = label;
  }

  /** The name shown by {@code thinly pool status}. */
  public String label() {
    return label;
  }
}
