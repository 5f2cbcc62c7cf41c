package dev.thinly.cli.image;

import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.pdata.error.NotFoundException;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A raw disk image to import, from a file or a stream, decompressed when its first bytes say it is
 * gzip, zstd or xz. An uncompressed regular file is read straight into the caller's (direct)
 * buffers; everything else through a stream.
 *
 * <p>NOT thread-safe: one reader.
 */
final class ImageSource implements AutoCloseable {
  private final String name;
  private final Compression compression;
  private final FileChannel file; // uncompressed regular file, else null
  private final InputStream stream; // decoded stream, else null
  private final CountingInputStream raw; // what the stream consumed, for progress
  private final long rawSizeBytes;
  private byte[] staging = new byte[0];
  private long filePosition;

  private ImageSource(
      String name, Compression c, FileChannel file, InputStream stream, CountingInputStream raw, long rawSizeBytes) {
    this.name = name;
    this.compression = c;
    this.file = file;
    this.stream = stream;
    this.raw = raw;
    this.rawSizeBytes = rawSizeBytes;
  }

  /** Opens {@code path}, or {@code stdin} when the path is {@code -}. */
  static ImageSource open(String path, InputStream stdin) {
    if (path.equals("-")) {
      return ofStream("stdin", stdin, -1);
    }
    Path p = Path.of(path);
    try {
      if (Files.isDirectory(p)) {
        throw new InvalidRequestException(path + " is a directory, not an image");
      }
      FileChannel ch = FileChannel.open(p, StandardOpenOption.READ);
      long size = Files.isRegularFile(p) ? ch.size() : -1;
      ByteBuffer head = ByteBuffer.allocate(Compression.MAGIC_BYTES);
      if (size >= 0) {
        while (head.hasRemaining() && ch.read(head, head.position()) > 0) {
          // a regular file: positional reads leave the channel at 0
        }
        if (Compression.detect(head.array(), head.position()) == Compression.NONE) {
          return new ImageSource(path, Compression.NONE, ch, null, null, size);
        }
      }
      return ofStream(path, java.nio.channels.Channels.newInputStream(ch), size);
    } catch (NoSuchFileException e) {
      throw new NotFoundException("file", "no such file: " + path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + path + ": " + e.getMessage(), e);
    }
  }

  private static ImageSource ofStream(String name, InputStream in, long rawSize) {
    CountingInputStream counted = new CountingInputStream(in);
    BufferedInputStream buffered = new BufferedInputStream(counted, 1 << 20);
    try {
      buffered.mark(Compression.MAGIC_BYTES);
      byte[] head = buffered.readNBytes(Compression.MAGIC_BYTES);
      buffered.reset();
      Compression c = Compression.detect(head, head.length);
      return new ImageSource(name, c, null, c.decoder(buffered), counted, rawSize);
    } catch (IOException e) {
      throw failure(name, Compression.NONE, e);
    }
  }

  String name() {
    return name;
  }

  Compression compression() {
    return compression;
  }

  /** The image's size if known before reading it (an uncompressed file), else -1. */
  long imageSizeBytes() {
    return file != null ? rawSizeBytes : -1;
  }

  /** The size of what is read (the compressed file), or -1 for a stream: progress's total. */
  long rawSizeBytes() {
    return rawSizeBytes;
  }

  /** How much of {@link #rawSizeBytes} has been consumed. */
  long rawBytesRead() {
    return file != null ? filePosition : raw.count;
  }

  /** Fills {@code dst} up to its limit, or less at the end of the image; returns the bytes read. */
  int read(ByteBuffer dst) {
    int start = dst.position();
    try {
      if (file != null) {
        while (dst.hasRemaining()) {
          int n = file.read(dst, filePosition);
          if (n < 0) {
            break;
          }
          filePosition += n;
        }
      } else {
        if (staging.length < dst.remaining()) {
          staging = new byte[dst.remaining()];
        }
        int n = stream.readNBytes(staging, 0, dst.remaining());
        dst.put(staging, 0, n);
      }
    } catch (IOException e) {
      throw failure(name, compression, e);
    }
    return dst.position() - start;
  }

  private static RuntimeException failure(String name, Compression c, IOException e) {
    if (c != Compression.NONE) {
      return new ImageFormatException(
          "cannot decompress " + name + " (" + c.label() + "): " + e.getMessage(), e);
    }
    return new UncheckedIOException("cannot read " + name + ": " + e.getMessage(), e);
  }

  @Override
  public void close() {
    try {
      if (file != null) {
        file.close();
      }
      if (stream != null) {
        stream.close();
      }
    } catch (IOException e) {
      // nothing was written through these; a failed close loses nothing
    }
  }

  /** Counts the bytes read through it. */
  private static final class CountingInputStream extends FilterInputStream {
    private volatile long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
