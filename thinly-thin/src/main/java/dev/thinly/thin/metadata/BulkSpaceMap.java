package dev.thinly.thin.metadata;

import dev.thinly.pdata.block.BlockManager;
import dev.thinly.pdata.error.NoSpaceException;
import dev.thinly.pdata.io.BlockDevice;
import dev.thinly.pdata.spacemap.SpaceMap;
import dev.thinly.pdata.spacemap.disk.MetadataIndexBlock;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * The metadata space map of a pool being built in one go: blocks are handed out in order from 1
 * (block 0 is the superblock) and their counts live in memory until the real space map is written
 * at the end (spec 10.2). A growable device (a file restore creates) is extended as allocation
 * reaches its end; otherwise running out of blocks is a {@link NoSpaceException}.
 *
 * <p>Not thread-safe.
 */
final class BulkSpaceMap implements SpaceMap {
  /** Growth is in whole MiB (the final size is too), by an eighth at a time: few calls, little slack. */
  private static final long MIB_BLOCKS = 256;

  private final BlockDevice device;
  private final boolean growable;
  private int[] counts = new int[4096];
  private long next = 1;
  private long limitBlocks;

  BulkSpaceMap(BlockDevice device, boolean growable) {
    this.device = device;
    this.growable = growable;
    this.limitBlocks = deviceBlocks();
    counts[0] = 1;
  }

  private long deviceBlocks() {
    return Math.min(device.sizeBytes() / BlockManager.BLOCK_SIZE, MetadataIndexBlock.MAX_METADATA_BLOCKS);
  }

  /** Blocks handed out so far, including the superblock. */
  long used() {
    return next;
  }

  @Override
  public long nrBlocks() {
    return limitBlocks;
  }

  @Override
  public long nrAllocated() {
    long n = 0;
    for (long b = 0; b < next; b++) {
      if (counts[(int) b] != 0) {
        n++;
      }
    }
    return n;
  }

  @Override
  public long count(long block) {
    return block < next ? Integer.toUnsignedLong(counts[(int) block]) : 0;
  }

  @Override
  public void inc(long block) {
    counts[(int) block]++;
  }

  @Override
  public void dec(long block) {
    if (counts[(int) block] == 0) {
      throw new IllegalStateException("decrement of free metadata block " + block);
    }
    counts[(int) block]--;
  }

  @Override
  public OptionalLong allocate() {
    long b = next;
    if (b >= limitBlocks) {
      growTo(b + 1);
    }
    if (b >= counts.length) {
      counts = Arrays.copyOf(counts, (int) Math.min(Math.max(b + 1, 2L * counts.length), Integer.MAX_VALUE - 8));
    }
    next++;
    counts[(int) b] = 1;
    return OptionalLong.of(b);
  }

  /**
   * Final sizing: makes a growable device exactly {@code blocks} long if it is shorter (a fixed
   * device must already be that long).
   */
  void resizeFinal(long blocks) {
    if (blocks > limitBlocks) {
      if (!growable) {
        growTo(blocks); // reports the shortage
      }
      device.grow(blocks * BlockManager.BLOCK_SIZE);
      limitBlocks = deviceBlocks();
    }
  }

  boolean growable() {
    return growable;
  }

  /** Makes the device at least {@code blocks} long, or fails if it cannot grow that far. */
  void growTo(long blocks) {
    if (blocks <= limitBlocks) {
      return;
    }
    if (!growable || blocks > MetadataIndexBlock.MAX_METADATA_BLOCKS) {
      throw new NoSpaceException(
          NoSpaceException.Space.METADATA,
          "the metadata device " + device.name() + " is too small: it has " + limitBlocks
              + " blocks of 4 KiB and the pool needs more"
              + (growable ? " than the format's limit of " + MetadataIndexBlock.MAX_METADATA_BLOCKS : ""));
    }
    long step = Math.max(blocks, limitBlocks + limitBlocks / 8);
    long target = Math.min((step + MIB_BLOCKS - 1) / MIB_BLOCKS * MIB_BLOCKS, MetadataIndexBlock.MAX_METADATA_BLOCKS);
    device.grow(target * BlockManager.BLOCK_SIZE);
    limitBlocks = deviceBlocks();
  }
}
