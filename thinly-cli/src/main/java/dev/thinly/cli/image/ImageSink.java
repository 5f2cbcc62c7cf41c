package dev.thinly.cli.image;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where an export goes: written strictly in order, data and zero ranges. A regular file can keep
 * zero ranges as holes; a stream or a device gets the zeros written.
 *
 * <p>NOT thread-safe: one writer.
 */
abstract sealed class ImageSink implements AutoCloseable {
  /** Writes {@code data} at {@code offsetBytes} (the offsets arrive in order, without gaps). */
  abstract void data(long offsetBytes, ByteBuffer data);

  /** {@code lengthBytes} of zeros at {@code offsetBytes}. */
  abstract void zeros(long offsetBytes, long lengthBytes);

  /** Whether {@link #zeros} costs no writes, so data blocks that are all zero are worth finding. */
  abstract boolean keepsHoles();

  /** The export is complete at {@code sizeBytes}. */
  abstract void finish(long sizeBytes);

  @Override
  public abstract void close();

  static ImageSink open(String target, OutputStream stdout, boolean sparse) {
    if (target.equals("-")) {
      return new StreamSink(stdout);
    }
    Path p = Path.of(target);
    boolean regular = !Files.exists(p) || Files.isRegularFile(p);
    try {
      RandomAccessFile file = new RandomAccessFile(p.toFile(), "rw");
      if (regular) {
        file.setLength(0);
      }
      return new FileSink(target, file, sparse && regular);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  /** A file or device, written positionally. */
  static final class FileSink extends ImageSink {
    private final String name;
    private final RandomAccessFile file;
    private final FileChannel channel;
    private final boolean holes;

    FileSink(String name, RandomAccessFile file, boolean holes) {
      this.name = name;
      this.file = file;
      this.channel = file.getChannel();
      this.holes = holes;
    }

    @Override
    void data(long offsetBytes, ByteBuffer data) {
      long pos = offsetBytes;
      try {
        while (data.hasRemaining()) {
          pos += channel.write(data, pos);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + name + " at " + pos + ": " + e.getMessage(), e);
      }
    }

    @Override
    void zeros(long offsetBytes, long lengthBytes) {
      if (holes) {
        return; // the file was truncated to 0, so what is never written is a hole
      }
      for (long done = 0; done < lengthBytes; ) {
        ByteBuffer z = Zeros.piece(lengthBytes - done);
        int n = z.remaining();
        data(offsetBytes + done, z);
        done += n;
      }
    }

    @Override
    boolean keepsHoles() {
      return holes;
    }

    @Override
    void finish(long sizeBytes) {
      try {
        if (holes && file.length() < sizeBytes) {
          file.setLength(sizeBytes); // a trailing hole
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot extend " + name + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      try {
        file.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot close " + name + ": " + e.getMessage(), e);
      }
    }
  }

  /** stdout: a pipe or whatever the shell redirected it to; zeros are written out. */
  static final class StreamSink extends ImageSink {
    private final OutputStream out;
    private byte[] staging = new byte[0];

    StreamSink(OutputStream out) {
      this.out = out;
    }

    @Override
    void data(long offsetBytes, ByteBuffer data) {
      int n = data.remaining();
      if (data.hasArray()) {
        write(data.array(), data.arrayOffset() + data.position(), n);
      } else {
        if (staging.length < n) {
          staging = new byte[n];
        }
        data.get(staging, 0, n);
        write(staging, 0, n);
      }
    }

    @Override
    void zeros(long offsetBytes, long lengthBytes) {
      for (long done = 0; done < lengthBytes; ) {
        ByteBuffer z = Zeros.piece(lengthBytes - done);
        int n = z.remaining();
        data(offsetBytes + done, z);
        done += n;
      }
    }

    private void write(byte[] b, int off, int len) {
      try {
        out.write(b, off, len);
        // PrintStream (System.out) swallows errors such as a closed pipe
        if (out instanceof PrintStream ps && ps.checkError()) {
          throw new IOException("write error (closed pipe?)");
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write to stdout: " + e.getMessage(), e);
      }
    }

    @Override
    boolean keepsHoles() {
      return false;
    }

    @Override
    void finish(long sizeBytes) {
      try {
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write to stdout: " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      // stdout stays open for whoever owns it
    }
  }
}
