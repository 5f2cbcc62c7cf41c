package dev.thinly.pdata.spacemap.disk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.pdata.block.BlockManager;
import dev.thinly.pdata.testkit.PdataFixture;
import dev.thinly.pdata.testkit.RefCounts;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The system under test of {@link SpaceMapModelTest}: a fixture's metadata space map and a data
 * space map, driven with inc, dec, allocate and extend against models.
 *
 * <p>Metadata model: the count the structures imply (superblock, both maps' own blocks, recomputed
 * by {@link RefCounts}) plus the references the test added itself. Data model: a map of counts.
 * Both remember the state of the last commit, to check that allocation never hands out a block in
 * use then, and to roll back on abort.
 */
final class SpaceMapsUnderTest {
  final long cacheBytes;
  PdataFixture f;
  Map<Long, Long> metaExtra = new HashMap<>();
  Map<Long, Long> metaExtraCommitted = new HashMap<>();
  Set<Long> metaUsedAtCommit = new HashSet<>();
  Map<Long, Long> data = new HashMap<>();
  Map<Long, Long> dataCommitted = new HashMap<>();
  long dataBlocksCommitted;
  long metaBlocksCommitted;
  int allocations;

  SpaceMapsUnderTest(long metadataBlocks, long dataBlocks, long cacheBytes) {
    this.cacheBytes = cacheBytes;
    f = PdataFixture.create(metadataBlocks, cacheBytes);
    f.createDataSpaceMap(dataBlocks);
    commit();
  }

  MetadataSpaceMap meta() {
    return f.sm();
  }

  DiskSpaceMap dataSm() {
    return f.dataSm();
  }

  // ---------------------------------------------------------------- metadata map

  /**
   * Adds {@code times} references to a block that no structure references (a free block, or one
   * the test already holds). Bumping a tree node instead would make it shared, and its children
   * would gain a parent the moment it is shadowed: right, but not what the recount of the live
   * roots can see.
   */
  void metaInc(long blockSeed, int times) {
    long b = Math.floorMod(blockSeed, meta().nrBlocks());
    if (RefCounts.forFixture(f).expected(b) > 0) {
      return;
    }
    for (int i = 0; i < times; i++) {
      meta().inc(b);
      metaExtra.merge(b, 1L, Long::sum);
    }
  }

  /**
   * Adds {@code times} references to each block the test holds among {@code len} consecutive blocks
   * (ref-count tree growth). Free blocks are skipped: taking them all would leave the map no room
   * for its own bitmaps and tree nodes, which is running out of space, not what this action tests.
   */
  void metaIncRange(long startSeed, int len, int times) {
    long n = meta().nrBlocks();
    long start = Math.floorMod(startSeed, n);
    RefCounts structure = RefCounts.forFixture(f);
    for (long b = start; b < Math.min(n, start + len); b++) {
      if (metaExtra.containsKey(b) && structure.expected(b) == 0) {
        metaInc(b, times);
      }
    }
  }

  /** Drops every reference the test holds on up to {@code len} blocks (ref-count tree shrinking). */
  void metaDecAll(long seed, int len) {
    for (int i = 0; i < len && !metaExtra.isEmpty(); i++) {
      long b = pick(metaExtra, seed + i);
      for (long c = metaExtra.remove(b); c > 0; c--) {
        meta().dec(b);
      }
    }
  }

  void metaDec(long seed) {
    if (metaExtra.isEmpty()) {
      return;
    }
    long b = pick(metaExtra, seed);
    meta().dec(b);
    if (metaExtra.merge(b, -1L, Long::sum) == 0) {
      metaExtra.remove(b);
    }
  }

  void metaAllocate(int times) {
    for (int i = 0; i < times && allocations < meta().nrBlocks() / 3; i++) {
      Set<Long> usedNow = metaCounts().keySet();
      OptionalLong b = meta().allocate();
      assertThat(b).as("metadata allocation with free blocks left").isPresent();
      long block = b.getAsLong();
      assertThat(usedNow).as("allocated metadata block in use now").doesNotContain(block);
      assertThat(metaUsedAtCommit).as("allocated metadata block in use at the last commit").doesNotContain(block);
      assertThat(block).isBetween(0L, meta().nrBlocks() - 1);
      metaExtra.put(block, 1L);
      allocations++;
    }
  }

  /** Grows the metadata device and map by {@code delta} blocks. */
  void metaExtend(long delta) {
    long n = Math.min(meta().nrBlocks() + delta, MetadataIndexBlock.MAX_METADATA_BLOCKS);
    f.device().grow(n * BlockManager.BLOCK_SIZE);
    meta().extend(n);
    assertThat(meta().nrBlocks()).isEqualTo(n);
  }

  /** What the metadata map must say: structural references plus the test's own. */
  Map<Long, Long> metaCounts() {
    RefCounts rc = RefCounts.forFixture(f);
    Map<Long, Long> all = new HashMap<>();
    for (long b = 0; b < meta().nrBlocks(); b++) {
      long c = rc.expected(b) + metaExtra.getOrDefault(b, 0L);
      if (c > 0) {
        all.put(b, c);
      }
    }
    return all;
  }

  // ---------------------------------------------------------------- data map

  void dataInc(long blockSeed, int times) {
    if (dataSm().nrBlocks() == 0) {
      return;
    }
    long b = Math.floorMod(blockSeed, dataSm().nrBlocks());
    for (int i = 0; i < times; i++) {
      dataSm().inc(b);
      data.merge(b, 1L, Long::sum);
    }
  }

