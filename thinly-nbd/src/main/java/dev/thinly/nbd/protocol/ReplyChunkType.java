package dev.thinly.nbd.protocol;

import java.util.Optional;

/** Types of structured reply chunks; error types have bit 15 set. */
public enum ReplyChunkType {
  /** Empty final chunk. */
  NONE(0),
  /** 64-bit offset followed by data. */
  OFFSET_DATA(1),
  /** 64-bit offset and 32-bit length of a range that reads as zeroes. */
  OFFSET_HOLE(2),
  /** 32-bit context id followed by (length, flags) descriptors. */
  BLOCK_STATUS(5),
  /** Errno, message length, message. */
  ERROR(0x8001),
  /** Errno, message length, message, 64-bit offset. */
  ERROR_OFFSET(0x8002);

  private static final int ERROR_BIT = 0x8000;

  private final int code;

  ReplyChunkType(int code) {
    this.code = code;
  }

  /** The 16-bit type on the wire. */
  public int code() {
    return code;
  }

  public boolean isError() {
    return (code & ERROR_BIT) != 0;
  }

  /** True if the wire type is an error type, known or not. */
  public static boolean isError(int code) {
    return (code & ERROR_BIT) != 0;
  }

  public static Optional<ReplyChunkType> of(int code) {
    for (ReplyChunkType t : values()) {
      if (t.code == code) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
