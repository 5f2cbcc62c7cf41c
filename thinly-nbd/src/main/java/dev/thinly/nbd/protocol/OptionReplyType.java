package dev.thinly.nbd.protocol;

import java.util.Optional;

/** Reply types of fixed newstyle negotiation; error types have bit 31 set. */
public enum OptionReplyType {
  ACK(1),
  SERVER(2),
  INFO(3),
  META_CONTEXT(4),
  ERR_UNSUP(errorCode(1)),
  ERR_POLICY(errorCode(2)),
  ERR_INVALID(errorCode(3)),
  ERR_PLATFORM(errorCode(4)),
  ERR_TLS_REQD(errorCode(5)),
  ERR_UNKNOWN(errorCode(6)),
  ERR_SHUTDOWN(errorCode(7)),
  ERR_BLOCK_SIZE_REQD(errorCode(8)),
  ERR_TOO_BIG(errorCode(9)),
  ERR_EXT_HEADER_REQD(errorCode(10));

  private static final int ERROR_BIT = 1 << 31;

  private final int code;

  OptionReplyType(int code) {
    this.code = code;
  }

  private static int errorCode(int n) {
    return ERROR_BIT | n;
  }

  /** The 32-bit reply type on the wire. */
  public int code() {
    return code;
  }

  /** True for the error replies, which end the option's reply sequence. */
  public boolean isError() {
    return (code & ERROR_BIT) != 0;
  }

  /** True if the wire value is an error type, known or not. */
  public static boolean isError(int code) {
    return (code & ERROR_BIT) != 0;
  }

  public static Optional<OptionReplyType> of(int code) {
    for (OptionReplyType t : values()) {
      if (t.code == code) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
