package dev.thinly.cli;

import dev.thinly.pdata.error.ThinlyException;

/** The target is in use by someone else: another process owns the pool, clients are connected. */
public final class BusyException extends ThinlyException {
  public BusyException(String message) {
    super(message);
  }
}
