package dev.thinly.thin.ir;

import java.util.OptionalLong;

/**
 * The {@code <superblock>} element: pool-wide attributes.
 *
 * @param uuid free text; dumps always write {@code ""}
 * @param time the pool's snapshot counter (u32)
 * @param transaction the userspace transaction id (u64)
 * @param flags superblock flags (bit 0 = NEEDS_CHECK); absent in some inputs, dumped as 0
 * @param version metadata version; absent in some inputs, dumped as 1 when absent
 * @param dataBlockSizeSectors data block size in 512-byte sectors
 * @param nrDataBlocks size of the data device in data blocks (0 when dumping a metadata snapshot)
 * @param metadataSnap the held metadata snapshot's block, an input-only attribute that restore
 *     ignores (a block number of another image means nothing in a freshly built one)
 */
public record SuperblockAttrs(
    String uuid,
    long time,
    long transaction,
    OptionalLong flags,
    OptionalLong version,
    long dataBlockSizeSectors,
    long nrDataBlocks,
    OptionalLong metadataSnap) {

  /** The attributes a dump writes: flags and version always present, no metadata_snap. */
  public static SuperblockAttrs of(
      long time, long transaction, long flags, long version, long dataBlockSizeSectors, long nrDataBlocks) {
    return new SuperblockAttrs(
        "", time, transaction, OptionalLong.of(flags), OptionalLong.of(version),
        dataBlockSizeSectors, nrDataBlocks, OptionalLong.empty());
  }

  /** The flags as dumped: 0 when absent. */
  public long flagsOrDefault() {
    return flags.orElse(0);
  }

  /** The version as thin_dump 0.9.0 prints it: 1 when absent. */
  public long versionOrDefault() {
    return version.orElse(1);
  }
}
