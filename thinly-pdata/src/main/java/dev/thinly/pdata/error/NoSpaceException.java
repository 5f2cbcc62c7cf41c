package dev.thinly.pdata.error;

/** An allocation found no free block in a space map. */
public final class NoSpaceException extends ThinlyException {
  /** Which space ran out. */
  public enum Space {
    DATA,
    METADATA
  }

  private final Space space;

  public NoSpaceException(Space space) {
    super(space == Space.DATA ? "out of data space" : "out of metadata space");
    this.space = space;
  }

  public NoSpaceException(Space space, String message) {
    super(message);
    this.space = space;
  }

  public Space space() {
    return space;
  }
}
