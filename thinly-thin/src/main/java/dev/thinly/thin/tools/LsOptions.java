package dev.thinly.thin.tools;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link Ls} does.
 *
 * @param metadata the metadata file or device (opened read-only)
 * @param fields the columns, in order
 * @param headers print the header line
 * @param metadataSnap list the held metadata snapshot instead of the live metadata
 */
public record LsOptions(Path metadata, List<LsField> fields, boolean headers, boolean metadataSnap) {
  public LsOptions {
    fields = List.copyOf(fields);
  }
}
