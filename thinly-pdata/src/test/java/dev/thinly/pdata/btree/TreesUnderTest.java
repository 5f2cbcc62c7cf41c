package dev.thinly.pdata.btree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.pdata.spacemap.disk.SpaceMapInspector;
import dev.thinly.pdata.testkit.DataBlockValues;
import dev.thinly.pdata.testkit.PdataFixture;
import dev.thinly.pdata.testkit.RefCounts;
import dev.thinly.pdata.testkit.TreeShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The system under test of {@link BTreeModelTest}: several btrees in one fixture, each with a
 * {@code TreeMap} model (unsigned key order). Trees may share nodes (a snapshot increments a
 * root), and values are either plain or data blocks counted in a data space map. Commit, abort
 * and restart roll the models forward or back.
 */
final class TreesUnderTest {
  static final long METADATA_BLOCKS = 8192;
  /** More than one bitmap (16320 entries) of data blocks. */
  static final long DATA_BLOCKS = 20_000;

  /** One live tree and its model. */
  static final class Tree {
    long root;
    final TreeMap<Long, Long> model;

    Tree(long root, TreeMap<Long, Long> model) {
      this.root = root;
      this.model = model;
    }

    Tree copy() {
      return new Tree(root, new TreeMap<>(model));
    }
  }

  final boolean dataValues;
  /** Leaf value size: 8, or larger so that small trees get many levels (1000 bytes: 3 per leaf). */
  final int valueSize;
  final long cacheBytes;
  PdataFixture f;
  BTree tree;
  List<Tree> trees = new ArrayList<>();
  List<Tree> committed = new ArrayList<>();
  int steps;
  int maxHeight;
  int maxKeys;

  TreesUnderTest(boolean dataValues, int valueSize, long cacheBytes) {
    if (dataValues && valueSize != 8) {
      throw new IllegalArgumentException("data values are 8 bytes");
    }
    this.dataValues = dataValues;
    this.valueSize = valueSize;
    this.cacheBytes = cacheBytes;
    f = PdataFixture.create(METADATA_BLOCKS, cacheBytes);
    if (dataValues) {
      f.createDataSpaceMap(DATA_BLOCKS);
    }
    tree = newBTree();
    trees.add(new Tree(tree.createEmpty(), newModel()));
    commit();
  }

  static TreeMap<Long, Long> newModel() {
    return new TreeMap<>(Long::compareUnsigned);
  }

  private BTree newBTree() {
    ValueType vt = dataValues ? new DataBlockValues(() -> f.dataSm()) : ValueType.plain(valueSize);
    return new BTree(f.tm(), vt);
  }

  Tree tree(int i) {
    return trees.get(Math.floorMod(i, trees.size()));
  }

  // ---------------------------------------------------------------- operations

  /** Inserts; with data values, {@code value} is ignored and a fresh data block is mapped. */
  void insert(int t, long key, long value) {
    Tree tr = tree(t);
    long v = value;
    if (dataValues) {
      OptionalLong d = f.dataSm().allocate();
      if (d.isEmpty()) {
        return; // out of data space: nothing to insert
      }
      v = d.getAsLong();
    }
    BTree.Insert r = tree.insert(tr.root, key, encode(v));
    assertThat(r.added()).as("added %s", Long.toUnsignedString(key)).isEqualTo(!tr.model.containsKey(key));
    tr.root = r.root();
    tr.model.put(key, v);
  }

  /** Overwrites an existing key with its own value: nothing may change, no reference moves. */
  void rewriteSame(int t, long keySeed) {
    Tree tr = tree(t);
    if (tr.model.isEmpty()) {
      return;
    }
    long key = pickKey(tr, keySeed);
    BTree.Insert r = tree.insert(tr.root, key, encode(tr.model.get(key)));
    assertThat(r.added()).isFalse();
    tr.root = r.root();
  }

  /** Inserts {@code n} keys from {@code start} with {@code stride}, in ascending or descending order. */
  void bulkInsert(int t, long start, int n, int stride, boolean descending) {
    for (int i = 0; i < n; i++) {
      long k = start + (long) stride * (descending ? n - 1 - i : i);
      insert(t, k, k * 31 + 7);
    }
  }

  void remove(int t, long keySeed, boolean existing) {
    Tree tr = tree(t);
    long key = existing && !tr.model.isEmpty() ? pickKey(tr, keySeed) : keySeed;
    BTree.Removal r = tree.remove(tr.root, key);
    assertThat(r.removed()).isEqualTo(tr.model.containsKey(key) ? 1 : 0);
    tr.root = r.root();
    tr.model.remove(key);
  }

  /** Removes {@code [begin, end)} (unsigned). */
  void removeRange(int t, long begin, long end) {
    Tree tr = tree(t);
    long expected =
        Long.compareUnsigned(begin, end) >= 0 ? 0 : tr.model.subMap(begin, end).size();
    BTree.Removal r = tree.removeRange(tr.root, begin, end);
    assertThat(r.removed()).as("removed from [%s, %s)", Long.toUnsignedString(begin), Long.toUnsignedString(end)).isEqualTo(expected);
    tr.root = r.root();
    if (expected > 0) {
      tr.model.subMap(begin, end).clear();
    }
  }