  void dataIncRange(long startSeed, int len, int times) {
    long n = dataSm().nrBlocks();
    if (n == 0) {
      return;
    }
    long start = Math.floorMod(startSeed, n);
    for (long b = start; b < Math.min(n, start + len); b++) {
      dataInc(b, times);
    }
  }

  void dataDecAll(long seed, int len) {
    for (int i = 0; i < len && !data.isEmpty(); i++) {
      long b = pick(data, seed + i);
      for (long c = data.remove(b); c > 0; c--) {
        dataSm().dec(b);
      }
    }
  }

  void dataDec(long seed, int times) {
    for (int i = 0; i < times && !data.isEmpty(); i++) {
      long b = pick(data, seed + i);
      dataSm().dec(b);
      if (data.merge(b, -1L, Long::sum) == 0) {
        data.remove(b);
      }
    }
  }

  /** Allocates up to {@code times} blocks; running out must be an empty result, and only then. */
  void dataAllocate(int times) {
    for (int i = 0; i < times; i++) {
      OptionalLong b = dataSm().allocate();
      if (b.isEmpty()) {
        assertThat(freeInBoth(0, dataSm().nrBlocks())).as("a free data block exists").isEqualTo(-1);
        return;
      }
      checkAllocated(b.getAsLong(), 0, dataSm().nrBlocks());
    }
  }

  /** Allocates in {@code [begin, end)} given as fractions of the map. */
  void dataAllocateIn(double from, double to) {
    long n = dataSm().nrBlocks();
    long begin = (long) (Math.min(from, to) * n);
    long end = Math.min(n, (long) (Math.max(from, to) * n) + 1);
    OptionalLong b = dataSm().allocate(begin, end);
    if (b.isEmpty()) {
      assertThat(freeInBoth(begin, end)).as("a free data block in [%d, %d)", begin, end).isEqualTo(-1);
    } else {
      checkAllocated(b.getAsLong(), begin, end);
    }
  }

  private void checkAllocated(long block, long begin, long end) {
    assertThat(block).isBetween(begin, end - 1);
    assertThat(data).as("allocated data block in use now").doesNotContainKey(block);
    assertThat(dataCommitted).as("allocated data block in use at the last commit").doesNotContainKey(block);
    assertThat(dataSm().inUseInCommitted(block)).isFalse();
    data.put(block, 1L);
  }

  private long freeInBoth(long begin, long end) {
    for (long b = begin; b < end; b++) {
      if (!data.containsKey(b) && !dataCommitted.containsKey(b)) {
        return b;
      }
    }
    return -1;
  }

  void dataExtend(long delta) {
    long n = dataSm().nrBlocks() + delta;
    dataSm().extend(n);
    assertThat(dataSm().nrBlocks()).isEqualTo(n);
  }

  // ---------------------------------------------------------------- transactions

  void commit() {
    f.commit();
    metaExtraCommitted = new HashMap<>(metaExtra);
    metaUsedAtCommit = metaCounts().keySet();
    dataCommitted = new HashMap<>(data);
    dataBlocksCommitted = dataSm().nrBlocks();
    metaBlocksCommitted = meta().nrBlocks();
    assertThat(SpaceMapInspector.problemsAfterCommit(meta())).isEmpty();
    checkMetadata(true);
    checkData(true);
  }

  void abort() {
    f.abort();
    rollBack();
  }

  void restart() {
    f = f.reopen();
    rollBack();
  }

  private void rollBack() {
    metaExtra = new HashMap<>(metaExtraCommitted);
    data = new HashMap<>(dataCommitted);
    allocations = metaExtra.size();
    assertThat(dataSm().nrBlocks()).isEqualTo(dataBlocksCommitted);
    assertThat(meta().nrBlocks()).isEqualTo(metaBlocksCommitted);
  }

  // ---------------------------------------------------------------- invariants

  void checkInvariants() {
    checkMetadata(false);
    checkData(false);
  }

  private void checkMetadata(boolean fullScan) {
    Map<Long, Long> expected = metaCounts();
    if (fullScan) {
      for (long b = 0; b < meta().nrBlocks(); b++) {
        assertThat(meta().count(b)).as("metadata count of %d", b).isEqualTo(expected.getOrDefault(b, 0L));
      }
    } else {
      expected.forEach((b, c) -> assertThat(meta().count(b)).as("metadata count of %d", b).isEqualTo(c));
    }
    assertThat(meta().nrAllocated()).as("metadata nr_allocated").isEqualTo(expected.size());
    assertThat(meta().nrFree()).isEqualTo(meta().nrBlocks() - expected.size());
  }

  private void checkData(boolean fullScan) {
    if (fullScan) {
      for (long b = 0; b < dataSm().nrBlocks(); b++) {
        assertThat(dataSm().count(b)).as("data count of %d", b).isEqualTo(data.getOrDefault(b, 0L));
      }
    } else {
      data.forEach((b, c) -> assertThat(dataSm().count(b)).as("data count of %d", b).isEqualTo(c));
    }
    assertThat(dataSm().nrAllocated()).as("data nr_allocated").isEqualTo(data.size());
    List<String> problems = SpaceMapInspector.problems(dataSm());
    assertThat(problems).as("data space map").isEmpty();
  }

  private static long pick(Map<Long, Long> m, long seed) {
    int i = (int) Math.floorMod(seed, (long) m.size());
    return m.keySet().stream().sorted().skip(i).findFirst().orElseThrow();
  }
}
