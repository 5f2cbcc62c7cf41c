package dev.thinly.nbd.protocol;

import java.util.Optional;

/**
 * The error values allowed in replies. They borrow Linux errno numbers, but the protocol fixes
 * them, so they are the same on every platform.
 */
public enum NbdError {
  EPERM(1),
  EIO(5),
  /** Allowed on the wire, but a server should avoid it; this one never sends it. */
  ENOMEM(12),
  EINVAL(22),
  ENOSPC(28),
  /** Only for a {@code DF} read that is too large to send in one chunk. */
  EOVERFLOW(75),
  /** Only for {@code WRITE_ZEROES} with {@code FAST_ZERO} when zeroing would not be fast. */
  ENOTSUP(95),
  ESHUTDOWN(108);

  private final int code;

  NbdError(int code) {
    this.code = code;
  }

  /** The 32-bit error value on the wire. */
  public int code() {
    return code;
  }

  public static Optional<NbdError> of(int code) {
    for (NbdError e : values()) {
      if (e.code == code) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }
}
