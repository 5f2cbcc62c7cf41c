package dev.thinly.pdata.error;

/** A named thing the caller asked for does not exist: a file, a pool, a volume, an export. */
public final class NotFoundException extends ThinlyException {
  private final String what;

  /**
   * @param what the kind of thing ("volume", "pool", "file")
   * @param message the whole sentence for the user
   */
  public NotFoundException(String what, String message) {
    super(message);
    this.what = what;
  }

  public String what() {
    return what;
  }
}
