package dev.thinly.thin.pool;

/**
 * A pool's state for {@code thinly pool status}.
 *
 * @param mode {@code rw}, {@code ro}, {@code out-of-data-space} or {@code needs-check}
 * @param modeReason why the pool is not {@code rw}, or empty
 * @param heldRoot the metadata snapshot's block, or null when none is held
 */
public record PoolStatus(
    String path,
    long blockSizeBytes,
    long dataBlocksUsed,
    long dataBlocksTotal,
    long metadataBlocksUsed,
    long metadataBlocksTotal,
    long transactionId,
    String mode,
    String modeReason,
    Long heldRoot,
    int volumes,
    String noSpacePolicy,
    boolean zeroNewBlocks) {}
