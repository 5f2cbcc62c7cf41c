package dev.thinly.thin.tools;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * What {@link Restore} does.
 *
 * @param input the XML (0.9.0 form, or 1.x with defs)
 * @param output the metadata file or block device to write
 * @param metadataSizeBytes if present, the output is made a regular file of exactly this size
 *     (created or resized); otherwise an existing output of non-zero size is used as it is, and a
 *     missing or empty one is created and sized from the estimate (see {@link Restore})
 */
public record RestoreOptions(Path input, Path output, OptionalLong metadataSizeBytes) {
  public static RestoreOptions of(Path input, Path output) {
    return new RestoreOptions(input, output, OptionalLong.empty());
  }
}
