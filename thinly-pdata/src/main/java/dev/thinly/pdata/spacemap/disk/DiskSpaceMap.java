package dev.thinly.pdata.spacemap.disk;

import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.block.WriteBlock;
import dev.thinly.pdata.btree.BTree;
import dev.thinly.pdata.btree.BTreeWalker;
import dev.thinly.pdata.error.CorruptMetadataException;
import dev.thinly.pdata.spacemap.SpaceMap;
import dev.thinly.pdata.tx.TransactionManager;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The data space map (the kernel's "disk" space map): bitmaps found through an index btree
 * (bitmap number to {@link IndexEntry}), counts of 3 and more in a ref-count btree. All of its
 * blocks are metadata blocks from the transaction manager.
 *
 * <p>Index entries are loaded on first use and kept in memory (16 bytes per 16320 data blocks);
 * changed ones are written to the index tree at {@link #commit}. For each bitmap changed in the
 * current transaction the committed entry is remembered, so allocation can require a block to be
 * free in both the current and the committed bitmap.
 *
 * <p>Opening reads nothing: entries, bitmaps and tree nodes are read when first needed.
 */
public final class DiskSpaceMap extends BitmapCounts implements SpaceMap {
  private final BTree indexTree;
  private long indexRoot;
  private IndexEntry[] current;
  /** Entry at the last commit, for bitmaps changed since; null with {@link #dirty} set = new. */
  private IndexEntry[] committed;
  private final BitSet dirty = new BitSet();
  private long cursor;

  private DiskSpaceMap(TransactionManager tm, SpaceMapRoot root) {
    super(tm, root.nrBlocks(), root.nrAllocated(), root.refCountRoot());
    this.indexTree = new BTree(tm, RefCountValueType.INDEX_ENTRY);
    this.indexRoot = root.bitmapRoot();
    int n = nrBitmaps(nrBlocks);
    this.current = new IndexEntry[n];
    this.committed = new IndexEntry[n];
  }

  /** Opens the map described by {@code root} (reads nothing yet). */
  public static DiskSpaceMap open(TransactionManager tm, SpaceMapRoot root) {
    return new DiskSpaceMap(tm, root);
  }

  /** Creates an empty map of {@code nrBlocks} blocks in the current transaction. */
  public static DiskSpaceMap create(TransactionManager tm, long nrBlocks) {
    BTree index = new BTree(tm, RefCountValueType.INDEX_ENTRY);
    BTree refs = new BTree(tm, RefCountValueType.INSTANCE);
    DiskSpaceMap sm =
        new DiskSpaceMap(tm, new SpaceMapRoot(0, 0, index.createEmpty(), refs.createEmpty()));
    sm.extend(nrBlocks);
    return sm;
  }

  @Override
  String what() {
    return "data space map";
  }

  @Override
  IndexEntry entry(int i) {
    IndexEntry e = current[i];
    if (e == null) {
      Optional<byte[]> raw = indexTree.lookup(indexRoot, i);
      if (raw.isEmpty()) {
        throw new CorruptMetadataException(
            indexRoot, what(), "the index has no entry for bitmap " + i);
      }
      e = IndexEntry.decode(raw.get(), 0);
      current[i] = e;
    }
    return e;
  }

  @Override
  void setEntry(int i, IndexEntry e) {
    if (!dirty.get(i)) {
      committed[i] = entry(i);
      dirty.set(i);
    }
    current[i] = e;
  }

  @Override
  public long nrBlocks() {
    return nrBlocks;
  }

  @Override
  public long nrAllocated() {
    return nrAllocated;
  }

  @Override
  public long count(long block) {
    return storedCount(block);
  }

  @Override
  public void inc(long block) {
    storeCount(block, storedCount(block) + 1);
  }

  /** Adds {@code n} references at once. */
  public void inc(long block, long n) {
    storeCount(block, storedCount(block) + n);
  }

  @Override
  public void dec(long block) {
    long c = storedCount(block);
    if (c == 0) {
      throw new CorruptMetadataException(-1, what(), "decrement of free data block " + block);
    }
    storeCount(block, c - 1);
  }

  /** True if the block is in use in the committed transaction. */
  public boolean inUseInCommitted(long block) {
    checkRange(block);
    int i = bitmapOf(block);
    ReadBlock c = committedBitmap(i);
    return c != null && Bitmap.get(c, entryOf(block)) != 0;
  }

  /** The committed bitmap of {@code i}; null if the bitmap did not exist at the last commit. */
  private ReadBlock committedBitmap(int i) {
    if (!dirty.get(i)) {
      return readBitmap(entry(i));
    }
    IndexEntry c = committed[i];
    return c == null ? null : readBitmap(c);
  }

  @Override
  public OptionalLong allocate() {
    OptionalLong b = allocate(cursor, nrBlocks);
    return b.isPresent() ? b : allocate(0, Math.min(cursor, nrBlocks));
  }

  /**
   * Allocates the first block in {@code [begin, end)} free now and at the last commit; the range is
   * clipped to the map (the slots past {@code nr_blocks} in the last bitmap are never handed out).
   */
  public OptionalLong allocate(long begin, long end) {
    begin = Math.max(begin, 0);
    end = Math.min(end, nrBlocks);
    if (begin >= end) {
      return OptionalLong.empty();
    }
    for (int i = bitmapOf(begin); i <= bitmapOf(end - 1); i++) {
      IndexEntry e = entry(i);
      if (e.nrFree() == 0) {
        continue;
      }
      long base = (long) i * Bitmap.ENTRIES;
      int from = (int) Math.max(Math.max(begin - base, 0), e.noneFreeBefore());
      int to = (int) Math.min(end - base, Bitmap.ENTRIES);
      if (from >= to) {
        continue;
      }
      ReadBlock cur = readBitmap(e);
      ReadBlock old = dirty.get(i) ? committedBitmap(i) : null;
      int found = Bitmap.findFree(cur, old, from, to);
      if (found >= 0) {
        long block = base + found;
        storeCount(block, 1);
        cursor = block + 1;
        return OptionalLong.of(block);
      }
    }
    return OptionalLong.empty();
  }

  /** Grows the map to {@code newNrBlocks}, adding empty bitmaps as needed. */
  public void extend(long newNrBlocks) {
    if (newNrBlocks < nrBlocks) {
      throw new IllegalArgumentException("a space map cannot shrink");
    }
    int oldBitmaps = nrBitmaps(nrBlocks);
    int newBitmaps = nrBitmaps(newNrBlocks);
    current = Arrays.copyOf(current, newBitmaps);
    committed = Arrays.copyOf(committed, newBitmaps);
    for (int i = oldBitmaps; i < newBitmaps; i++) {
      WriteBlock b = tm.newBlock(Bitmap.VALIDATOR);
      dirty.set(i);
      committed[i] = null;
      current[i] = IndexEntry.fresh(b.blocknr());
    }
    nrBlocks = newNrBlocks;
  }

  /** Writes changed index entries into the index tree and returns the root for the superblock. */
  public SpaceMapRoot commit() {
    for (int i = dirty.nextSetBit(0); i >= 0; i = dirty.nextSetBit(i + 1)) {
      indexRoot = indexTree.insert(indexRoot, i, current[i].toBytes()).root();
    }
    return root();
  }

  /** The root as of now (after {@link #commit} it is what the superblock must record). */
  public SpaceMapRoot root() {
    return new SpaceMapRoot(nrBlocks, nrAllocated, indexRoot, refCountRoot);
  }

  /** The superblock with this map's root is durable: the current state becomes the committed one. */
  public void endTransaction() {
    for (int i = dirty.nextSetBit(0); i >= 0; i = dirty.nextSetBit(i + 1)) {
      committed[i] = null;
    }
    dirty.clear();
  }

  /** Number of entries in the index tree (for checks). */
  public long indexEntries() {
    return BTreeWalker.count(indexTree, indexRoot);
  }

  public BTree indexTree() {
    return indexTree;
  }

  public BTree refCountTree() {
    return refTree;
  }
}
