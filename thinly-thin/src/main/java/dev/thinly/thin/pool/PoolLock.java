package dev.thinly.thin.pool;

import dev.thinly.pdata.error.BusyException;
import dev.thinly.pdata.error.StorageIoException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * One process owns a pool: {@code DIR/lock} is locked with {@code fcntl} (released by the kernel
 * when the owner dies, however it dies) and holds the owner's pid and role for the error message
 * another process gets. A lock file left by a dead process is simply taken over.
 */
final class PoolLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;
  private final Optional<String> previousOwner;

  private PoolLock(FileChannel channel, FileLock lock, Optional<String> previousOwner) {
    this.channel = channel;
    this.lock = lock;
    this.previousOwner = previousOwner;
  }

  /**
   * Takes the lock.
   *
   * @param role what the owner does, for the message others see ("thinly serve", "thinly import")
   * @throws BusyException naming the owner if another process holds it
   */
  static PoolLock acquire(Path file, String role) {
    FileChannel ch;
    try {
      ch =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new StorageIoException(file.toString(), -1, "open lock", e);
    }
    try {
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        l = null;
      }
      String content = readOwner(ch);
      if (l == null) {
        ch.close();
        throw new BusyException(
            "the pool at " + file.getParent() + " is in use by "
                + (content.isBlank() ? "another process" : content)
                + "; stop it or use its control socket");
      }
      ch.truncate(0);
      ByteBuffer b =
          ByteBuffer.wrap(
              ("pid " + ProcessHandle.current().pid() + " (" + role + ")\n")
                  .getBytes(StandardCharsets.UTF_8));
      while (b.hasRemaining()) {
        ch.write(b, b.position());
      }
      ch.force(false);
      return new PoolLock(ch, l, content.isBlank() ? Optional.empty() : Optional.of(content));
    } catch (IOException e) {
      throw new StorageIoException(file.toString(), -1, "lock", e);
    }
  }

  private static String readOwner(FileChannel ch) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(256);
    ch.read(b, 0);
    return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).trim();
  }

  /** What the lock file said before we took it (a dead owner), if anything. */
  Optional<String> previousOwner() {
    return previousOwner;
  }

  @Override
  public void close() {
    try {
      channel.truncate(0);
      lock.release();
      channel.close();
    } catch (IOException e) {
      // the kernel drops the lock with the descriptor anyway
    }
  }
}
