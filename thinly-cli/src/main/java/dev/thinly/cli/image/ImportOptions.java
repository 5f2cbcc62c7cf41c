package dev.thinly.cli.image;

import java.io.InputStream;

/**
 * What {@code thinly import} asks for.
 *
 * @param volume the volume to fill; created if it does not exist
 * @param source a file, or {@code -} for {@code stdin}
 * @param sizeBytes the volume's size, or 0 for the image's (found as it streams in if unknown)
 * @param stdin what {@code -} reads
 * @param chunkBytes bytes read and written at a time (rounded to whole pool blocks)
 * @param writesInFlight chunk buffers: chunks being written concurrently, or read ahead while the
 *     others are written
 */
public record ImportOptions(
    String volume, String source, long sizeBytes, InputStream stdin, int chunkBytes, int writesInFlight) {
  public static final int DEFAULT_CHUNK_BYTES = 4 << 20;
  public static final int DEFAULT_WRITES_IN_FLIGHT = 4;

  public static ImportOptions of(String volume, String source, long sizeBytes, InputStream stdin) {
    return new ImportOptions(volume, source, sizeBytes, stdin, DEFAULT_CHUNK_BYTES, DEFAULT_WRITES_IN_FLIGHT);
  }
}
