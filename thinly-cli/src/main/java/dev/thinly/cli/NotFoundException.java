package dev.thinly.cli;

import dev.thinly.pdata.error.ThinlyException;

/** A named thing the user asked for does not exist: a file, a pool, a volume. */
public final class NotFoundException extends ThinlyException {
  private final String what;

  public NotFoundException(String what, String message) {
    super(message);
    this.what = what;
  }

  public String what() {
    return what;
  }
}
