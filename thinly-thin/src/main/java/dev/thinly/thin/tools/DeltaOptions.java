package dev.thinly.thin.tools;

/**
 * Inputs of {@link Delta} (thin_delta's options).
 *
 * @param thin1 the left device
 * @param thin2 the right device
 * @param verbose list every range with its data blocks, grouped by kind
 * @param metadataSnap compare the devices as the held metadata snapshot saw them
 * @param metadataSnapBlock with {@code metadataSnap}: the snapshot's block, which must be the held
 *     one; null to take whatever is held
 * @param cacheBytes block cache for the walk
 */
public record DeltaOptions(
    long thin1,
    long thin2,
    boolean verbose,
    boolean metadataSnap,
    Long metadataSnapBlock,
    long cacheBytes) {

  public static DeltaOptions of(long thin1, long thin2, boolean verbose) {
    return new DeltaOptions(thin1, thin2, verbose, false, null, 16L << 20);
  }
}
