package dev.thinly.cli.image;

/** An image that cannot be read as what it claims to be: a corrupt or truncated compressed stream. */
public final class ImageFormatException extends RuntimeException {
  public ImageFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
