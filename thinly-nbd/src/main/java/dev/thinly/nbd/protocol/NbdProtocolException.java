package dev.thinly.nbd.protocol;

import dev.thinly.pdata.error.ThinlyException;

/**
 * The peer broke the framing of the protocol (bad magic, a length no valid message can have, a
 * message cut short), so nothing after it can be parsed: the only answer is a hard disconnect.
 */
public final class NbdProtocolException extends ThinlyException {
  private final String violation;

  public NbdProtocolException(String violation) {
    super("NBD protocol violation: " + violation);
    this.violation = violation;
  }

  /** What the peer did wrong, without the prefix. */
  public String violation() {
    return violation;
  }
}
