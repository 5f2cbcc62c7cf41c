package dev.thinly.thin.tools;

import dev.thinly.pdata.io.FileBlockDevice;
import dev.thinly.thin.metadata.MetadataStateException;
import dev.thinly.thin.metadata.PoolMetadata;
import java.nio.file.Path;

/**
 * Sends one {@link PoolMessage} to offline pool metadata: opens it, applies the message, commits.
 * Each message is one transaction, as in the kernel; on any error nothing is written.
 */
public final class Message {
  private Message() {}

  /**
   * Applies {@code message} to the metadata at {@code path} and commits.
   *
   * @throws MetadataStateException if NEEDS_CHECK is set (the kernel refuses messages then, since
   *     the pool cannot enter write mode), or the message's own state rule is broken
   * @throws dev.thinly.thin.metadata.ThinDeviceException for a device that exists or does not
   */
  public static void send(Path path, PoolMessage message, long cacheBytes) {
    try (PoolMetadata pm =
        PoolMetadata.open(FileBlockDevice.open(path, false), cacheBytes, false)) {
      if (pm.needsCheck()) {
        throw new MetadataStateException(
            MetadataStateException.Kind.NEEDS_CHECK,
            "the metadata needs checking (NEEDS_CHECK is set); run check --clear-needs-check-flag"
                + " once it is clean");
      }
      message.applyTo(pm);
      pm.commit();
    }
  }
}
