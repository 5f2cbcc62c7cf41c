package dev.thinly.pdata.error;

/**
 * The target is in use by someone else: another process owns the pool, clients are connected to
 * the volume, a name is taken.
 */
public final class BusyException extends ThinlyException {
  public BusyException(String message) {
    super(message);
  }
}
