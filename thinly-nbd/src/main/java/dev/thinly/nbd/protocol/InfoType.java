package dev.thinly.nbd.protocol;

import java.util.Optional;

/**
 * Information items of {@code NBD_OPT_INFO} / {@code NBD_OPT_GO}: requested by 16-bit number,
 * answered with {@code NBD_REP_INFO} replies whose payload starts with the same number.
 */
public enum InfoType {
  /** Size and transmission flags; always sent before a successful ACK. */
  EXPORT(0),
  /** The canonical export name. */
  NAME(1),
  /** Human-readable description. */
  DESCRIPTION(2),
  /** Minimum, preferred and maximum block size. */
  BLOCK_SIZE(3);

  private final int code;

  InfoType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The item with this number, or empty for numbers the server must ignore. */
  public static Optional<InfoType> of(int code) {
    return code >= 0 && code < values().length ? Optional.of(values()[code]) : Optional.empty();
  }
}
