package dev.thinly.nbd.protocol;

import java.util.Optional;

/**
 * Options a client may send during fixed newstyle negotiation. Unknown option numbers are legal on
 * the wire (they are answered with {@code NBD_REP_ERR_UNSUP}), which is why decoding yields an
 * {@link Optional}.
 */
public enum OptionType {
  EXPORT_NAME(1),
  ABORT(2),
  LIST(3),
  /** Withdrawn experiment; never supported. */
  PEEK_EXPORT(4),
  STARTTLS(5),
  INFO(6),
  GO(7),
  STRUCTURED_REPLY(8),
  LIST_META_CONTEXT(9),
  SET_META_CONTEXT(10),
  /** 64-bit headers (newer spec); not supported by this server, clients fall back. */
  EXTENDED_HEADERS(11);

  private static final OptionType[] BY_CODE = new OptionType[12];

  static {
    for (OptionType t : values()) {
      BY_CODE[t.code] = t;
    }
  }

  private final int code;

  OptionType(int code) {
    this.code = code;
  }

  /** The 32-bit option number on the wire. */
  public int code() {
    return code;
  }

  /** The option with this wire number, or empty when this implementation does not know it. */
  public static Optional<OptionType> of(int code) {
    return code >= 0 && code < BY_CODE.length
        ? Optional.ofNullable(BY_CODE[code])
        : Optional.empty();
  }
}
