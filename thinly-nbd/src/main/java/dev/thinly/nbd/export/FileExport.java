package dev.thinly.nbd.export;

import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.pdata.error.ReadOnlyException;
import dev.thinly.pdata.error.StorageIoException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Set;

/**
 * A raw image file served as is, through positional {@link FileChannel} I/O (the page cache is
 * shared by every handle, so multi-conn is safe and {@code force} is the flush). For tests, demos
 * and benchmarks against nbdkit's file plugin.
 *
 * <p>It cannot punch holes (the JDK has no {@code fallocate}), so trim is accepted and ignored (the
 * spec allows that), zeroing writes zero bytes, fast zeroing is always refused (which the spec also
 * allows, and which makes copy tools skip a pointless pre-zeroing pass), and block status reports
 * everything as data. The size is fixed when the file is opened.
 *
 * <p>Thread-safe. The channel is never used from an interrupted thread (the server does not
 * interrupt), which matters because an interrupt would close it for everybody.
 */
public final class FileExport implements Export {
  private static final int ZERO_CHUNK_BYTES = 1 << 20;
  private static final ByteBuffer ZEROES =
      ByteBuffer.allocateDirect(ZERO_CHUNK_BYTES).asReadOnlyBuffer();

  private final Path path;
  private final String name;
  private final String description;
  private final boolean readOnly;
  private final FileChannel channel;
  private final long sizeBytes;
  private final Set<ExportCapability> capabilities;

  private FileExport(Path path, String name, String description, boolean readOnly, FileChannel ch)
      throws IOException {
    this.path = path;
    this.name = name;
    this.description = description;
    this.readOnly = readOnly;
    this.channel = ch;
    this.sizeBytes = ch.size();
    this.capabilities =
        readOnly
            ? Set.copyOf(
                EnumSet.of(
                    ExportCapability.FLUSH, ExportCapability.MULTI_CONN, ExportCapability.CACHE))
            : Set.copyOf(EnumSet.allOf(ExportCapability.class));
  }

  /**
   * Opens an existing file.
   *
   * @throws StorageIoException if it cannot be opened
   */
  public static FileExport open(Path path, String name, String description, boolean readOnly) {
    try {
      FileChannel ch =
          readOnly
              ? FileChannel.open(path, StandardOpenOption.READ)
              : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
      try {
        return new FileExport(path, name, description, readOnly, ch);
      } catch (IOException e) {
        ch.close();
        throw e;
      }
    } catch (IOException e) {
      throw new StorageIoException(path.toString(), -1, "open", e);
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public long sizeBytes() {
    return sizeBytes;
  }

  @Override
  public boolean readOnly() {
    return readOnly;
  }

  @Override
  public Set<ExportCapability> capabilities() {
    return capabilities;
  }

  @Override
  public void read(long offsetBytes, int lengthBytes, ReadSink sink) {
    checkRange(offsetBytes, lengthBytes);
    ByteBuffer dst = sink.dataBuffer(offsetBytes, lengthBytes);
    long pos = offsetBytes;
    try {
      while (dst.hasRemaining()) {
        int n = channel.read(dst, pos);
        if (n < 0) {
          // the file shrank under us: what is gone reads as zeroes, like a sparse tail
          dst.put(ZEROES.duplicate().limit(Math.min(dst.remaining(), ZERO_CHUNK_BYTES)));
          n = 0;
        }
        pos += n;
      }
    } catch (IOException e) {
      throw new StorageIoException(
          path.toString(), offsetBytes, "read of " + lengthBytes + " bytes", e);
    }
  }

  @Override
  public void write(long offsetBytes, ByteBuffer data, boolean fua) {
    checkWritable();
    checkRange(offsetBytes, data.remaining());
    int length = data.remaining();
    try {
      for (long pos = offsetBytes; data.hasRemaining(); ) {
        pos += channel.write(data, pos);
      }
      if (fua) {
        channel.force(false);
      }
    } catch (IOException e) {
      throw new StorageIoException(
          path.toString(), offsetBytes, "write of " + length + " bytes", e);
    }
  }

  @Override
  public void flush() {
    try {
      channel.force(false);
    } catch (IOException e) {
      throw new StorageIoException(path.toString(), -1, "flush", e);
    }
  }

  @Override
  public void trim(long offsetBytes, long lengthBytes, boolean fua) {
    checkWritable();
    checkRange(offsetBytes, lengthBytes);
  }

  @Override
  public void writeZeroes(
      long offsetBytes, long lengthBytes, boolean noHole, boolean fastZero, boolean fua) {
    checkWritable();
    checkRange(offsetBytes, lengthBytes);
    if (fastZero) {
      throw new FastZeroUnsupportedException(name, offsetBytes, lengthBytes);
    }
    long end = offsetBytes + lengthBytes;
    try {
      for (long pos = offsetBytes; pos < end; ) {
        ByteBuffer zeroes = ZEROES.duplicate().limit((int) Math.min(ZERO_CHUNK_BYTES, end - pos));
        while (zeroes.hasRemaining()) {
          pos += channel.write(zeroes, pos);
        }
      }
      if (fua) {
        channel.force(false);
      }
    } catch (IOException e) {
      throw new StorageIoException(
          path.toString(), offsetBytes, "zeroing of " + lengthBytes + " bytes", e);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new StorageIoException(path.toString(), -1, "close", e);
    }
  }

  private void checkRange(long offsetBytes, long lengthBytes) {
    if (offsetBytes < 0 || lengthBytes < 0 || offsetBytes > sizeBytes - lengthBytes) {
      throw new InvalidRequestException(
          lengthBytes + " bytes at " + offsetBytes + " exceed export " + name + " of " + sizeBytes);
    }
  }

  private void checkWritable() {
    if (readOnly) {
      throw new ReadOnlyException("export " + name, "");
    }
  }
}
