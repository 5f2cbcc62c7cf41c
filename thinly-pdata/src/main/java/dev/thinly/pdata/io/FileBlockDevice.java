package dev.thinly.pdata.io;

import dev.thinly.pdata.error.StorageIoException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A regular file or a block device. Reads and writes go through a {@link FileChannel} (positional,
 * thread-safe); flush is {@code fdatasync}; discard punches a hole ({@code fallocate}) in a file and
 * issues {@code BLKDISCARD} on a block device, writing zeros where neither works, so a discarded
 * range always reads back as zeros.
 */
public final class FileBlockDevice implements BlockDevice {
  private static final int S_IFMT = 0170000;
  private static final int S_IFBLK = 0060000;
  private static final int ZERO_CHUNK = 1 << 20;

  private final Path path;
  private final FileChannel channel;
  private final boolean blockDevice;
  private final boolean readOnly;
  private final int fd;
  private volatile long sizeBytes;
  private volatile boolean punchWorks = true;
  private volatile boolean releaseWorks = true;
  private final AtomicBoolean closed = new AtomicBoolean();

  private FileBlockDevice(Path path, FileChannel channel, boolean blockDevice, boolean readOnly) {
    this.path = path;
    this.channel = channel;
    this.blockDevice = blockDevice;
    this.readOnly = readOnly;
    int f = NativeIo.open(path, readOnly ? NativeIo.O_RDONLY : NativeIo.O_RDWR);
    if (f < 0) {
      closeQuietly(channel);
      throw new StorageIoException(path.toString(), -1, "open", new IOException("errno " + -f));
    }
    this.fd = f;
    this.sizeBytes = blockDevice ? NativeIo.blkGetSize64(fd) : size(channel);
    if (sizeBytes < 0) {
      closeQuietly(channel);
      NativeIo.close(fd);
      throw new StorageIoException(
          path.toString(), -1, "BLKGETSIZE64", new IOException("errno " + -sizeBytes));
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // the open already failed; that error is the one to report
    }
  }

  /** Opens an existing file or block device for reading and writing. */
  public static FileBlockDevice open(Path path) {
    return open(path, false);
  }

  /** Opens an existing file or block device. */
  public static FileBlockDevice open(Path path, boolean readOnly) {
    Set<StandardOpenOption> opts =
        readOnly
            ? EnumSet.of(StandardOpenOption.READ)
            : EnumSet.of(StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      boolean blk = isBlockDevice(path);
      return new FileBlockDevice(path, FileChannel.open(path, opts), blk, readOnly);
    } catch (IOException e) {
      throw new StorageIoException(path.toString(), -1, "open", e);
    }
  }

