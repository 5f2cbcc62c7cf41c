package dev.thinly.pdata.testkit;

import dev.thinly.pdata.block.BlockManager;
import dev.thinly.pdata.io.BlockDevice;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A {@link BlockDevice} decorator that enforces the transaction rules of spec 7.6 on a metadata
 * device and records every breach:
 *
 * <ul>
 *   <li>no block the last committed superblock references ({@link #protect}) is written or
 *       discarded before the next superblock write;
 *   <li>the superblock (block 0) is written as one 4 KiB write, only after a flush that follows
 *       every other write, and is followed by a flush before anything else is written.
 * </ul>
 *
 * The test calls {@link #protect} after each commit with the blocks that commit references and
 * asserts {@link #violations()} is empty at the end.
 */
public final class CommitGuardDevice extends ForwardingBlockDevice {
  private final List<String> violations = new ArrayList<>();
  private Set<Long> protectedBlocks = new HashSet<>();
  private boolean writtenSinceFlush;
  private boolean superblockUnflushed;
  private long superblockWrites;

  public CommitGuardDevice(BlockDevice inner) {
    super(inner);
  }

  /** The blocks the committed state references, from now until the next superblock write. */
  public synchronized void protect(Set<Long> blocks) {
    protectedBlocks = new HashSet<>(blocks);
  }

  public synchronized List<String> violations() {
    return List.copyOf(violations);
  }

  public synchronized long superblockWrites() {
    return superblockWrites;
  }

  @Override
  public synchronized void write(long offsetBytes, ByteBuffer src) {
    long first = offsetBytes / BlockManager.BLOCK_SIZE;
    long last = (offsetBytes + src.remaining() - 1) / BlockManager.BLOCK_SIZE;
    if (superblockUnflushed) {
      violations.add("write of blocks " + first + ".." + last + " before the superblock was flushed");
    }
    if (first == 0) {
      if (offsetBytes != 0 || src.remaining() != BlockManager.BLOCK_SIZE) {
        violations.add("superblock written as " + src.remaining() + " bytes at " + offsetBytes);
      }
      if (writtenSinceFlush) {
        violations.add("superblock written without a flush after the blocks it references");
      }
      superblockUnflushed = true;
      superblockWrites++;
      protectedBlocks = new HashSet<>();
    } else {
      checkUnprotected(first, last, "write");
      writtenSinceFlush = true;
    }
    inner.write(offsetBytes, src);
  }

  @Override
  public synchronized void discard(long offsetBytes, long lengthBytes) {
    long first = offsetBytes / BlockManager.BLOCK_SIZE;
    long last = (offsetBytes + lengthBytes - 1) / BlockManager.BLOCK_SIZE;
    checkUnprotected(first, last, "discard");
    writtenSinceFlush = true;
    inner.discard(offsetBytes, lengthBytes);
  }

  @Override
  public void release(long offsetBytes, long lengthBytes) {
    discard(offsetBytes, lengthBytes); // checked like a discard; the content is undefined either way
  }

  private void checkUnprotected(long first, long last, String what) {
    for (long b = first; b <= last; b++) {
      if (protectedBlocks.contains(b) || b == 0) {
        violations.add(what + " of block " + b + ", which the committed superblock references");
      }
    }
  }

  @Override
  public synchronized void flush() {
    writtenSinceFlush = false;
    superblockUnflushed = false;
    inner.flush();
  }

}
