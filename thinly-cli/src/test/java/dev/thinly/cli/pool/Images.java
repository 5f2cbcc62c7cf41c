package dev.thinly.cli.pool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;

/** Test disk images: random data with whole zero blocks where a predicate says so. */
final class Images {
  static final int BLOCK = 64 * 1024;

  private Images() {}

  /** {@code blocks} blocks of 64 KiB; block {@code i} is all zeros if {@code zero.test(i)}. */
  static byte[] image(int blocks, long seed, LongPredicate zero) {
    byte[] img = new byte[blocks * BLOCK];
    Random r = new Random(seed);
    byte[] block = new byte[BLOCK];
    for (int i = 0; i < blocks; i++) {
      if (!zero.test(i)) {
        r.nextBytes(block);
        System.arraycopy(block, 0, img, i * BLOCK, BLOCK);
      }
    }
    return img;
  }

  /** Blocks of {@code img} that hold anything but zeros. */
  static long nonZeroBlocks(byte[] img) {
    long n = 0;
    byte[] zeros = new byte[BLOCK];
    for (int off = 0; off < img.length; off += BLOCK) {
      int len = Math.min(BLOCK, img.length - off);
      if (!java.util.Arrays.equals(img, off, off + len, zeros, 0, len)) {
        n++;
      }
    }
    return n;
  }

  static Path write(Path file, byte[] img) throws IOException {
    Files.write(file, img);
    return file;
  }

  /**
   * Compresses {@code file} with an installed tool ({@code gzip}, {@code zstd}, {@code xz}) at its
   * fastest level (random data does not compress anyway).
   */
  static Path compress(Path file, String tool, String suffix) throws IOException, InterruptedException {
    Path out = file.resolveSibling(file.getFileName() + suffix);
    String fastest = tool.equals("xz") ? "-0" : "-1";
    Process p =
        new ProcessBuilder(List.of(tool, fastest, "-c", file.toString()))
            .redirectOutput(out.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(tool + " failed on " + file);
    }
    return out;
  }
}
