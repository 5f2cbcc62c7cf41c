package dev.thinly.pdata.tx;

import com.carrotsearch.hppc.LongHashSet;
import dev.thinly.pdata.block.BlockManager;
import dev.thinly.pdata.block.BlockValidator;
import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.block.WriteBlock;
import dev.thinly.pdata.error.CorruptMetadataException;
import dev.thinly.pdata.error.NoSpaceException;
import dev.thinly.pdata.spacemap.SpaceMap;
import java.util.function.Consumer;

/**
 * Enforces the immutability of committed metadata by being the only source of writable blocks.
 *
 * <p>Every block handed out for writing is either new ({@link #newBlock}) or a shadow ({@link
 * #shadow}): a copy of a block at a location that is free in the last committed transaction (the
 * metadata space map guarantees that), unless the block was already created in this transaction
 * and is referenced once, in which case it is modified in place. So nothing the committed
 * superblock references is ever overwritten.
 *
 * <p>{@link #commit} writes every dirty block, flushes, writes the superblock, flushes: a crash at
 * any point leaves either the old or the new transaction on disk.
 *
 * <p>Not thread-safe: one writer at a time, with no concurrent readers of the block manager while
 * it writes (see {@link BlockManager}).
 */
public final class TransactionManager {
  /** A writable copy of a block, and whether the caller must increment the copy's children. */
  public record Shadow(WriteBlock block, boolean incChildren) {}

  private final BlockManager bm;
  private final BlockManager.Writer writer;
  private final LongHashSet shadows = new LongHashSet();
  private SpaceMap spaceMap;

  public TransactionManager(BlockManager bm) {
    this.bm = bm;
    this.writer = bm.claimWriter();
  }

  /**
   * Ties the knot with the metadata space map, which itself stores its bitmaps in blocks of this
   * transaction manager.
   */
  public void setSpaceMap(SpaceMap metadataSpaceMap) {
    this.spaceMap = metadataSpaceMap;
  }

  public SpaceMap spaceMap() {
    return spaceMap;
  }

  public BlockManager blockManager() {
    return bm;
  }

  /** Reads a block; never writable. */
  public ReadBlock read(long blocknr, BlockValidator validator) {
    return bm.read(blocknr, validator);
  }

  /** A new zero-filled block with reference count one. */
  public WriteBlock newBlock(BlockValidator validator) {
    long b = allocate();
    return writer.newBlock(b, validator);
  }

  private long allocate() {
    long b =
        spaceMap
            .allocate()
            .orElseThrow(() -> new NoSpaceException(NoSpaceException.Space.METADATA));
    shadows.add(b);
    return b;
  }

  /**
   * A writable version of {@code blocknr}. If the block was created in this transaction and has one
   * reference it is returned itself; otherwise it is copied to a new location and the original
   * loses one reference. The caller stores the returned block's location wherever {@code blocknr}
   * was referenced, and if {@link Shadow#incChildren()} is set (the original was shared) adds one
   * reference to everything the copy references.
   */
  public Shadow shadow(long blocknr, BlockValidator validator) {
    long count = spaceMap.count(blocknr);
    if (count == 0) {
      throw new CorruptMetadataException(
          blocknr, validator.name(), "referenced, but free in the metadata space map");
    }
    if (count == 1 && shadows.contains(blocknr)) {
      return new Shadow(writer.writeLock(blocknr, validator), false);
    }
    ReadBlock original = bm.read(blocknr, validator);
    long copyAt = allocate();
    WriteBlock copy = writer.copyOf(copyAt, original, validator);
    spaceMap.dec(blocknr);
    return new Shadow(copy, count > 1);
  }

  /** True if the block was allocated in the current transaction. */
  public boolean isShadow(long blocknr) {
    return shadows.contains(blocknr);
  }

  public void inc(long blocknr) {
    spaceMap.inc(blocknr);
  }

  public void dec(long blocknr) {
    spaceMap.dec(blocknr);
  }

  public long refCount(long blocknr) {
    return spaceMap.count(blocknr);
  }

  /**
   * Bounds memory during long transactions: writes dirty blocks back early if the cache is full.
   * The caller must not hold any {@link WriteBlock} across this call.
   */
  public void writeBackIfOverCapacity() {
    writer.writeBackIfOverCapacity();
  }

  /** Blocks allocated in this transaction. */
  public int shadowCount() {
    return shadows.size();
  }

  /** Dirty blocks waiting for write-back. */
  public int dirtyBlocks() {
    return writer.dirtyBlocks();
  }

  /**
   * Commits: writes every dirty block and flushes, then lets {@code fillSuperblock} fill a fresh
   * block 0, writes it and flushes again. The space maps must have been committed (their roots are
   * part of the superblock) before.
   */
  public void commit(BlockValidator superblockValidator, Consumer<WriteBlock> fillSuperblock) {
    writer.flushDirty();
    WriteBlock sb = writer.newBlock(0, superblockValidator);
    try {
      fillSuperblock.accept(sb);
    } catch (RuntimeException e) {
      // a half-filled block 0 must not stay dirty: the next flushDirty would write it before the
      // flush that makes the blocks it references durable. Nothing else is dirty at this point,
      // so dropping the cache loses nothing.
      writer.invalidateAll();
      throw e;
    }
    writer.writeAndFlush(sb);
    shadows.clear();
  }

  /** Forgets the current transaction: every cached block is dropped. The owner reloads its roots. */
  public void abort() {
    writer.invalidateAll();
    shadows.clear();
  }
}
