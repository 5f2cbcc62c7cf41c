package dev.thinly.cli.access;

import dev.thinly.thin.pool.PoolStatus;
import dev.thinly.thin.pool.VolumeInfo;
import dev.thinly.thin.pool.VolumeUsage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the pool and volume commands need from a pool, whoever holds it.
 *
 * <p>{@link LocalPoolAccess} opens the pool directory and so owns the pool for the duration of the
 * command. A pool that {@code thinly serve} holds is locked by the server; {@link
 * RemotePoolAccess} talks to the server's control socket instead, so the same commands work on it.
 * Commands only ever see this interface, obtained from {@link #open}.
 *
 * <p>Errors are the pool's exceptions ({@code NotFoundException}, {@code NoSpaceException},
 * {@code BusyException}, ...), which the CLI maps to exit codes in one place.
 */
public interface PoolAccess extends AutoCloseable {

  /**
   * Opens the pool at {@code dir} for one command.
   *
   * @param role what the caller does ("thinly import"), shown to others that find the pool busy
   * @param notices receives one-line notices from the pool (lock take-over, threshold warnings)
   */
  static PoolAccess open(Path dir, String role, Notices notices) {
    Optional<RemotePoolAccess> served = RemotePoolAccess.connect(dir);
    if (served.isPresent()) {
      return served.get();
    }
    return LocalPoolAccess.open(dir, role, notices);
  }

  /** Where notices go; the CLI prints them on stderr. */
  interface Notices {
    Notices NONE = (warning, message) -> {};

    void notice(boolean warning, String message);
  }

  /** The pool's directory, for messages. */
  Path location();

  PoolStatus status();

  /** The metadata device's size: the total that {@code pool grow --metadata-size +N} adds to. */
  long metadataSizeBytes();

  /** Grows the data and/or the metadata space to the given sizes (0 leaves one as it is). */
  void grow(long dataSizeBytes, long metadataSizeBytes);

  VolumeInfo create(String name, long sizeBytes, Map<String, String> labels);

  VolumeInfo snapshot(String source, String name, boolean readOnly);

  void delete(String name, boolean force);

  /**
   * Changes a volume's size. Shrinking a volume that clients are connected to is refused unless
   * {@code force}, which disconnects them first.
   */
  VolumeInfo resize(String name, long sizeBytes, boolean force);

  /** The volume named {@code name}, if there is one. */
  Optional<VolumeInfo> find(String name);

  /** Every volume with its space usage, sorted by name. */
  List<VolumeUsage> list();

  /** Opens a volume for I/O; close the handle before deleting the volume. */
  VolumeIo open(String name);

  /** Commits what is pending and lets go of the pool. */
  @Override
  void close();
}
