package dev.thinly.pdata.block;

import dev.thinly.pdata.error.CorruptMetadataException;
import dev.thinly.pdata.error.ReadOnlyException;
import dev.thinly.pdata.io.BlockDevice;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Fixed-size (4 KiB) metadata blocks on a {@link BlockDevice}, with a bounded cache and a validator
 * per block type, applied on every read from the device and every write-back.
 *
 * <p>Concurrency: {@link #read} may be called from many threads at once. The write side ({@link
 * Writer}) belongs to one owner at a time and requires that no {@code read} runs concurrently (the
 * pool's metadata lock guarantees it), which is what lets readers use cached blocks without
 * per-block locks.
 *
 * <p>Memory: the cache holds at most {@code cacheBytes} of blocks, except that dirty blocks stay
 * until they are written: at a commit ({@link Writer#flushDirty}, after which the cache is trimmed
 * to its capacity again) or when the writer calls {@link Writer#writeBackIfOverCapacity()} at a
 * point where it holds no writable block. While dirty blocks overfill the cache, clean ones are kept
 * to about an eighth of the capacity. So the cache stays within capacity plus the dirty blocks of
 * the current transaction. Evicting a clean block never loses anything; a reader that still holds
 * an evicted block keeps a valid, unchanging copy. A block the writer holds is always the cached
 * instance (eviction makes room before a block is added, never by dropping the block being added).
 *
 * <p>Failures: a failed write or flush makes the manager read-only ({@link #isReadOnly()}); every
 * later write then throws {@link ReadOnlyException}, so nothing more reaches a device whose state is
 * unknown. Reads keep working; the owner reopens the metadata to continue.
 */
public final class BlockManager implements AutoCloseable {
  /** Metadata block size in bytes: fixed by the format. */
  public static final int BLOCK_SIZE = 4096;

  private static final int WRITE_BATCH_BLOCKS = 256;

  private final BlockDevice device;
  private final int capacityBlocks;
  private final ConcurrentHashMap<Long, CachedBlock> cache = new ConcurrentHashMap<>();
  private final Map<Long, CachedBlock> dirty = new HashMap<>();
  private final AtomicBoolean writerClaimed = new AtomicBoolean();
  private final LongAdder deviceReads = new LongAdder();
  private final LongAdder deviceWrites = new LongAdder();
  private final Object evictLock = new Object();
  /** Size of the writer's dirty map, readable by readers that evict. */
  private volatile int dirtyCount;
  private volatile boolean readOnly;
  private volatile String readOnlyReason = "";

  public BlockManager(BlockDevice device, long cacheBytes) {
    this.device = device;
    this.capacityBlocks = (int) Math.max(16, Math.min(Integer.MAX_VALUE, cacheBytes / BLOCK_SIZE));
  }

  /** Number of whole 4 KiB blocks on the device. */
  public long nrBlocks() {
    return device.sizeBytes() / BLOCK_SIZE;
  }

  public BlockDevice device() {
    return device;
  }

  /**
   * The block at {@code blocknr}, validated by {@code validator} if it has to be read from the
   * device.
   *
   * @throws CorruptMetadataException if validation fails, or the block is cached as another type
   */
  public ReadBlock read(long blocknr, BlockValidator validator) {
    CachedBlock b = cache.get(blocknr);
    if (b != null) {
      if (b.validator != validator) {
        throw new CorruptMetadataException(
            blocknr,
            validator.name(),
            "the block is in use as a " + b.validator.name() + " (a cycle or a shared pointer)");
      }
      b.referenced = true;
      return b;
    }
    return load(blocknr, validator);
  }

  private CachedBlock load(long blocknr, BlockValidator validator) {
    if (blocknr < 0 || blocknr >= nrBlocks()) {
      throw new CorruptMetadataException(
          blocknr, validator.name(), "block number beyond the end of the metadata device");
    }
    byte[] data = new byte[BLOCK_SIZE];
    device.read(blocknr * BLOCK_SIZE, ByteBuffer.wrap(data));
    deviceReads.increment();
    validator.check(blocknr, data);
    CachedBlock fresh = new CachedBlock(blocknr, data, validator);
    // make room first: evicting after the insert could evict the block being returned, and a
    // block the writer then locks must be the cached one, or its changes are lost
    makeRoom();
    CachedBlock raced = cache.putIfAbsent(blocknr, fresh);
    return raced != null ? raced : fresh;
  }

  /** Reads a block without validation, for repair tools and diagnostics only. */
  public byte[] readUnvalidated(long blocknr) {
    CachedBlock b = cache.get(blocknr);
    if (b != null) {
      return b.toByteArray();
    }
    byte[] data = new byte[BLOCK_SIZE];
    device.read(blocknr * BLOCK_SIZE, ByteBuffer.wrap(data));
    deviceReads.increment();
    return data;
  }

  /** Device reads so far (cache misses). */
  public long deviceReads() {
    return deviceReads.sum();
  }

  /** Blocks written to the device so far. */
  public long deviceWrites() {
    return deviceWrites.sum();
  }

  public int cachedBlocks() {
    return cache.size();
  }

  public int capacityBlocks() {
    return capacityBlocks;
  }

  /** After this, the writer refuses to write anything (fail-safe mode after an I/O error). */
  public void setReadOnly() {
    setReadOnly("set read-only by its owner");
  }

  private void setReadOnly(String reason) {
    readOnlyReason = reason;
    readOnly = true;
  }

  public boolean isReadOnly() {
    return readOnly;
  }

  /**
   * Evicts clean blocks if the cache is full and holds a worthwhile number of them. Dirty blocks
   * cannot be evicted, so when they fill the cache the clean ones are only trimmed once they exceed
   * an eighth of the capacity: that bounds the scans a long transaction causes.
   */
  private void makeRoom() {
    int size = cache.size();
    if (size >= capacityBlocks && size - dirtyCount > capacityBlocks / 8) {
      evictClean();
    }
  }

  /**
   * Second-chance eviction of clean blocks down to 7/8 of capacity, or until few clean blocks are
   * left.
   */
  private void evictClean() {
    synchronized (evictLock) {
      int target = capacityBlocks - capacityBlocks / 8;
      int cleanFloor = capacityBlocks / 16;
      for (int pass = 0; pass < 2 && over(target, cleanFloor); pass++) {
        Iterator<CachedBlock> it = cache.values().iterator();
        while (it.hasNext() && over(target, cleanFloor)) {
          CachedBlock b = it.next();
          if (b.dirty) {
            continue;
          }
          if (b.referenced) {
            b.referenced = false;
          } else {
            cache.remove(b.blocknr, b);
          }
        }
      }
    }
  }

  private boolean over(int target, int cleanFloor) {
    int size = cache.size();
    return size > target && size - dirtyCount > cleanFloor;
  }

  /**
   * Hands out the write side. Called once, by the transaction manager: nothing else may write
   * metadata blocks.
   *
   * @throws IllegalStateException if the writer was already claimed
   */
  public Writer claimWriter() {
    if (!writerClaimed.compareAndSet(false, true)) {
      throw new IllegalStateException("the block manager's writer is already claimed");
    }
    return new Writer();
  }

  @Override
  public void close() {
    device.close();
  }

  /** The write side of the block manager; see the class comment for its threading rules. */
  public final class Writer {
    private Writer() {}

    private void checkWritable() {
      if (readOnly) {
        throw new ReadOnlyException("metadata on " + device.name(), readOnlyReason);
      }
    }

    private CachedBlock install(long blocknr, byte[] data, BlockValidator validator) {
      checkWritable();
      if (blocknr < 0 || blocknr >= nrBlocks()) {
        throw new IllegalArgumentException("block " + blocknr + " is beyond the metadata device");
      }
      CachedBlock b = new CachedBlock(blocknr, data, validator);
      b.dirty = true;
      b.referenced = true;
      makeRoom();
      cache.put(blocknr, b);
      markDirty(b);
      return b;
    }

    /** A zero-filled block at {@code blocknr} (no device read: its old content is garbage). */
    public WriteBlock newBlock(long blocknr, BlockValidator validator) {
      return install(blocknr, new byte[BLOCK_SIZE], validator);
    }

    /** A block at {@code blocknr} holding a copy of {@code src}. */
    public WriteBlock copyOf(long blocknr, ReadBlock src, BlockValidator validator) {
      return install(blocknr, src.toByteArray(), validator);
    }

    /** The existing block at {@code blocknr}, made writable in place. */
    public WriteBlock writeLock(long blocknr, BlockValidator validator) {
      checkWritable();
      CachedBlock b = (CachedBlock) read(blocknr, validator);
      if (!b.dirty) {
        b.dirty = true;
        markDirty(b);
      }
      return b;
    }

    private void markDirty(CachedBlock b) {
      dirty.put(b.blocknr, b);
      dirtyCount = dirty.size();
    }

    /**
     * Writes every dirty block, in location order, then flushes the device. Afterwards the cache is
     * trimmed to its capacity again.
     */
    public void flushDirty() {
      writeBack(dirtySnapshot());
      flushDevice();
      makeRoom();
    }

    private void flushDevice() {
      try {
        device.flush();
      } catch (RuntimeException e) {
        // what reached the media is unknown now: only a reopen can tell
        setReadOnly("flushing " + device.name() + " failed: " + e.getMessage());
        throw e;
      }
    }

    /**
     * Writes one block (the superblock) and flushes: the commit point. Call only after {@link
     * #flushDirty}.
     */
    public void writeAndFlush(WriteBlock block) {
      checkWritable();
      CachedBlock b = (CachedBlock) block;
      writeBack(List.of(b));
      flushDevice();
    }

    /**
     * If the cache is over capacity, writes back dirty blocks (they are blocks of the current
     * transaction, so writing them early is safe) and evicts. The caller must not use any {@link
     * WriteBlock} it obtained before this call.
     */
    public void writeBackIfOverCapacity() {
      if (cache.size() <= capacityBlocks) {
        return;
      }
      writeBack(dirtySnapshot());
      evictClean();
    }

    /** Forgets every cached block, dirty or not (abort: reload from the committed state). */
    public void invalidateAll() {
      dirty.clear();
      dirtyCount = 0;
      cache.clear();
    }

    /** Number of dirty blocks. */
    public int dirtyBlocks() {
      return dirty.size();
    }

    private List<CachedBlock> dirtySnapshot() {
      List<CachedBlock> blocks = new ArrayList<>(dirty.values());
      blocks.sort(Comparator.comparingLong(b -> b.blocknr));
      return blocks;
    }

    /** Writes blocks sorted by location, coalescing runs of adjacent blocks into one write. */
    private void writeBack(List<CachedBlock> blocks) {
      checkWritable();
      ByteBuffer batch = ByteBuffer.allocate(WRITE_BATCH_BLOCKS * BLOCK_SIZE);
      long batchStart = -1;
      int inBatch = 0;
      for (CachedBlock b : blocks) {
        b.validator.prepareForWrite(b.blocknr, b.data);
        if (inBatch > 0 && (b.blocknr != batchStart + inBatch || inBatch == WRITE_BATCH_BLOCKS)) {
          writeBatch(batch, batchStart, inBatch);
          inBatch = 0;
        }
        if (inBatch == 0) {
          batch.clear();
          batchStart = b.blocknr;
        }
        batch.put(b.data);
        inBatch++;
      }
      if (inBatch > 0) {
        writeBatch(batch, batchStart, inBatch);
      }
      for (CachedBlock b : blocks) {
        b.dirty = false;
        dirty.remove(b.blocknr);
      }
      dirtyCount = dirty.size();
    }

    private void writeBatch(ByteBuffer batch, long startBlock, int nrBlocks) {
      batch.flip();
      try {
        device.write(startBlock * BLOCK_SIZE, batch);
      } catch (RuntimeException e) {
        setReadOnly("writing " + device.name() + " failed: " + e.getMessage());
        throw e;
      }
      deviceWrites.add(nrBlocks);
    }
  }
}
