package dev.thinly.pdata.btree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.pdata.testkit.PdataFixture;
import dev.thinly.pdata.testkit.RefCounts;
import dev.thinly.pdata.testkit.TreeShape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A tree far larger than the block cache: the cache holds at most its capacity of clean blocks
 * plus the dirty blocks of the current transaction, and is back within capacity after each commit.
 */
class BoundedMemoryTest {
  static final long CACHE_BYTES = 1 << 20; // 256 blocks
  static final int ENTRIES = 200_000;

  /** Random keys, so that nearly every insert touches a leaf that is not cached. */
  @Test
  void aLargeTreeWithCommitsStaysWithinTheCache() {
    PdataFixture f = PdataFixture.create(16_384, CACHE_BYTES);
    int capacity = f.bm().capacityBlocks();
    assertThat(capacity).isEqualTo(256);
    BTree t = new BTree(f.tm(), ValueType.plain(8));
    long root = t.createEmpty();
    Random r = new Random(42);
    int maxCached = 0;
    for (int i = 1; i <= ENTRIES; i++) {
      long k = r.nextLong() >>> 8;
      root = t.insertLong(root, k, i).root();
      int cached = f.bm().cachedBlocks();
      maxCached = Math.max(maxCached, cached);
      assertThat(cached).as("after insert %d", i).isLessThanOrEqualTo(capacity + f.tm().dirtyBlocks() + 1);
      if (i % 2_000 == 0) {
        f.commit(root);
        assertThat(f.bm().cachedBlocks()).as("after commit %d", i / 2000).isLessThanOrEqualTo(capacity);
      }
    }
    assertThat(TreeShape.problems(f.tm(), root)).isEmpty();
    assertThat(BTreeWalker.count(t, root)).isEqualTo(ENTRIES);
    assertThat(RefCounts.check(f, root)).isEmpty();
    long treeBlocks = f.sm().nrAllocated();
    assertThat(treeBlocks).as("the tree is several times the cache").isGreaterThan(4L * capacity);
  }

  /** With write-back between operations (what the pool does), dirty blocks stay few too. */
  @Test
  void writeBackBetweenOperationsBoundsDirtyBlocks() {
    PdataFixture f = PdataFixture.create(16_384, CACHE_BYTES);
    int capacity = f.bm().capacityBlocks();
    BTree t = new BTree(f.tm(), ValueType.plain(8));
    long root = t.createEmpty();
    Random r = new Random(7);
    for (int i = 1; i <= ENTRIES / 2; i++) {
      root = t.insertLong(root, r.nextLong() >>> 8, i).root();
      f.tm().writeBackIfOverCapacity();
      // one insert shadows a path and may split each node on it
      assertThat(f.bm().cachedBlocks()).as("after insert %d", i).isLessThanOrEqualTo(capacity + 16);
      if (i % 20_000 == 0) {
        f.commit(root);
      }
    }
    f.commit(root);
    PdataFixture g = f.reopen();
    assertThat(TreeShape.problems(g.tm(), root)).isEmpty();
    assertThat(RefCounts.check(g, root)).isEmpty();
  }
}
