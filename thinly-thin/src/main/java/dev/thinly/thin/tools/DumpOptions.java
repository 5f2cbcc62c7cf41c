package dev.thinly.thin.tools;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What {@link Dump} does.
 *
 * @param metadata the metadata file or device (opened read-only)
 * @param format the output format
 * @param metadataSnap empty: dump the live metadata; -1: the held metadata snapshot; otherwise
 *     the block of a metadata snapshot's superblock
 * @param thinId only this device, if present
 * @param skipMappings devices without their mappings
 * @param output write here (created or truncated) instead of to the caller's writer
 */
public record DumpOptions(
    Path metadata,
    DumpFormat format,
    OptionalLong metadataSnap,
    OptionalLong thinId,
    boolean skipMappings,
    Optional<Path> output) {

  /** A plain XML dump of the live metadata to the caller's writer. */
  public static DumpOptions xml(Path metadata) {
    return new DumpOptions(
        metadata, DumpFormat.XML, OptionalLong.empty(), OptionalLong.empty(), false, Optional.empty());
  }
}
