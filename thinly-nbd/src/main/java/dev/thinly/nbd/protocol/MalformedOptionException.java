package dev.thinly.nbd.protocol;

import dev.thinly.pdata.error.ThinlyException;

/**
 * The data of one option is syntactically invalid (a name length past the end of the option, bad
 * UTF-8, an over-long string). The option header was framed correctly, so negotiation can continue:
 * the server answers {@code NBD_REP_ERR_INVALID}.
 */
public final class MalformedOptionException extends ThinlyException {
  private final int option;
  private final String reason;

  public MalformedOptionException(int option, String reason) {
    super("malformed option " + option + ": " + reason);
    this.option = option;
    this.reason = reason;
  }

  /** The wire number of the option. */
  public int option() {
    return option;
  }

  public String reason() {
    return reason;
  }
}
