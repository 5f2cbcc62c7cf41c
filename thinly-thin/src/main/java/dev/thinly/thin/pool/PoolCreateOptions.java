package dev.thinly.thin.pool;

import dev.thinly.pdata.error.InvalidRequestException;
import java.util.List;

/**
 * What {@code thinly pool create} asks for.
 *
 * @param dataSizeBytes size of the data file (ignored with a data device, whose size is used)
 * @param metadataSizeBytes size of the metadata file, or 0 for the thin_metadata_size estimate
 * @param dataDevice a block device for the data, or null
 * @param metadataDevice a block device for the metadata, or null
 */
public record PoolCreateOptions(
    long dataSizeBytes,
    long metadataSizeBytes,
    long blockSizeBytes,
    boolean zeroNewBlocks,
    String dataDevice,
    String metadataDevice,
    PoolConfig.NoSpacePolicy noSpacePolicy,
    int noSpaceTimeoutSeconds,
    List<Integer> thresholdsPercent,
    String hook) {

  public static final long DEFAULT_BLOCK_SIZE = 64 * 1024;

  public PoolCreateOptions {
    if ((dataDevice == null) != (metadataDevice == null)) {
      throw new InvalidRequestException("give both --data-device and --metadata-device, or neither");
    }
  }

  public static PoolCreateOptions ofSize(long dataSizeBytes) {
    return new PoolCreateOptions(
        dataSizeBytes, 0, DEFAULT_BLOCK_SIZE, true, null, null, PoolConfig.NoSpacePolicy.ERROR, 60,
        PoolConfig.DEFAULT_THRESHOLDS, null);
  }

  public PoolCreateOptions withBlockSize(long bytes) {
    return new PoolCreateOptions(
        dataSizeBytes, metadataSizeBytes, bytes, zeroNewBlocks, dataDevice, metadataDevice,
        noSpacePolicy, noSpaceTimeoutSeconds, thresholdsPercent, hook);
  }

  public PoolCreateOptions withMetadataSize(long bytes) {
    return new PoolCreateOptions(
        dataSizeBytes, bytes, blockSizeBytes, zeroNewBlocks, dataDevice, metadataDevice,
        noSpacePolicy, noSpaceTimeoutSeconds, thresholdsPercent, hook);
  }

  public PoolCreateOptions withNoSpacePolicy(PoolConfig.NoSpacePolicy p, int timeoutSeconds) {
    return new PoolCreateOptions(
        dataSizeBytes, metadataSizeBytes, blockSizeBytes, zeroNewBlocks, dataDevice, metadataDevice,
        p, timeoutSeconds, thresholdsPercent, hook);
  }

  public PoolCreateOptions withZeroing(boolean zero) {
    return new PoolCreateOptions(
        dataSizeBytes, metadataSizeBytes, blockSizeBytes, zero, dataDevice, metadataDevice,
        noSpacePolicy, noSpaceTimeoutSeconds, thresholdsPercent, hook);
  }

  /**
   * The metadata size thin_metadata_size estimates for {@code nrDataBlocks} and 1000 thin devices
   * (mapping leaves assumed half full), at least 2 MiB and at most the format's limit.
   */
  public static long estimateMetadataBytes(long nrDataBlocks) {
    long blocks = 1 + (nrDataBlocks + 125) / 126 + 1000;
    return Math.min(4_161_600L, Math.max(512, blocks)) * 4096;
  }
}
