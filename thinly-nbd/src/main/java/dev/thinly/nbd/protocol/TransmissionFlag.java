package dev.thinly.nbd.protocol;

import java.util.EnumSet;
import java.util.Set;

/**
 * The 16-bit per-export transmission flags sent with the export size. Most of them expose a
 * feature; a client must not use a feature whose flag is clear, and the server must refuse such
 * use.
 */
public enum TransmissionFlag {
  /** Always set. */
  HAS_FLAGS(0),
  READ_ONLY(1),
  SEND_FLUSH(2),
  SEND_FUA(3),
  ROTATIONAL(4),
  SEND_TRIM(5),
  /** Exposes {@code NBD_CMD_WRITE_ZEROES} and its {@code NO_HOLE} flag. */
  SEND_WRITE_ZEROES(6),
  /** Exposes the "don't fragment" read flag; only with structured replies. */
  SEND_DF(7),
  /** A flush or FUA on one connection covers writes acknowledged on every connection. */
  CAN_MULTI_CONN(8),
  /** Experimental resize extension; never set by this server. */
  SEND_RESIZE(9),
  SEND_CACHE(10),
  SEND_FAST_ZERO(11),
  /** Extended headers only; never set by this server. */
  BLOCK_STATUS_PAYLOAD(12);

  private final int bit;

  TransmissionFlag(int bit) {
    this.bit = bit;
  }

  public int mask() {
    return 1 << bit;
  }

  public boolean isSet(int flags) {
    return (flags & mask()) != 0;
  }

  /** The wire value of a set of flags. */
  public static int encode(Set<TransmissionFlag> flags) {
    int value = 0;
    for (TransmissionFlag f : flags) {
      value |= f.mask();
    }
    return value;
  }

  /** The known flags set in a wire value (unknown bits are dropped, as clients must do). */
  public static EnumSet<TransmissionFlag> decode(int flags) {
    EnumSet<TransmissionFlag> set = EnumSet.noneOf(TransmissionFlag.class);
    for (TransmissionFlag f : values()) {
      if (f.isSet(flags)) {
        set.add(f);
      }
    }
    return set;
  }
}
