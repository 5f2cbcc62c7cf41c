package dev.thinly.thin.tools;

import dev.thinly.pdata.block.BlockManager;
import dev.thinly.pdata.block.SaltedValidator;
import dev.thinly.pdata.codec.BlockChecksum;
import dev.thinly.pdata.codec.LittleEndian;
import dev.thinly.pdata.io.BlockDevice;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Raw, unvalidated block reads for the checker, which must see damaged blocks rather than get an
 * exception, and reads every block once (so no cache). Blocks that the walk is about to need anyway
 * (the leaves under one internal node) can be prefetched: sorted and read in runs of adjacent
 * blocks, one device request per run.
 */
final class CheckBlockReader {
  static final int BLOCK = BlockManager.BLOCK_SIZE;
  private static final int MAX_RUN_BLOCKS = 64;

  private final BlockDevice device;
  private final long deviceBlocks;
  private final Map<Long, byte[]> prefetched = new HashMap<>();
  private long blocksRead;

  CheckBlockReader(BlockDevice device) {
    this.device = device;
    this.deviceBlocks = device.sizeBytes() / BLOCK;
  }

  long deviceBlocks() {
    return deviceBlocks;
  }

  /** Blocks read from the device so far. */
  long blocksRead() {
    return blocksRead;
  }

  /**
   * The block's bytes, from the prefetch buffer or the device.
   *
   * @throws dev.thinly.pdata.error.StorageIoException on an I/O error
   */
  byte[] read(long block) {
    byte[] b = prefetched.remove(block);
    if (b != null) {
      return b;
    }
    b = new byte[BLOCK];
    device.read(block * BLOCK, ByteBuffer.wrap(b));
    blocksRead++;
    return b;
  }

  /**
   * Reads {@code blocks[0..n)} (distinct, within the device) in location order into the prefetch
   * buffer; the caller then {@link #read}s each of them once. On an I/O error nothing is prefetched
   * and the individual reads report it.
   */
  void prefetch(long[] blocks, int n) {
    if (n < 2) {
      return;
    }
    long[] sorted = Arrays.copyOf(blocks, n);
    Arrays.sort(sorted);
    int i = 0;
    while (i < n) {
      int j = i + 1;
      while (j < n && j - i < MAX_RUN_BLOCKS && sorted[j] == sorted[j - 1] + 1) {
        j++;
      }
      int run = j - i;
      ByteBuffer buf = ByteBuffer.allocate(run * BLOCK);
      try {
        device.read(sorted[i] * BLOCK, buf);
      } catch (RuntimeException e) {
        return;
      }
      blocksRead += run;
      byte[] all = buf.array();
      for (int k = 0; k < run; k++) {
        prefetched.put(sorted[i + k], Arrays.copyOfRange(all, k * BLOCK, (k + 1) * BLOCK));
      }
      i = j;
    }
  }

  /** Drops prefetched blocks that were not consumed. */
  void dropPrefetched() {
    prefetched.clear();
  }

  /**
   * Checks the salted checksum and self-location of a block, in thin_check's words; null if both
   * are right.
   */
  static String checkSalted(byte[] b, long block, int salt, String type) {
    int wanted = BlockChecksum.compute(b, salt);
    if (BlockChecksum.stored(b) != wanted) {
      return "bad checksum in "
          + type
          + " (block "
          + block
          + "), wanted "
          + Integer.toUnsignedString(wanted)
          + describeSalt(b);
    }
    long self = LittleEndian.getLong(b, SaltedValidator.BLOCKNR_OFFSET);
    if (self != block) {
      return "bad block nr in "
          + type
          + " (block "
          + block
          + "): it says it is block "
          + Long.toUnsignedString(self);
    }
    return null;
  }

  /** Names the block type whose salt the stored checksum matches, if any: a hint for humans. */
  private static String describeSalt(byte[] b) {
    int salt = BlockChecksum.saltOf(b);
    String type =
        switch (salt) {
          case BlockChecksum.SUPERBLOCK_SALT -> "a superblock";
          case BlockChecksum.BTREE_NODE_SALT -> "a btree node";
          case BlockChecksum.BITMAP_SALT -> "a space map bitmap";
          case BlockChecksum.INDEX_SALT -> "a metadata space map index";
          default -> null;
        };
    if (type != null) {
      return " (it is " + type + ")";
    }
    for (byte x : b) {
      if (x != 0) {
        return "";
      }
    }
    return " (the block is all zeros)";
  }
}
