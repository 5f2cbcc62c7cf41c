package dev.thinly.pdata.spacemap.disk;

import com.carrotsearch.hppc.LongHashSet;
import com.carrotsearch.hppc.LongLongHashMap;
import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.block.WriteBlock;
import dev.thinly.pdata.error.CorruptMetadataException;
import dev.thinly.pdata.spacemap.SpaceMap;
import dev.thinly.pdata.tx.TransactionManager;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * The metadata space map: counts of the metadata device's own blocks, stored in metadata blocks
 * it manages itself (bitmaps, one index block, a ref-count btree).
 *
 * <p>That self-reference is what makes it hard: changing a count may shadow a bitmap, which
 * allocates a block, which changes a count. The kernel breaks the recursion with a queue of
 * deferred operations. Here the counts changed in the current transaction live in an in-memory
 * overlay on top of the committed bitmaps, and {@link #commit} writes them out in rounds until a
 * round causes no further change (shadowed blocks are modified in place, so this converges after
 * a few rounds). The overlay holds only blocks touched by the transaction, which the pool keeps
 * short by committing at least every second.
 *
 * <p>Allocation takes a block that is free in the committed bitmaps and in the overlay, so no
 * block referenced by the last commit is ever reused, and a block freed in this transaction (its
 * committed count is non-zero) waits for the next one.
 */
public final class MetadataSpaceMap extends BitmapCounts implements SpaceMap {
  private IndexEntry[] current;
  private IndexEntry[] committedEntries;
  private long committedRefCountRoot;
  private long indexBlock;
  private boolean indexShadowed;
  /** The on-disk index entries and nr_allocated are not known to be exact (see {@link #recount}). */
  private boolean recountAtCommit;
  private final LongLongHashMap overlay = new LongLongHashMap();
  private final LongHashSet pending = new LongHashSet();
  /** Blocks whose count went down in this transaction and is still above zero. */
  private final LongHashSet decreased = new LongHashSet();
  private long allocatedNow;
  private long cursor;

  private MetadataSpaceMap(
      TransactionManager tm,
      long nrBlocks,
      long nrAllocated,
      long refCountRoot,
      IndexEntry[] entries,
      long indexBlock) {
    super(tm, nrBlocks, nrAllocated, refCountRoot);
    this.current = entries;
    this.committedEntries = entries.clone();
    this.committedRefCountRoot = refCountRoot;
    this.indexBlock = indexBlock;
    this.allocatedNow = nrAllocated;
  }

  /** Opens the map of {@code root}; reads its index block. Ties the knot with {@code tm}. */
  public static MetadataSpaceMap open(TransactionManager tm, SpaceMapRoot root) {
    if (root.nrBlocks() > MetadataIndexBlock.MAX_METADATA_BLOCKS
        || root.nrBlocks() > tm.blockManager().nrBlocks()) {
      throw new CorruptMetadataException(
          0, "metadata space map", "nr_blocks " + root.nrBlocks() + " is larger than the device");
    }
    ReadBlock ib = tm.read(root.bitmapRoot(), MetadataIndexBlock.VALIDATOR);
    IndexEntry[] entries = MetadataIndexBlock.decode(ib, nrBitmaps(root.nrBlocks()));
    MetadataSpaceMap sm =
        new MetadataSpaceMap(
            tm, root.nrBlocks(), root.nrAllocated(), root.refCountRoot(), entries, root.bitmapRoot());
    sm.recountAtCommit = true;
    tm.setSpaceMap(sm);
    return sm;
  }

  /**
   * Recomputes {@code nr_allocated} and every index entry from the current bitmaps (at most 255
   * blocks): images written by other tools may carry inexact values (thin_restore 0.9.0 writes
   * nr_allocated one too high, nr_free relative to nr_blocks and a loose none_free_before), and
   * every commit rewrites the index and the root from these. Done once, at the first commit after
   * open rather than at open, so that opening reads a constant number of blocks and read-only users
   * never pay for it; until then the loose values only steer allocation, which stays correct.
   */
  private static long recount(TransactionManager tm, IndexEntry[] entries, long nrBlocks) {
    long allocated = 0;
    for (int i = 0; i < entries.length; i++) {
      ReadBlock bitmap = tm.read(entries[i].blocknr(), Bitmap.VALIDATOR);
      long used = Bitmap.countInUse(bitmap, (int) Math.min(Bitmap.ENTRIES, nrBlocks - (long) i * Bitmap.ENTRIES));
      int firstFree = Bitmap.findFree(bitmap, null, 0, Bitmap.ENTRIES);
      entries[i] =
          new IndexEntry(
              entries[i].blocknr(),
              Bitmap.ENTRIES - Bitmap.countInUse(bitmap, Bitmap.ENTRIES),
              firstFree < 0 ? Bitmap.ENTRIES : firstFree);
      allocated += used;
    }
    return allocated;
  }

  /**
   * Creates the map for a new pool of {@code nrBlocks} metadata blocks (capped at the format's
   * limit) in the current transaction; block 0 (the superblock) is counted as used.
   */
  public static MetadataSpaceMap format(TransactionManager tm, long nrBlocks) {
    long n = Math.min(nrBlocks, MetadataIndexBlock.MAX_METADATA_BLOCKS);
    MetadataSpaceMap sm = new MetadataSpaceMap(tm, n, 0, 0, new IndexEntry[0], -1);
    tm.setSpaceMap(sm);
    sm.setCount(0, 1);
    sm.addBitmaps(nrBitmaps(n));
    sm.refCountRoot = sm.refTree.createEmpty();
    WriteBlock ib = tm.newBlock(MetadataIndexBlock.VALIDATOR);
    sm.indexBlock = ib.blocknr();
    sm.indexShadowed = true;
    return sm;
  }

  private void addBitmaps(int newNrBitmaps) {
    int old = current.length;
    current = Arrays.copyOf(current, newNrBitmaps);
    for (int i = old; i < newNrBitmaps; i++) {
      WriteBlock b = tm.newBlock(Bitmap.VALIDATOR);
      current[i] = IndexEntry.fresh(b.blocknr());
    }
  }

  @Override
  String what() {
    return "metadata space map";
  }

  @Override
  IndexEntry entry(int i) {
    return current[i];
  }

  @Override
  void setEntry(int i, IndexEntry e) {
    current[i] = e;
  }

  @Override
  public long nrBlocks() {
    return nrBlocks;
  }

  @Override
  public long nrAllocated() {
    return allocatedNow;
  }

  /** The count at the last commit. */
  public long committedCount(long block) {
    int i = bitmapOf(block);
    if (i >= committedEntries.length) {
      return 0;
    }
    int v = Bitmap.get(tm.read(committedEntries[i].blocknr(), Bitmap.VALIDATOR), entryOf(block));
    if (v < 3) {
      return v;
    }
    OptionalLong c = refTree.lookupLong(committedRefCountRoot, block);
    if (c.isEmpty()) {
      throw new CorruptMetadataException(
          committedRefCountRoot, what(), "block " + block + " has count 3+ but no tree entry");
    }
    return c.getAsLong();
  }

  @Override
  public long count(long block) {
    checkRange(block);
    return overlay.containsKey(block) ? overlay.get(block) : committedCount(block);
  }

  private void setCount(long block, long count) {
    long old = count(block);
    overlay.put(block, count);
    pending.add(block);
    if (old == 0 && count > 0) {
      allocatedNow++;
    } else if (old > 0 && count == 0) {
      allocatedNow--;
    }
  }

  @Override
  public void inc(long block) {
    setCount(block, count(block) + 1);
  }

  @Override
  public void dec(long block) {
    long c = count(block);
    if (c == 0) {
      throw new CorruptMetadataException(block, what(), "decrement of a free metadata block");
    }
    setCount(block, c - 1);
    if (c > 1) {
      decreased.add(block);
    }
  }

  @Override
  public OptionalLong allocate() {
    OptionalLong b = allocate(cursor, nrBlocks);
    if (b.isEmpty()) {
      b = allocate(0, Math.min(cursor, nrBlocks));
    }
    if (b.isPresent()) {
      cursor = b.getAsLong() + 1;
      setCount(b.getAsLong(), 1);
    }
    return b;
  }

  private OptionalLong allocate(long begin, long end) {
    for (long block = begin; block < end; ) {
      int i = bitmapOf(block);
      long base = (long) i * Bitmap.ENTRIES;
      int to = (int) Math.min(end - base, Bitmap.ENTRIES);
      int e = (int) (block - base);
      if (i < committedEntries.length) {
        IndexEntry c = committedEntries[i];
        if (c.nrFree() == 0) {
          block = base + Bitmap.ENTRIES;
          continue;
        }
        ReadBlock bitmap = tm.read(c.blocknr(), Bitmap.VALIDATOR);
        while ((e = Bitmap.findFree(bitmap, null, Math.max(e, (int) c.noneFreeBefore()), to)) >= 0) {
          if (overlay.getOrDefault(base + e, 0) == 0) {
            return OptionalLong.of(base + e);
          }
          e++;
        }
      } else {
        for (; e < to; e++) {
          if (overlay.getOrDefault(base + e, 0) == 0) {
            return OptionalLong.of(base + e);
          }
        }
      }
      block = base + Bitmap.ENTRIES;
    }
    return OptionalLong.empty();
  }

  /**
   * Grows the map to {@code newNrBlocks} (capped at the format's limit); the device must already
   * be that large. New bitmaps are allocated in the current transaction.
   *
   * @throws IllegalArgumentException if the device is smaller (nothing is changed)
   */
  public void extend(long newNrBlocks) {
    long n = Math.min(newNrBlocks, MetadataIndexBlock.MAX_METADATA_BLOCKS);
    if (n <= nrBlocks) {
      return;
    }
    if (n > tm.blockManager().nrBlocks()) {
      // checked first: a bitmap or a later allocation beyond the device would fail half-way,
      // with counts already changed
      throw new IllegalArgumentException(
          "cannot grow the metadata space map to " + n + " blocks: the device has "
              + tm.blockManager().nrBlocks());
    }
    nrBlocks = n;
    addBitmaps(nrBitmaps(n));
  }

  /**
   * Writes every count changed in this transaction into the bitmaps and the ref-count tree (which
   * may allocate, which changes counts, and so on until nothing changes), rewrites the index block
   * and returns the root for the superblock.
   */
  public SpaceMapRoot commit() {
    while (true) {
      if (!pending.isEmpty()) {
        long[] batch = pending.toArray();
        pending.clear();
        Arrays.sort(batch);
        for (long block : batch) {
          long wanted = overlay.get(block);
          if (storedCount(block) != wanted) {
            storeCount(block, wanted);
          }
        }
      } else if (!indexShadowed) {
        indexBlock = tm.shadow(indexBlock, MetadataIndexBlock.VALIDATOR).block().blocknr();
        indexShadowed = true;
      } else {
        break;
      }
    }
    if (recountAtCommit) {
      long exact = recount(tm, current, nrBlocks);
      allocatedNow += exact - nrAllocated;
      nrAllocated = exact;
      recountAtCommit = false;
    }
    WriteBlock ib = tm.shadow(indexBlock, MetadataIndexBlock.VALIDATOR).block();
    MetadataIndexBlock.encode(ib, current);
    if (nrAllocated != allocatedNow) {
      throw new IllegalStateException(
          "metadata space map out of step: bitmaps " + nrAllocated + ", overlay " + allocatedNow);
    }
    return root();
  }

  /** The root as of the last {@link #commit}. */
  public SpaceMapRoot root() {
    return new SpaceMapRoot(nrBlocks, allocatedNow, indexBlock, refCountRoot);
  }

  /**
   * True if the block lost a reference in this transaction and still has some: the last commit may
   * reference it from places the current transaction no longer does (a node or value that was
   * shared when the transaction began). Writers use this to avoid modifying in place anything the
   * committed state can still reach.
   */
  public boolean decreasedThisTransaction(long block) {
    return decreased.contains(block);
  }

  /** The superblock with this map's root is durable: the current state becomes the committed one. */
  public void endTransaction() {
    committedEntries = current.clone();
    committedRefCountRoot = refCountRoot;
    overlay.clear();
    decreased.clear();
    pending.clear();
    indexShadowed = false;
  }

  /** Blocks whose count changed in this transaction. */
  public int changedBlocks() {
    return overlay.size();
  }

  public IndexEntry[] indexEntries() {
    return current.clone();
  }

  public long indexBlock() {
    return indexBlock;
  }
}
