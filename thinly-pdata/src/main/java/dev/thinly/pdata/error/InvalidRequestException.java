package dev.thinly.pdata.error;

/**
 * A request that can never succeed as given: out of range, misaligned, a bad flag combination, an
 * unknown name. Maps to a usage error in the CLI and EINVAL over NBD.
 */
public final class InvalidRequestException extends ThinlyException {
  public InvalidRequestException(String message) {
    super(message);
  }
}