  /** Creates (or truncates) a sparse regular file of the given size. */
  public static FileBlockDevice create(Path path, long sizeBytes) {
    try {
      FileChannel ch =
          FileChannel.open(
              path,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      try {
        if (sizeBytes > 0) {
          ch.write(ByteBuffer.allocate(1), sizeBytes - 1);
        }
      } catch (IOException e) {
        closeQuietly(ch);
        throw e;
      }
      return new FileBlockDevice(path, ch, false, false);
    } catch (IOException e) {
      throw new StorageIoException(path.toString(), -1, "create", e);
    }
  }

  /** True if the path names a block device. */
  public static boolean isBlockDevice(Path path) throws IOException {
    if (Files.isRegularFile(path)) {
      return false;
    }
    Object mode = Files.getAttribute(path, "unix:mode");
    return mode instanceof Integer m && (m & S_IFMT) == S_IFBLK;
  }

  private static long size(FileChannel ch) {
    try {
      return ch.size();
    } catch (IOException e) {
      throw new StorageIoException("?", -1, "size", e);
    }
  }

  @Override
  public String name() {
    return path.toString();
  }

  public Path path() {
    return path;
  }

  public boolean isBlockDevice() {
    return blockDevice;
  }

  @Override
  public long sizeBytes() {
    return sizeBytes;
  }

  @Override
  public void read(long offsetBytes, ByteBuffer dst) {
    Ranges.checkRange(name(), offsetBytes, dst.remaining(), sizeBytes);
    long pos = offsetBytes;
    try {
      while (dst.hasRemaining()) {
        int n = channel.read(dst, pos);
        if (n < 0) {
          throw new java.io.EOFException("unexpected end of file");
        }
        pos += n;
      }
    } catch (IOException e) {
      throw new StorageIoException(name(), pos, "read", e);
    }
  }

  @Override
  public void write(long offsetBytes, ByteBuffer src) {
    Ranges.checkRange(name(), offsetBytes, src.remaining(), sizeBytes);
    long pos = offsetBytes;
    try {
      while (src.hasRemaining()) {
        pos += channel.write(src, pos);
      }
    } catch (IOException e) {
      throw new StorageIoException(name(), pos, "write", e);
    }
  }

  @Override
  public void flush() {
    try {
      channel.force(false);
    } catch (IOException e) {
      throw new StorageIoException(name(), -1, "flush", e);
    }
  }

  /**
   * Makes the range read as zeros, releasing its storage where possible: a hole in a file
   * (fallocate PUNCH_HOLE), BLKZEROOUT on a block device (which the device may offload), zeros
   * written where neither works.
   */
  @Override
  public void discard(long offsetBytes, long lengthBytes) {
    Ranges.checkRange(name(), offsetBytes, lengthBytes, sizeBytes);
    if (lengthBytes == 0) {
      return;
    }
    if (punchWorks) {
      int r =
          blockDevice
              ? NativeIo.blkZeroOut(fd, offsetBytes, lengthBytes)
              : NativeIo.punchHole(fd, offsetBytes, lengthBytes);
      if (r == 0) {
        return;
      }
      if (r != -NativeIo.EOPNOTSUPP && r != -NativeIo.EINVAL) {
        throw new StorageIoException(name(), offsetBytes, "discard", new IOException("errno " + -r));
      }
      punchWorks = false;
    }
    writeZeros(offsetBytes, lengthBytes);
  }

  /**
   * Gives the storage of the range back (a hole in a file, BLKDISCARD on a block device); what it
   * reads afterwards is undefined. Does nothing where the storage cannot be released.
   */
  @Override
  public void release(long offsetBytes, long lengthBytes) {
    Ranges.checkRange(name(), offsetBytes, lengthBytes, sizeBytes);
    if (lengthBytes == 0 || !releaseWorks) {
      return;
    }
    int r =
        blockDevice
            ? NativeIo.blkDiscard(fd, offsetBytes, lengthBytes)
            : NativeIo.punchHole(fd, offsetBytes, lengthBytes);
    if (r == -NativeIo.EOPNOTSUPP || r == -NativeIo.EINVAL) {
      releaseWorks = false;
    } else if (r != 0) {
      throw new StorageIoException(name(), offsetBytes, "release", new IOException("errno " + -r));
    }
  }

  /** Writes zeros over the range of a regular file; a block device has its storage already. */
  @Override
  public void allocate(long offsetBytes, long lengthBytes) {
    Ranges.checkRange(name(), offsetBytes, lengthBytes, sizeBytes);
    if (!blockDevice && lengthBytes > 0) {
      writeZeros(offsetBytes, lengthBytes);
    }
  }

  private void writeZeros(long offsetBytes, long lengthBytes) {
    ByteBuffer zeros = ByteBuffer.allocateDirect((int) Math.min(ZERO_CHUNK, lengthBytes));
    long pos = offsetBytes;
    long end = offsetBytes + lengthBytes;
    while (pos < end) {
      zeros.clear().limit((int) Math.min(zeros.capacity(), end - pos));
      write(pos, zeros);
      pos += zeros.limit();
    }
  }

  @Override
  public synchronized void grow(long newSizeBytes) {
    if (newSizeBytes <= sizeBytes) {
      return;
    }
    if (blockDevice || readOnly) {
      throw new IllegalStateException(
          name() + " is " + (blockDevice ? "a block device" : "read-only") + " and cannot grow");
    }
    try {
      channel.write(ByteBuffer.allocate(1), newSizeBytes - 1);
      sizeBytes = newSizeBytes;
    } catch (IOException e) {
      throw new StorageIoException(name(), newSizeBytes - 1, "grow", e);
    }
  }

  @Override
  public boolean growable() {
    return !blockDevice && !readOnly;
  }

  /**
   * Bytes in data extents, found with SEEK_DATA/SEEK_HOLE; costs one call per extent. A block
   * device reports its size.
   */
  @Override
  public long allocatedBytes() {
    if (blockDevice) {
      return sizeBytes;
    }
    long total = 0;
    long pos = 0;
    while (pos < sizeBytes) {
      long data = NativeIo.lseek(fd, pos, NativeIo.SEEK_DATA);
      if (data < 0) {
        break; // -ENXIO: no data after pos
      }
      long hole = NativeIo.lseek(fd, data, NativeIo.SEEK_HOLE);
      if (hole < 0) {
        hole = sizeBytes;
      }
      total += hole - data;
      pos = hole;
    }
    return total;
  }

  @Override
  public void close() {
    // only once: the descriptor number may already belong to another file the second time
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      throw new StorageIoException(name(), -1, "close", e);
    } finally {
      NativeIo.close(fd);
    }
  }
}
