package dev.thinly.pdata.error;

import java.io.IOException;

/** An I/O error from a device, with the device's name and the byte range that failed. */
public final class StorageIoException extends ThinlyException {
  private final String device;
  private final long offsetBytes;

  public StorageIoException(String device, long offsetBytes, String what, IOException cause) {
    super(
        what + " failed on " + device + (offsetBytes >= 0 ? " at byte " + offsetBytes : "") + ": "
            + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()),
        cause);
    this.device = device;
    this.offsetBytes = offsetBytes;
  }

  public String device() {
    return device;
  }

  /** The byte offset of the failed request, or -1 when not tied to one (flush, open). */
  public long offsetBytes() {
    return offsetBytes;
  }
}
