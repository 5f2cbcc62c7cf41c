package dev.thinly.pdata.spacemap.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.pdata.block.BlockManager;
import dev.thinly.pdata.btree.NodeValidator;
import dev.thinly.pdata.error.CorruptMetadataException;
import dev.thinly.pdata.testkit.PdataFixture;
import dev.thinly.pdata.testkit.RefCounts;
import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MetadataSpaceMapTest {
  static final long CACHE = 1 << 20;

  @Test
  void aFormattedMapCountsItsOwnBlocksAndTheSuperblock() {
    PdataFixture f = PdataFixture.create(1000, CACHE);
    MetadataSpaceMap sm = f.sm();
    assertThat(sm.nrBlocks()).isEqualTo(1000);
    assertThat(sm.count(0)).isEqualTo(1);
    f.commit();
    assertThat(RefCounts.check(f)).isEmpty();
    assertThat(SpaceMapInspector.problemsAfterCommit(sm)).isEmpty();
    // superblock, index block, one bitmap, the empty ref-count tree
    assertThat(sm.nrAllocated()).isEqualTo(4);
    assertThat(sm.indexEntries()).hasSize(1);
    PdataFixture g = f.reopen();
    assertThat(RefCounts.check(g)).isEmpty();
    assertThat(g.sm().nrAllocated()).isEqualTo(4);
  }

  @Test
  void theFormatIsCappedAtTheIndexBlocksLimit() {
    PdataFixture f = PdataFixture.create(MetadataIndexBlock.MAX_METADATA_BLOCKS + 5000, CACHE);
    assertThat(f.sm().nrBlocks()).isEqualTo(MetadataIndexBlock.MAX_METADATA_BLOCKS);
    assertThat(f.sm().indexEntries()).hasSize(255);
    f.commit();
    assertThat(SpaceMapInspector.problemsAfterCommit(f.sm())).isEmpty();
  }

  /** A block allocated and freed in this transaction was never committed: it may be reused. */
  @Test
  void aBlockOfThisTransactionIsReusableOnceFreed() {
    PdataFixture f = PdataFixture.create(64, CACHE);
    Set<Long> held = new HashSet<>();
    for (OptionalLong b = f.sm().allocate(); b.isPresent(); b = f.sm().allocate()) {
      held.add(b.getAsLong());
    }
    assertThat(f.sm().nrFree()).isZero();
    long freed = held.iterator().next();
    f.sm().dec(freed);
    assertThat(f.sm().allocate()).hasValue(freed);
  }

  @Test
  void freedCommittedBlocksWaitForTheNextCommit() {
    PdataFixture f = PdataFixture.create(300, CACHE);
    Set<Long> held = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      held.add(f.sm().allocate().orElseThrow());
    }
    f.commit();
    for (long b : held) {
      f.sm().dec(b);
    }
    Set<Long> allocated = new HashSet<>();
    for (OptionalLong b = f.sm().allocate(); b.isPresent(); b = f.sm().allocate()) {
      allocated.add(b.getAsLong());
    }
    assertThat(allocated).doesNotContainAnyElementsOf(held);
    f.abort();
    // after the commit that frees them they are free for good
    for (long b : held) {
      f.sm().dec(b);
    }
    f.commit();
    long free = f.sm().nrFree();
    Set<Long> again = new HashSet<>();
    for (OptionalLong b = f.sm().allocate(); b.isPresent(); b = f.sm().allocate()) {
      again.add(b.getAsLong());
    }
    assertThat(again).containsAll(held).hasSize((int) free);
  }

  @Test
  void aBlockAllocatedAndFreedInOneTransactionLeavesNoTrace() {
    PdataFixture f = PdataFixture.create(300, CACHE);
    f.commit();
    long before = f.sm().nrAllocated();
    long b = f.tm().newBlock(NodeValidator.INSTANCE).blocknr();
    f.sm().dec(b);
    assertThat(f.sm().count(b)).isZero();
    f.commit();
    assertThat(f.sm().count(b)).isZero();
    assertThat(f.sm().nrAllocated()).isEqualTo(before);
    assertThat(RefCounts.check(f)).isEmpty();
  }

  /** Hundreds of counts of 3+ split the ref-count tree during the commit rounds; they converge. */
  @Test
  void largeCountsGoThroughTheRefCountTreeAndBack() {
    PdataFixture f = PdataFixture.create(5000, CACHE);
    f.commit();
    long[] blocks = new long[1500];
    for (int i = 0; i < blocks.length; i++) {
      blocks[i] = f.sm().allocate().orElseThrow();
      for (int k = 0; k < 2 + i % 4; k++) {
        f.sm().inc(blocks[i]);
      }
    }
    f.commit();
    assertThat(SpaceMapInspector.problemsAfterCommit(f.sm())).isEmpty();
    for (int i = 0; i < blocks.length; i++) {
      assertThat(f.sm().count(blocks[i])).isEqualTo(3 + i % 4);
    }
    PdataFixture g = f.reopen();
    for (int i = 0; i < blocks.length; i++) {
      assertThat(g.sm().count(blocks[i])).isEqualTo(3 + i % 4);
      for (int k = 0; k < 3 + i % 4; k++) {
        g.sm().dec(blocks[i]);
      }
    }
    g.commit();
    assertThat(SpaceMapInspector.problemsAfterCommit(g.sm())).isEmpty();
    assertThat(RefCounts.check(g)).isEmpty();
  }

  @Test
  void extendAcrossABitmapBoundary() {
    PdataFixture f = PdataFixture.create(16_000, CACHE);
    f.commit();
    f.device().grow(40_000L * BlockManager.BLOCK_SIZE);
    f.sm().extend(40_000);
    assertThat(f.sm().nrBlocks()).isEqualTo(40_000);
    f.commit();
    assertThat(f.sm().indexEntries()).hasSize(3);
    assertThat(SpaceMapInspector.problemsAfterCommit(f.sm())).isEmpty();
    assertThat(RefCounts.check(f)).isEmpty();
    long free = f.sm().nrFree();
    Set<Long> got = new HashSet<>();
    for (OptionalLong b = f.sm().allocate(); b.isPresent(); b = f.sm().allocate()) {
      got.add(b.getAsLong());
    }
    assertThat(got).hasSize((int) free).allMatch(b -> b < 40_000).contains(16_319L, 16_320L, 39_999L);
  }

  @Test
  void extendingBeyondTheDeviceIsRefusedWithoutDamage() {
    PdataFixture f = PdataFixture.create(1000, CACHE);
    f.commit();
    assertThatThrownBy(() -> f.sm().extend(50_000)).isInstanceOf(IllegalArgumentException.class);
    assertThat(f.sm().nrBlocks()).isEqualTo(1000);
    f.commit();
    assertThat(SpaceMapInspector.problemsAfterCommit(f.sm())).isEmpty();
    assertThat(RefCounts.check(f)).isEmpty();
  }

  /**
   * thin_restore 0.9.0 writes nr_allocated 10 for the 9 blocks in use of fixture 01, and nr_free
   * relative to nr_blocks: opening recounts, so the next commit writes exact values.
   */
  @Test
  void theFirstCommitRecountsAForeignImagesInexactCounts() {
    dev.thinly.pdata.block.BlockManager bm =
        new dev.thinly.pdata.block.BlockManager(
            dev.thinly.pdata.testkit.DmThinFixtures.device(dev.thinly.pdata.testkit.DmThinFixtures.EMPTY_POOL), CACHE);
    dev.thinly.pdata.tx.TransactionManager tm = new dev.thinly.pdata.tx.TransactionManager(bm);
    dev.thinly.pdata.block.ReadBlock sb =
        bm.read(0, new dev.thinly.pdata.block.SaltedValidator("superblock", dev.thinly.pdata.codec.BlockChecksum.SUPERBLOCK_SALT));
    SpaceMapRoot onDisk = SpaceMapRoot.decode(sb, 192);
    assertThat(onDisk.nrAllocated()).isEqualTo(10);
    long readsBefore = bm.deviceReads();
    MetadataSpaceMap sm = MetadataSpaceMap.open(tm, onDisk);
    // opening reads the index block only; the loose values are trusted until the first commit
    assertThat(bm.deviceReads() - readsBefore).isEqualTo(1);
    assertThat(sm.nrAllocated()).isEqualTo(10);
    // the loose none_free_before may skip a free block until the recount; it never hands out a used one
    assertThat(sm.allocate().orElseThrow()).isGreaterThanOrEqualTo(8);
    SpaceMapRoot committed = sm.commit();
    // 9 blocks in use at open, block 8 allocated since, plus what the commit itself shadowed
    assertThat(committed.nrAllocated()).isEqualTo(sm.nrAllocated());
    assertThat(sm.indexEntries()[0].nrFree()).isEqualTo(16_320 - committed.nrAllocated());
    assertThat(SpaceMapInspector.problemsAfterCommit(sm)).isEmpty();
  }

  /** The pool's exclusivity test: a block that lost a reference may still be reached from the last commit. */
  @Test
  void blocksThatLostAReferenceButNotTheLastAreReported() {
    PdataFixture f = PdataFixture.create(100, CACHE);
    long shared = f.sm().allocate().orElseThrow();
    f.sm().inc(shared);
    long single = f.sm().allocate().orElseThrow();
    f.commit();
    assertThat(f.sm().decreasedThisTransaction(shared)).isFalse();
    f.sm().dec(shared);
    f.sm().dec(single);
    assertThat(f.sm().decreasedThisTransaction(shared)).isTrue();
    assertThat(f.sm().decreasedThisTransaction(single)).as("now free").isFalse();
    f.commit();
    assertThat(f.sm().decreasedThisTransaction(shared)).isFalse();
    f.sm().inc(shared);
    f.sm().dec(shared);
    f.abort();
    assertThat(f.sm().decreasedThisTransaction(shared)).isFalse();
  }

  @Test
  void decrementingAFreeBlockIsCorruption() {
    PdataFixture f = PdataFixture.create(100, CACHE);
    assertThatThrownBy(() -> f.sm().dec(90)).isInstanceOf(CorruptMetadataException.class);
    assertThatThrownBy(() -> f.sm().count(100)).isInstanceOf(CorruptMetadataException.class);
  }
}
