package dev.thinly.pdata.io;

import dev.thinly.pdata.error.StorageIoException;
import java.io.EOFException;

/** Range checks shared by the device implementations. */
final class Ranges {
  private Ranges() {}

  static void checkRange(String device, long offsetBytes, long lengthBytes, long sizeBytes) {
    if (offsetBytes < 0 || lengthBytes < 0 || offsetBytes > sizeBytes - lengthBytes) {
      throw new StorageIoException(
          device,
          offsetBytes,
          "access of " + lengthBytes + " bytes",
          new EOFException("beyond the end of the device (" + sizeBytes + " bytes)"));
    }
  }
}
