package dev.thinly.thin.pool;

import dev.thinly.pdata.error.CorruptMetadataException;
import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.pdata.error.StorageIoException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A pool's settings ({@code DIR/pool.json}): where its devices are and how it behaves.
 *
 * @param metadataDevice a block device holding the metadata, or null for {@code DIR/metadata}
 * @param dataDevice a block device holding the data, or null for {@code DIR/data}
 * @param blockSizeBytes data block size (64 KiB to 1 GiB, a multiple of 64 KiB)
 * @param zeroNewBlocks whether the unwritten part of a newly provisioned block is zeroed
 * @param noSpacePolicy what a write that needs a data block does when there is none
 * @param noSpaceTimeoutSeconds how long {@link NoSpacePolicy#QUEUE} holds such a write
 * @param thresholdsPercent usage levels that log a warning when crossed (data and metadata)
 * @param hook a command run as {@code hook POOLDIR RESOURCE PERCENT} when a threshold is crossed,
 *     or null
 */
public record PoolConfig(
    int formatVersion,
    String metadataDevice,
    String dataDevice,
    long blockSizeBytes,
    boolean zeroNewBlocks,
    NoSpacePolicy noSpacePolicy,
    int noSpaceTimeoutSeconds,
    List<Integer> thresholdsPercent,
    String hook,
    Instant created) {

  public static final int FORMAT_VERSION = 1;
  public static final List<Integer> DEFAULT_THRESHOLDS = List.of(80, 90, 95);
  private static final JsonMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  /** What happens to a write that needs a new data block when the pool has none. */
  public enum NoSpacePolicy {
    /** Fail the write at once (ENOSPC). */
    ERROR,
    /** Hold the write until space appears (pool grow) or the timeout passes. */
    QUEUE
  }

  public PoolConfig {
    if (blockSizeBytes < 64 * 1024
        || blockSizeBytes > 1L << 30
        || blockSizeBytes % (64 * 1024) != 0) {
      throw new InvalidRequestException(
          "block size must be 64K to 1G and a multiple of 64K, not " + blockSizeBytes);
    }
    if (noSpaceTimeoutSeconds < 0) {
      throw new InvalidRequestException("the no-space timeout cannot be negative");
    }
    thresholdsPercent =
        thresholdsPercent == null ? DEFAULT_THRESHOLDS : List.copyOf(thresholdsPercent);
    for (int t : thresholdsPercent) {
      if (t < 1 || t > 100) {
        throw new InvalidRequestException("thresholds are percentages from 1 to 100, not " + t);
      }
    }
    if (noSpacePolicy == null) {
      noSpacePolicy = NoSpacePolicy.ERROR;
    }
  }

  static PoolConfig read(Path file) {
    try {
      return JSON.readValue(Files.readAllBytes(file), PoolConfig.class);
    } catch (IOException e) {
      throw new StorageIoException(file.toString(), -1, "read", e);
    } catch (JacksonException e) {
      throw new CorruptMetadataException(-1, "pool config " + file, e.getOriginalMessage());
    }
  }

  void write(Path file) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.write(tmp, JSON.writeValueAsBytes(this));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new StorageIoException(file.toString(), -1, "write", e);
    }
  }

  public long blockSizeSectors() {
    return blockSizeBytes / 512;
  }
}
