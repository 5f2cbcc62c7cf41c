package dev.thinly.pdata.error;

/**
 * Root of thinly's unchecked exceptions. Each subclass carries the facts of the failure as fields,
 * so that the edges (the CLI's exit-code table, the NBD server's errno table) can map them without
 * parsing messages.
 */
public abstract class ThinlyException extends RuntimeException {
  protected ThinlyException(String message) {
    super(message);
  }

  protected ThinlyException(String message, Throwable cause) {
    super(message, cause);
  }
}
