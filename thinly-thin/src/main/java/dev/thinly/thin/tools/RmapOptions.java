package dev.thinly.thin.tools;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link Rmap} does.
 *
 * @param metadata the metadata file or device (opened read-only)
 * @param regions the data blocks to map back (at least one)
 */
public record RmapOptions(Path metadata, List<Region> regions) {
  public RmapOptions {
    regions = List.copyOf(regions);
  }
}
