package dev.thinly.pdata.error;

/**
 * The object was closed, or is shutting down, while a request was pending or arrived. Clients of a
 * server see this as "shutting down" (NBD ESHUTDOWN).
 */
public final class ClosedException extends ThinlyException {
  private final String what;

  public ClosedException(String what) {
    super(what + " is closed");
    this.what = what;
  }

  public String what() {
    return what;
  }
}
