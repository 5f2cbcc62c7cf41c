package dev.thinly.thin.pool;

import dev.thinly.pdata.error.ReadOnlyException;
import dev.thinly.pdata.io.BlockDevice;
import dev.thinly.thin.format.BlockTime;
import dev.thinly.thin.metadata.PoolMetadata;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Reads and writes of thin devices at any byte offset and length: the dm-thin data path (spec 9.5,
 * 7.10) with exact sharing decisions.
 *
 * <p>A write locks its thin blocks ({@link BlockLocks}), decides per block under the metadata lock
 * whether it goes in place (the block is this device's alone), to a new block (unprovisioned) or to
 * a copy (shared), writes the data with no lock held, then inserts the new mappings. Data is
 * written before the mapping that points at it exists, and the commit flushes data before
 * metadata, so a crash never exposes a mapping to unwritten data.
 *
 * <p>A read looks its mappings up under the metadata read lock, enters a read epoch, and reads the
 * data lock-free; the epoch keeps the blocks it found from being released under it.
 */
final class DataPath {
  /** Longer writes are done in pieces of this many blocks. */
  private static final long MAX_BLOCKS_PER_WRITE = 512;

  /** Blocks up to this size are built whole in memory when zeroed or copied. */
  private static final int WHOLE_BLOCK_LIMIT = 1 << 20;

  private final GuardedMetadata md;
  private final BlockDevice data;
  private final long blockBytes;
  private final boolean zeroNewBlocks;
  private final SpacePolicy space;
  private final BlockLocks locks = new BlockLocks();

  DataPath(GuardedMetadata md, BlockDevice data, long blockBytes, boolean zeroNewBlocks, SpacePolicy space) {
    this.md = md;
    this.data = data;
    this.blockBytes = blockBytes;
    this.zeroNewBlocks = zeroNewBlocks;
    this.space = space;
  }

  long blockBytes() {
    return blockBytes;
  }

  // ---------------------------------------------------------------- read

  /** Reads {@code lengthBytes} at {@code offsetBytes} into {@code sink}, holes reported as such. */
  void read(long thinId, long offsetBytes, int lengthBytes, ReadSink sink) {
    if (lengthBytes == 0) {
      return;
    }
    long first = offsetBytes / blockBytes;
    long last = (offsetBytes + lengthBytes - 1) / blockBytes;
    long[] blocks = mappedBlocks(thinId, first, last, true);
    int token = (int) blocks[blocks.length - 1];
    try {
      long pos = offsetBytes;
      long end = offsetBytes + lengthBytes;
      while (pos < end) {
        int i = (int) (pos / blockBytes - first);
        long runEnd = Math.min(end, (pos / blockBytes + 1) * blockBytes);
        if (blocks[i] < 0) {
          while (runEnd < end && blocks[i + 1] < 0) {
            i++;
            runEnd = Math.min(end, runEnd + blockBytes);
          }
          sink.hole(pos, runEnd - pos);
        } else {
          long dataOffset = blocks[i] * blockBytes + pos % blockBytes;
          while (runEnd < end && blocks[i + 1] == blocks[i] + 1) {
            i++;
            runEnd = Math.min(end, runEnd + blockBytes);
          }
          int len = (int) (runEnd - pos);
          data.read(dataOffset, sink.dataBuffer(pos, len));
          sink.dataDone(pos, len);
        }
        pos = runEnd;
      }
    } finally {
      md.exitRead(token);
    }
  }

  /**
   * The data block of each thin block in {@code [first, last]} (-1 if unmapped). With {@code
   * enterEpoch} one extra slot at the end holds the read-epoch token the caller must exit.
   */
  private long[] mappedBlocks(long thinId, long first, long last, boolean enterEpoch) {
    int n = (int) (last - first + 1);
    long[] blocks = new long[enterEpoch ? n + 1 : n];
    Arrays.fill(blocks, 0, n, -1);
    PoolMetadata.MappingVisitor collect =
        (thinBlock, blockTime) -> {
          if (thinBlock > last) {
            return false;
          }
          blocks[(int) (thinBlock - first)] = BlockTime.dataBlock(blockTime);
          return true;
        };
    if (enterEpoch) {
      blocks[n] = md.readAndEnter(pm -> pm.forEachMapping(thinId, first, collect));
    } else {
      md.read(
          pm -> {
            pm.forEachMapping(thinId, first, collect);
            return null;
          });
    }
    return blocks;
  }

  /** Receives block-status extents in order. */
  interface ExtentSink {
    void extent(long offsetBytes, long lengthBytes, boolean allocated);
  }

  /**
   * Reports which parts of the range are provisioned, as maximal runs of whole blocks clipped to the
   * range.
   */
  void blockStatus(long thinId, long offsetBytes, long lengthBytes, ExtentSink sink) {
    long end = offsetBytes + lengthBytes;
    long pos = offsetBytes;
    long runStart = offsetBytes;
    boolean runAllocated = false;
    while (pos < end) {
      long first = pos / blockBytes;
      long last = Math.min((end - 1) / blockBytes, first + 65535);
      long[] blocks = mappedBlocks(thinId, first, last, false);
      for (long vb = first; vb <= last; vb++) {
        boolean allocated = blocks[(int) (vb - first)] >= 0;
        if (pos > runStart && allocated != runAllocated) {
          sink.extent(runStart, pos - runStart, runAllocated);
          runStart = pos;
        }
        runAllocated = allocated;
        pos = Math.min(end, (vb + 1) * blockBytes);
      }
    }
    sink.extent(runStart, end - runStart, runAllocated);
  }

  // ---------------------------------------------------------------- write

  /**
   * Writes {@code src} at {@code offsetBytes}; with {@code src == null}, writes {@code lengthBytes}
   * of zeros (provisioning the blocks, for write-zeroes with NO_HOLE).
   */
  void write(long thinId, long offsetBytes, ByteBuffer src, long lengthBytes) {
    if (lengthBytes == 0) {
      return;
    }
    long chunkBytes = MAX_BLOCKS_PER_WRITE * blockBytes;
    if (lengthBytes > chunkBytes) {
      // bounds the plans in memory and the time the metadata lock is held for one request
      for (long done = 0; done < lengthBytes; ) {
        long end = Math.min(lengthBytes, (offsetBytes + done) / blockBytes * blockBytes + chunkBytes - offsetBytes);
        ByteBuffer part = src == null ? null : src.slice((int) done, (int) (end - done));
        write(thinId, offsetBytes + done, part, end - done);
        done = end;
      }
      return;
    }
    long first = offsetBytes / blockBytes;
    long last = (offsetBytes + lengthBytes - 1) / blockBytes;
    int[] held = locks.lock(thinId, first, last);
    try {
      WritePlan[] plans = space.prepare(thinId, first, last);
      boolean inWindow = WritePlan.anyAllocated(plans);
      try {
        writeAndMap(thinId, plans, offsetBytes, src, lengthBytes);
      } finally {
        if (inWindow) {
          md.exitAllocation();
        }
      }
    } finally {
      locks.unlock(held);
    }
  }

  /** Writes the data, then maps the new blocks; gives them back if either step fails. */
  private void writeAndMap(long thinId, WritePlan[] plans, long offsetBytes, ByteBuffer src, long lengthBytes) {
    try {
      writeData(plans, offsetBytes, src, lengthBytes);
    } catch (RuntimeException e) {
      space.release(plans);
      throw e;
    }
    try {
      md.write(
          pm -> {
            for (WritePlan p : plans) {
              if (p.allocated()) {
                pm.insert(thinId, p.thinBlock(), p.dataBlock());
              }
            }
            return null;
          });
    } catch (ReadOnlyException e) {
      // the pool went read-only (metadata reserve reached) after this write got its blocks: give
      // them back, or a later commit (after the metadata grows) would record them as leaked. A
      // pool that needs a check aborted the transaction that held them: nothing to give back.
      if (md.mode() == PoolMode.RO) {
        space.release(plans);
      }
      throw e;
    }
  }

  private void writeData(WritePlan[] plans, long offsetBytes, ByteBuffer src, long lengthBytes) {
    long end = offsetBytes + lengthBytes;
    int i = 0;
    while (i < plans.length) {
      WritePlan p = plans[i];
      long blockStart = p.thinBlock() * blockBytes;
      long segStart = Math.max(offsetBytes, blockStart);
      long segEnd = Math.min(end, blockStart + blockBytes);
      boolean whole = segEnd - segStart == blockBytes;
      if (p.kind() == WritePlan.Kind.IN_PLACE || whole) {
        // a run of direct writes: extend it while the next block continues it on the data device
        int j = i;
        while (j + 1 < plans.length
            && plans[j + 1].dataBlock() == plans[j].dataBlock() + 1
            && (plans[j + 1].kind() == WritePlan.Kind.IN_PLACE
                || Math.min(end, (plans[j + 1].thinBlock() + 1) * blockBytes)
                        - plans[j + 1].thinBlock() * blockBytes
                    == blockBytes)) {
          j++;
        }
        long runEnd = Math.min(end, (plans[j].thinBlock() + 1) * blockBytes);
        direct(p.dataBlock() * blockBytes + (segStart - blockStart), src, segStart - offsetBytes, runEnd - segStart);
        i = j + 1;
        continue;
      }
      long inBlock = segStart - blockStart;
      partialNewBlock(p, inBlock, src, segStart - offsetBytes, segEnd - segStart);
      i++;
    }
  }

  /** Writes bytes of {@code src} (or zeros) straight to the data device. */
  private void direct(long dataOffset, ByteBuffer src, long srcOffset, long lengthBytes) {
    if (src == null) {
      zeroRange(dataOffset, lengthBytes);
    } else {
      data.write(dataOffset, src.slice((int) srcOffset, (int) lengthBytes));
    }
    md.noteDataWrite();
  }

  /**
   * Zeros a range of the data device: by releasing its storage when it is made of whole 4 KiB
   * pages (a hole reads as zeros), otherwise by writing zeros.
   */
  private void zeroRange(long dataOffset, long lengthBytes) {
    if (dataOffset % 4096 == 0 && lengthBytes % 4096 == 0) {
      data.discard(dataOffset, lengthBytes);
      return;
    }
    ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(lengthBytes, WHOLE_BLOCK_LIMIT));
    for (long done = 0; done < lengthBytes; done += zeros.capacity()) {
      zeros.clear().limit((int) Math.min(zeros.capacity(), lengthBytes - done));
      data.write(dataOffset + done, zeros);
    }
  }

  /** A new block of which the write covers only part: the rest is zeros or the shared block's. */
  private void partialNewBlock(WritePlan p, long inBlock, ByteBuffer src, long srcOffset, long len) {
    long target = p.dataBlock() * blockBytes;
    if (p.kind() == WritePlan.Kind.FRESH && !zeroNewBlocks) {
      direct(target + inBlock, src, srcOffset, len);
      return;
    }
    if (blockBytes <= WHOLE_BLOCK_LIMIT) {
      ByteBuffer whole = ByteBuffer.allocate((int) blockBytes);
      if (p.kind() == WritePlan.Kind.COPY) {
        data.read(p.sourceBlock() * blockBytes, whole);
        whole.clear();
      }
      if (src == null) {
        Arrays.fill(whole.array(), (int) inBlock, (int) (inBlock + len), (byte) 0);
      } else {
        whole.put((int) inBlock, src, (int) srcOffset, (int) len);
      }
      data.write(target, whole);
      md.noteDataWrite();
      return;
    }
    if (p.kind() == WritePlan.Kind.COPY) {
      copyBlock(p.sourceBlock() * blockBytes, target);
    } else {
      zeroRange(target, blockBytes);
    }
    direct(target + inBlock, src, srcOffset, len);
  }

  private void copyBlock(long from, long to) {
    ByteBuffer buf = ByteBuffer.allocate(WHOLE_BLOCK_LIMIT);
    for (long done = 0; done < blockBytes; done += WHOLE_BLOCK_LIMIT) {
      buf.clear();
      data.read(from + done, buf);
      buf.flip();
      data.write(to + done, buf);
    }
  }

  // ---------------------------------------------------------------- discard

  /**
   * Unmaps the blocks {@code [first, end)} (whole blocks only; callers handle partial blocks). The
   * freed data blocks are released after the next commit.
   */
  void unmap(long thinId, long first, long end) {
    int[] held = locks.lock(thinId, first, end - 1);
    try {
      space.ensureMetadataForUnmap();
      md.write(pm -> pm.removeRange(thinId, first, end));
    } finally {
      locks.unlock(held);
    }
  }

  /** True if any block of {@code [first, last]} is mapped. */
  boolean anyMapped(long thinId, long first, long last) {
    return md.read(
        pm -> {
          long[] found = {-1};
          pm.forEachMapping(
              thinId,
              first,
              (b, bt) -> {
                found[0] = b;
                return false;
              });
          return found[0] >= 0 && found[0] <= last;
        });
  }
}
