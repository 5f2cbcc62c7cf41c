package dev.thinly.pdata.spacemap.disk;

import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.block.WriteBlock;
import dev.thinly.pdata.btree.BTree;
import dev.thinly.pdata.error.CorruptMetadataException;
import dev.thinly.pdata.tx.TransactionManager;
import java.util.OptionalLong;

/**
 * The low-level representation both space maps share: one 2-bit count per block in bitmap blocks
 * described by index entries, and a btree of the true counts of blocks whose bitmap entry says
 * "3 or more". Reading and writing counts here always goes to the current transaction's bitmaps
 * (shadowed on first change); where the index entries live is the subclass's business.
 */
abstract class BitmapCounts {
  final TransactionManager tm;
  final BTree refTree;
  long refCountRoot;
  long nrBlocks;
  long nrAllocated;

  BitmapCounts(TransactionManager tm, long nrBlocks, long nrAllocated, long refCountRoot) {
    this.tm = tm;
    this.refTree = new BTree(tm, RefCountValueType.INSTANCE);
    this.nrBlocks = nrBlocks;
    this.nrAllocated = nrAllocated;
    this.refCountRoot = refCountRoot;
  }

  /** Current index entry of bitmap {@code i}. */
  abstract IndexEntry entry(int i);

  /** Replaces the current index entry of bitmap {@code i}. */
  abstract void setEntry(int i, IndexEntry e);

  /** Human name for messages. */
  abstract String what();

  static int bitmapOf(long block) {
    return (int) (block / Bitmap.ENTRIES);
  }

  static int entryOf(long block) {
    return (int) (block % Bitmap.ENTRIES);
  }

  static int nrBitmaps(long nrBlocks) {
    return (int) ((nrBlocks + Bitmap.ENTRIES - 1) / Bitmap.ENTRIES);
  }

  void checkRange(long block) {
    if (block < 0 || block >= nrBlocks) {
      throw new CorruptMetadataException(
          -1, what(), "block " + block + " is beyond the " + nrBlocks + " blocks of the space map");
    }
  }

  ReadBlock readBitmap(IndexEntry e) {
    return tm.read(e.blocknr(), Bitmap.VALIDATOR);
  }

  /** The count stored for {@code block} in the current bitmaps and ref-count tree. */
  long storedCount(long block) {
    checkRange(block);
    int v = Bitmap.get(readBitmap(entry(bitmapOf(block))), entryOf(block));
    if (v < 3) {
      return v;
    }
    OptionalLong c = refTree.lookupLong(refCountRoot, block);
    if (c.isEmpty()) {
      throw new CorruptMetadataException(
          refCountRoot, what(), "block " + block + " has count 3+ but no ref-count tree entry");
    }
    return c.getAsLong();
  }

  /** Stores {@code count} for {@code block}, shadowing its bitmap, maintaining index and tree. */
  void storeCount(long block, long count) {
    checkRange(block);
    int i = bitmapOf(block);
    int bit = entryOf(block);
    IndexEntry e = entry(i);
    TransactionManager.Shadow s = tm.shadow(e.blocknr(), Bitmap.VALIDATOR);
    WriteBlock bitmap = s.block();
    int old = Bitmap.get(bitmap, bit);
    Bitmap.set(bitmap, bit, (int) Math.min(count, 3));
    long nrFree = e.nrFree();
    long noneFreeBefore = e.noneFreeBefore();
    if (old == 0 && count > 0) {
      nrFree--;
      nrAllocated++;
      if (noneFreeBefore == bit) {
        noneFreeBefore = bit + 1;
      }
    } else if (old > 0 && count == 0) {
      nrFree++;
      nrAllocated--;
      noneFreeBefore = Math.min(noneFreeBefore, bit);
    }
    setEntry(i, new IndexEntry(bitmap.blocknr(), nrFree, noneFreeBefore));
    // the tree may shadow nodes (allocating metadata) only after the entry is consistent
    if (count >= 3) {
      refCountRoot = refTree.insert(refCountRoot, block, RefCountValueType.encode(count)).root();
    } else if (old == 3) {
      refCountRoot = refTree.remove(refCountRoot, block).root();
    }
  }
}
