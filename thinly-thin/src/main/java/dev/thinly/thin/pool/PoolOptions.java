package dev.thinly.thin.pool;

/**
 * How to open a pool.
 *
 * @param role what the opening process is, for the lock message others see
 * @param cacheBytes the metadata block cache (64 MiB by default)
 * @param commitPeriodMillis the longest a change waits before it is committed unasked
 * @param events where the pool reports events
 * @param devices opens the metadata and data devices
 */
public record PoolOptions(
    String role, long cacheBytes, long commitPeriodMillis, PoolEvents events, DeviceOpener devices) {
  public static final long DEFAULT_CACHE_BYTES = 64L << 20;

  public static PoolOptions defaults(String role) {
    return new PoolOptions(role, DEFAULT_CACHE_BYTES, 1000, PoolEvents.NONE, DeviceOpener.FILES);
  }

  public PoolOptions withEvents(PoolEvents e) {
    return new PoolOptions(role, cacheBytes, commitPeriodMillis, e, devices);
  }

  public PoolOptions withCacheBytes(long bytes) {
    return new PoolOptions(role, bytes, commitPeriodMillis, events, devices);
  }

  public PoolOptions withCommitPeriodMillis(long millis) {
    return new PoolOptions(role, cacheBytes, millis, events, devices);
  }

  public PoolOptions withDevices(DeviceOpener d) {
    return new PoolOptions(role, cacheBytes, commitPeriodMillis, events, d);
  }
}
