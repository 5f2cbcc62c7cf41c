package dev.thinly.pdata.tx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.pdata.btree.BTree;
import dev.thinly.pdata.btree.BTreeWalker;
import dev.thinly.pdata.io.BlockDevice;
import dev.thinly.pdata.spacemap.disk.SpaceMapInspector;
import dev.thinly.pdata.testkit.DataBlockValues;
import dev.thinly.pdata.testkit.PdataFixture;
import dev.thinly.pdata.testkit.RefCounts;
import dev.thinly.pdata.testkit.TreeShape;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * A seeded random workload on a {@link PdataFixture}: a few mapping-like trees whose values are
 * data blocks of a data space map, with inserts, overwrites, removals, range removals, snapshots
 * and deletions, committed every few operations. It keeps the model of the last completed commit
 * and of the commit in flight, so that a test can check what a crash left behind.
 */
final class Workload {
  static final long METADATA_BLOCKS = 1024;
  static final long DATA_BLOCKS = 20_000;
  static final int MAX_TREES = 4;

  private final Random random;
  final PdataFixture f;
  private final BTree tree;
  private List<Long> roots = new ArrayList<>();
  private List<TreeMap<Long, Long>> models = new ArrayList<>();
  /** Models of the last completed commit. */
  List<TreeMap<Long, Long>> committed = List.of();
  /** Models of the commit under way, or null. */
  List<TreeMap<Long, Long>> inFlight;
  int commits;

  /** Formats {@code device} and commits an empty tree. */
  Workload(BlockDevice device, long seed, long cacheBytes) {
    this.random = new Random(seed);
    this.f = PdataFixture.create(device, cacheBytes);
    f.createDataSpaceMap(DATA_BLOCKS);
    this.tree = new BTree(f.tm(), new DataBlockValues(f::dataSm));
    roots.add(tree.createEmpty());
    models.add(new TreeMap<>());
    commit();
  }

  /** Continues on a reopened fixture whose trees hold {@code models}. */
  Workload(PdataFixture f, List<TreeMap<Long, Long>> models, long seed) {
    this.random = new Random(seed);
    this.f = f;
    this.tree = new BTree(f.tm(), new DataBlockValues(f::dataSm));
    for (long r : f.committedRoots()) {
      roots.add(r);
    }
    this.models = new ArrayList<>(copy(models));
    this.committed = copy(models);
  }

  /** Runs {@code ops} random operations, committing now and then; ends with a commit. */
  void run(int ops) {
    for (int i = 0; i < ops; i++) {
      step();
    }
    commit();
  }

  void step() {
    int t = random.nextInt(roots.size());
    int op = random.nextInt(100);
    if (op < 55) {
      int n = 1 + (random.nextInt(5) == 0 ? random.nextInt(400) : random.nextInt(4));
      long start = random.nextInt(5000);
      for (int i = 0; i < n; i++) {
        insert(t, start + i);
      }
    } else if (op < 72) {
      TreeMap<Long, Long> m = models.get(t);
      if (!m.isEmpty()) {
        Long ceiling = m.ceilingKey((long) random.nextInt(5000));
        long k = ceiling == null ? m.firstKey() : ceiling;
        roots.set(t, tree.remove(roots.get(t), k).root());
        m.remove(k);
      }
    } else if (op < 80) {
      long begin = random.nextInt(5000);
      long end = begin + random.nextInt(random.nextBoolean() ? 50 : 1500);
      roots.set(t, tree.removeRange(roots.get(t), begin, end).root());
      models.get(t).subMap(begin, end).clear();
    } else if (op < 86 && roots.size() < MAX_TREES) {
      f.tm().inc(roots.get(t));
      roots.add(roots.get(t));
      models.add(new TreeMap<>(models.get(t)));
    } else if (op < 90 && roots.size() > 1) {
      tree.deleteTree(roots.remove(t));
      models.remove(t);
    } else if (op < 95) {
      f.tm().writeBackIfOverCapacity();
    } else {
      commit();
    }
  }

  private void insert(int t, long key) {
    OptionalLong d = f.dataSm().allocate();
    if (d.isEmpty()) {
      return;
    }
    roots.set(t, tree.insertLong(roots.get(t), key, d.getAsLong()).root());
    models.get(t).put(key, d.getAsLong());
  }

  void commit() {
    inFlight = copy(models);
    f.commit(roots.stream().mapToLong(Long::longValue).toArray());
    committed = inFlight;
    inFlight = null;
    commits++;
  }

  /** The blocks the committed state references: what must not be written before the next commit. */
  Set<Long> committedBlocks() {
    RefCounts rc = RefCounts.forFixture(f);
    for (long r : f.committedRoots()) {
      rc.addTree(r);
    }
    Set<Long> out = new HashSet<>();
    for (long b = 0; b < f.sm().nrBlocks(); b++) {
      if (rc.expected(b) > 0) {
        out.add(b);
      }
    }
    return out;
  }

  private static List<TreeMap<Long, Long>> copy(List<TreeMap<Long, Long>> models) {
    return models.stream().map(TreeMap::new).toList();
  }

  // ---------------------------------------------------------------- checking a reopened image

  /**
   * Checks the fixture opened on a crashed image: its trees equal one of the given model states,
   * are well formed, and both space maps are exact. Returns which state it matched.
   */
  static int checkRecovered(PdataFixture g, List<List<TreeMap<Long, Long>>> acceptable) {
    BTree t = new BTree(g.tm(), new DataBlockValues(g::dataSm));
    List<TreeMap<Long, Long>> found = new ArrayList<>();
    for (long root : g.committedRoots()) {
      assertThat(TreeShape.problems(g.tm(), root)).isEmpty();
      TreeMap<Long, Long> m = new TreeMap<>();
      BTreeWalker.forEach(
          t,
          root,
          (k, leaf, off) -> {
            m.put(k, leaf.getLong(off));
            return true;
          });
      found.add(m);
    }
    int match = acceptable.indexOf(found);
    assertThat(match).as("the recovered trees are one of the acceptable states").isNotNegative();
    RefCounts meta = RefCounts.forFixture(g);
    RefCounts data = new RefCounts(g.tm());
    for (long root : g.committedRoots()) {
      meta.addTree(root, (leaf, off) -> data.add(leaf.getLong(off)));
    }
    assertThat(meta.compareWith(g.sm())).as("metadata counts").isEmpty();
    assertThat(data.compareWith(g.dataSm())).as("data counts").isEmpty();
    assertThat(SpaceMapInspector.problemsAfterCommit(g.sm())).isEmpty();
    assertThat(SpaceMapInspector.problems(g.dataSm())).isEmpty();
    return match;
  }
}
