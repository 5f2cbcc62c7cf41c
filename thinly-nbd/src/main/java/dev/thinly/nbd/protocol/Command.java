package dev.thinly.nbd.protocol;

import java.util.Optional;

/** Request types of the transmission phase. */
public enum Command {
  READ(0),
  WRITE(1),
  /** Soft disconnect; never answered. */
  DISC(2),
  FLUSH(3),
  TRIM(4),
  CACHE(5),
  WRITE_ZEROES(6),
  BLOCK_STATUS(7),
  /** Experimental resize extension; always rejected by this server. */
  RESIZE(8);

  private static final Command[] BY_CODE = values();

  private final int code;

  Command(int code) {
    this.code = code;
  }

  /** The 16-bit type on the wire. */
  public int code() {
    return code;
  }

  /** True for the one command whose request carries a payload. */
  public boolean hasPayload() {
    return this == WRITE;
  }

  /** The command with this wire number, or empty if unknown (answered with EINVAL). */
  public static Optional<Command> of(int code) {
    return code >= 0 && code < BY_CODE.length ? Optional.of(BY_CODE[code]) : Optional.empty();
  }
}
