package dev.thinly.nbd.testkit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Random;

/** Raw images for interop tests: random data in some ranges, holes everywhere else. */
public final class TestImages {
  private TestImages() {}

  /**
   * Creates a sparse file of {@code sizeBytes} with random bytes in each {@code [offset, length]}
   * pair of {@code dataRanges}; the rest is never written, so it is a hole in the file.
   */
  public static Path sparse(Path file, long sizeBytes, long seed, long... dataRanges) {
    Random random = new Random(seed);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(sizeBytes);
      for (int i = 0; i < dataRanges.length; i += 2) {
        byte[] data = new byte[(int) dataRanges[i + 1]];
        random.nextBytes(data);
        raf.seek(dataRanges[i]);
        raf.write(data);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }
}
