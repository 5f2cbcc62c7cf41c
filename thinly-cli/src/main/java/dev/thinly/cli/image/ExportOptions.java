package dev.thinly.cli.image;

import java.io.OutputStream;

/**
 * What {@code thinly export} asks for.
 *
 * @param volume the volume to read
 * @param target a file (created or overwritten), or {@code -} for {@code stdout}
 * @param sparse leave holes in a file target where the volume is unprovisioned or zero
 * @param stdout what {@code -} writes to
 * @param chunkBytes bytes read at a time (rounded to whole pool blocks)
 * @param readsInFlight chunks read concurrently while the previous ones are written out
 */
public record ExportOptions(
    String volume, String target, boolean sparse, OutputStream stdout, int chunkBytes, int readsInFlight) {

  public static ExportOptions of(String volume, String target, boolean sparse, OutputStream stdout) {
    return new ExportOptions(
        volume, target, sparse, stdout, ImportOptions.DEFAULT_CHUNK_BYTES, ImportOptions.DEFAULT_WRITES_IN_FLIGHT);
  }
}