  /** Removes the keys between two existing keys (given as fractions of the key count). */
  void removeRangeOfExisting(int t, double from, double to) {
    Tree tr = tree(t);
    if (tr.model.isEmpty()) {
      return;
    }
    List<Long> keys = new ArrayList<>(tr.model.keySet());
    int a = (int) (Math.min(from, to) * keys.size());
    int b = (int) (Math.max(from, to) * keys.size());
    long begin = keys.get(Math.min(a, keys.size() - 1));
    long end = b >= keys.size() ? -1L : keys.get(b);
    removeRange(t, begin, end);
  }

  void probe(int t, long key) {
    Tree tr = tree(t);
    Long expected = tr.model.get(key);
    OptionalLong got = tree.lookupLong(tr.root, key);
    assertThat(got.isPresent() ? got.getAsLong() : null).isEqualTo(expected);
    assertThat(tree.lookup(tr.root, key).orElse(null)).isEqualTo(expected == null ? null : encode(expected));
    Long ceiling = tr.model.ceilingKey(key);
    OptionalLong ge = tree.lookupGreaterOrEqual(tr.root, key);
    assertThat(ge.isPresent() ? ge.getAsLong() : null)
        .as("first key >= %s", Long.toUnsignedString(key))
        .isEqualTo(ceiling);
    if (!tr.model.isEmpty()) {
      long k = pickKey(tr, key);
      assertThat(tree.lookupLong(tr.root, k)).hasValue(tr.model.get(k));
    }
  }

  /** A second tree sharing the whole of tree {@code t} (the kernel's create_snap). */
  void snapshot(int t) {
    Tree tr = tree(t);
    f.tm().inc(tr.root);
    trees.add(new Tree(tr.root, new TreeMap<>(tr.model)));
  }

  void deleteTree(int t) {
    Tree tr = tree(t);
    tree.deleteTree(tr.root);
    trees.remove(tr);
  }

  void createTree() {
    trees.add(new Tree(tree.createEmpty(), newModel()));
  }

  void commit() {
    f.commit(trees.stream().mapToLong(tr -> tr.root).toArray());
    committed = trees.stream().map(Tree::copy).toList();
    assertThat(SpaceMapInspector.problemsAfterCommit(f.sm())).isEmpty();
    if (dataValues) {
      assertThat(SpaceMapInspector.problems(f.dataSm())).isEmpty();
    }
    checkRefCounts(true);
  }

  void abort() {
    f.abort();
    rollBack();
  }

  void restart() {
    f = f.reopen();
    tree = newBTree();
    rollBack();
  }

  private void rollBack() {
    assertThat(f.committedRoots()).containsExactly(committed.stream().mapToLong(tr -> tr.root).toArray());
    trees = new ArrayList<>(committed.stream().map(Tree::copy).toList());
  }

  void writeBack() {
    f.tm().writeBackIfOverCapacity();
  }

  /** The value bytes for model value {@code v}: {@code v}, then a pattern derived from it. */
  byte[] encode(long v) {
    byte[] b = new byte[valueSize];
    dev.thinly.pdata.codec.LittleEndian.putLong(b, 0, v);
    for (int i = 8; i < valueSize; i++) {
      b[i] = (byte) (v * 31 + i);
    }
    return b;
  }

  long decode(dev.thinly.pdata.block.ReadBlock leaf, int off) {
    byte[] b = new byte[valueSize];
    leaf.copyTo(off, b, 0, valueSize);
    long v = dev.thinly.pdata.codec.LittleEndian.getLong(b, 0);
    assertThat(b).as("value bytes of %d", v).isEqualTo(encode(v));
    return v;
  }

  private static long pickKey(Tree tr, long seed) {
    int i = (int) Math.floorMod(seed, (long) tr.model.size());
    return tr.model.keySet().stream().skip(i).findFirst().orElseThrow();
  }

  // ---------------------------------------------------------------- invariants

  void checkInvariants() {
    steps++;
    for (Tree tr : trees) {
      assertThat(TreeShape.problems(f.tm(), tr.root)).as("shape of tree at %d", tr.root).isEmpty();
      List<Map.Entry<Long, Long>> actual = new ArrayList<>();
      BTreeWalker.forEach(
          tree,
          tr.root,
          (k, leaf, off) -> {
            actual.add(Map.entry(k, decode(leaf, off)));
            return true;
          });
      assertThat(actual).as("contents of tree at %d", tr.root).containsExactlyElementsOf(tr.model.entrySet());
      assertThat(BTreeWalker.count(tree, tr.root)).isEqualTo(tr.model.size());
      maxHeight = Math.max(maxHeight, TreeShape.height(f.tm(), tr.root));
      maxKeys = Math.max(maxKeys, tr.model.size());
    }
    checkRefCounts(false);
  }

  private void checkRefCounts(boolean fullScan) {
    RefCounts meta = RefCounts.forFixture(f);
    RefCounts data = new RefCounts(f.tm());
    for (Tree tr : trees) {
      meta.addTree(tr.root, (leaf, off) -> data.add(leaf.getLong(off)));
    }
    assertThat(fullScan ? meta.compareWith(f.sm()) : meta.compareReferencedWith(f.sm()))
        .as("metadata reference counts")
        .isEmpty();
    if (dataValues) {
      assertThat(fullScan ? data.compareWith(f.dataSm()) : data.compareReferencedWith(f.dataSm()))
          .as("data reference counts")
          .isEmpty();
    }
  }
}
