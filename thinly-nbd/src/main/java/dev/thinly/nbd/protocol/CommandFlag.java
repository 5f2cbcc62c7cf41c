package dev.thinly.nbd.protocol;

/** The 16-bit per-request command flags. */
public enum CommandFlag {
  /** Force unit access: reply only once the command's writes are durable. Valid on any command. */
  FUA(0),
  /** {@code WRITE_ZEROES}: the range must end up allocated, not punched. */
  NO_HOLE(1),
  /** {@code READ}: at most one content chunk in the structured reply. */
  DF(2),
  /** {@code BLOCK_STATUS}: exactly one extent per context. */
  REQ_ONE(3),
  /** {@code WRITE_ZEROES}: fail with ENOTSUP unless zeroing is faster than writing. */
  FAST_ZERO(4),
  /** Extended headers only; always invalid here. */
  PAYLOAD_LEN(5);

  private final int bit;

  CommandFlag(int bit) {
    this.bit = bit;
  }

  public int mask() {
    return 1 << bit;
  }

  public boolean isSet(int flags) {
    return (flags & mask()) != 0;
  }

  /** The wire value of several flags. */
  public static int encode(CommandFlag... flags) {
    int value = 0;
    for (CommandFlag f : flags) {
      value |= f.mask();
    }
    return value;
  }
}
