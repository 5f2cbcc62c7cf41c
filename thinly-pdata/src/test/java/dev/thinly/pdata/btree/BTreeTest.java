package dev.thinly.pdata.btree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.testkit.DataBlockValues;
import dev.thinly.pdata.testkit.PdataFixture;
import dev.thinly.pdata.testkit.RefCounts;
import dev.thinly.pdata.testkit.TreeShape;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BTreeTest {
  static final long CACHE = 1 << 20;

  PdataFixture f = PdataFixture.create(4096, CACHE);
  BTree plain = new BTree(f.tm(), ValueType.plain(8));

  long tree(int n) {
    long root = plain.createEmpty();
    for (int i = 0; i < n; i++) {
      root = plain.insertLong(root, i, i * 10L).root();
    }
    return root;
  }

  @Test
  void anEmptyTreeIsOneEmptyLeaf() {
    long root = plain.createEmpty();
    ReadBlock n = f.tm().read(root, NodeValidator.INSTANCE);
    assertThat(Node.isLeaf(n)).isTrue();
    assertThat(Node.nrEntries(n)).isZero();
    assertThat(Node.maxEntries(n)).isEqualTo(252);
    assertThat(plain.lookupLong(root, 0)).isEmpty();
    assertThat(plain.lookupGreaterOrEqual(root, 0)).isEmpty();
    assertThat(plain.remove(root, 5)).isEqualTo(new BTree.Removal(root, 0));
    assertThat(plain.removeRange(root, 0, -1L)).isEqualTo(new BTree.Removal(root, 0));
  }

  /** Splitting a full leaf root turns it into an internal node: value size 8, 252 slots. */
  @Test
  void aSplitRootIsRewrittenAsAnInternalNode() {
    BTree details = new BTree(f.tm(), ValueType.plain(24));
    long root = details.createEmpty();
    for (int i = 0; i <= 126; i++) {
      root = details.insert(root, i, new byte[24]).root();
    }
    ReadBlock n = f.tm().read(root, NodeValidator.INSTANCE);
    assertThat(Node.isInternal(n)).isTrue();
    assertThat(Node.valueSize(n)).isEqualTo(8);
    assertThat(Node.maxEntries(n)).isEqualTo(252);
    assertThat(Node.nrEntries(n)).isEqualTo(2);
    assertThat(TreeShape.problems(f.tm(), root)).isEmpty();
    ReadBlock leaf = f.tm().read(Node.child(n, 0), NodeValidator.INSTANCE);
    assertThat(Node.maxEntries(leaf)).isEqualTo(126);
    assertThat(Node.valueSize(leaf)).isEqualTo(24);
  }

  /** Inserting below keys[0] lowers the first key of every internal node on the way. */
  @Test
  void aKeyBelowEverythingLowersTheFirstKeys() {
    long root = plain.createEmpty();
    for (int i = 1000; i < 3000; i++) {
      root = plain.insertLong(root, i, i).root();
    }
    root = plain.insertLong(root, 5, 5).root();
    ReadBlock n = f.tm().read(root, NodeValidator.INSTANCE);
    assertThat(Node.key(n, 0)).isEqualTo(5);
    assertThat(TreeShape.problems(f.tm(), root)).isEmpty();
    assertThat(plain.lookupLong(root, 5)).hasValue(5);
    assertThat(plain.lookupGreaterOrEqual(root, 0)).hasValue(5);
    assertThat(plain.lookupGreaterOrEqual(root, 6)).hasValue(1000);
  }

  /** Overwriting keys of full nodes splits nothing; a new key still splits on its way down. */
  @Test
  void anOverwriteNeverSplitsAFullNode() {
    long root = tree(252 * 2);
    int leavesBefore = leaves(root);
    // fill every leaf to the brim with odd keys, then overwrite every key
    for (int i = 0; i < 252 * 2; i++) {
      root = plain.insertLong(root, 1_000_000 + i, 1).root();
    }
    int full = leaves(root);
    for (int i = 0; i < 252 * 2; i++) {
      root = plain.insertLong(root, i, i * 7L).root();
      root = plain.insertLong(root, 1_000_000 + i, 2).root();
    }
    assertThat(leaves(root)).isEqualTo(full).isGreaterThanOrEqualTo(leavesBefore);
    assertThat(TreeShape.problems(f.tm(), root)).isEmpty();
    assertThat(plain.lookupLong(root, 251)).hasValue(251 * 7L);
    assertThat(plain.lookupLong(root, 1_000_000)).hasValue(2);
    assertThat(plain.insertLong(root, 500_000, 3).added()).isTrue();
  }

  private int leaves(long root) {
    int[] n = {0};
    java.util.Set<Long> seen = new java.util.HashSet<>();
    BTreeWalker.forEach(
        plain,
        root,
        (k, leaf, off) -> {
          if (seen.add(leaf.blocknr())) {
            n[0]++;
          }
          return true;
        });
    return n[0];
  }

  @Test
  void valuesMustHaveTheTreesSize() {
    long root = plain.createEmpty();
    assertThatThrownBy(() -> plain.insert(root, 1, new byte[4])).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void removingAnAbsentKeyChangesNothing() {
    long root = tree(1000);
    f.commit(root);
    long allocated = f.sm().nrAllocated();
    BTree.Removal r = plain.remove(root, 5000);
    assertThat(r.root()).isEqualTo(root);
    assertThat(r.removed()).isZero();
    assertThat(f.tm().shadowCount()).isZero();
    assertThat(f.sm().nrAllocated()).isEqualTo(allocated);
  }

  @Test
  void removeRangeHonoursItsBoundsUnsigned() {
    long root = plain.createEmpty();
    long[] keys = {0, 1, Long.MAX_VALUE, Long.MIN_VALUE, -2L, -1L};
    for (long k : keys) {
      root = plain.insertLong(root, k, 1).root();
    }
    BTree.Removal r = plain.removeRange(root, Long.MAX_VALUE, -1L);
    assertThat(r.removed()).isEqualTo(3); // MAX_VALUE, 2^63, 2^64-2
    List<Long> left = new ArrayList<>();
    BTreeWalker.forEach(plain, r.root(), (k, leaf, off) -> left.add(k));
    assertThat(left).containsExactly(0L, 1L, -1L);
    assertThat(plain.removeRange(r.root(), 5, 5).removed()).isZero();
    assertThat(plain.removeRange(r.root(), 6, 5).removed()).isZero();
  }

  /** Spec 5.7: after a snapshot the data counts stay 1; breaking sharing copies a leaf (count 2). */
  @Test
  void dataCountsFollowDistinctLeaves() {
    PdataFixture g = PdataFixture.create(4096, CACHE);
    g.createDataSpaceMap(2000);
    BTree t = new BTree(g.tm(), new DataBlockValues(g::dataSm));
    long origin = t.createEmpty();
    for (int i = 0; i < 600; i++) {
      origin = t.insertLong(origin, i, g.dataSm().allocate().orElseThrow()).root();
    }
    g.commit(origin);
    g.tm().inc(origin); // create_snap
    long snap = origin;
    for (long d = 0; d < 600; d++) {
      assertThat(g.dataSm().count(d)).isEqualTo(1);
    }
    // write to the origin: break sharing of one leaf
    long newBlock = g.dataSm().allocate().orElseThrow();
    origin = t.insertLong(origin, 0, newBlock).root();
    assertThat(g.dataSm().count(0)).as("the overwritten block is only in the snapshot's leaf").isEqualTo(1);
    ReadBlock copiedLeaf = firstLeaf(g, origin);
    for (int i = 1; i < Node.nrEntries(copiedLeaf); i++) {
      assertThat(g.dataSm().count(copiedLeaf.getLong(Node.valueOffset(copiedLeaf, i)))).isEqualTo(2);
    }
    g.commit(origin, snap);
    checkCounts(g, t, origin, snap);
    // deleting the snapshot releases only what it alone referenced
    t.deleteTree(snap);
    g.commit(origin);
    checkCounts(g, t, origin);
    assertThat(g.dataSm().count(0)).isZero();
    assertThat(g.dataSm().nrAllocated()).isEqualTo(600);
  }

  @Test
  void deletingOneOfThreeSharersOnlyDropsAReference() {
    long root = tree(5000);
    f.tm().inc(root);
    f.tm().inc(root);
    f.commit(root, root, root);
    assertThat(f.sm().count(root)).isEqualTo(3);
    plain.deleteTree(root);
    assertThat(f.sm().count(root)).isEqualTo(2);
    long other = plain.insertLong(root, 99_999, 1).root();
    f.commit(root, other);
    assertThat(RefCounts.check(f, root, other)).isEmpty();
    plain.deleteTree(root);
    plain.deleteTree(other);
    f.commit();
    assertThat(RefCounts.check(f)).isEmpty();
    assertThat(f.sm().nrAllocated()).isEqualTo(4);
  }

  /** update: the path is shadowed before the function runs, and no inc/dec is called. */
  @Test
  void updateReplacesAValueAfterShadowingThePath() {
    long root = tree(3000);
    f.tm().inc(root);
    f.commit(root, root);
    long[] seen = new long[1];
    long updated =
        plain.update(
            root,
            1234,
            old -> {
              seen[0] = old;
              return 42;
            });
    assertThat(seen[0]).isEqualTo(12_340);
    assertThat(updated).isNotEqualTo(root);
    assertThat(plain.lookupLong(updated, 1234)).hasValue(42);
    assertThat(plain.lookupLong(root, 1234)).as("the shared original").hasValue(12_340);
    f.commit(root, updated);
    assertThat(RefCounts.check(f, root, updated)).isEmpty();
    assertThatThrownBy(() -> plain.update(updated, 999_999, v -> v)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void touchMakesThePathExclusive() {
    long root = tree(3000);
    f.tm().inc(root);
    f.commit(root, root);
    long touched = plain.touch(root, 2500);
    ReadBlock n = f.tm().read(touched, NodeValidator.INSTANCE);
    while (Node.isInternal(n)) {
      assertThat(f.tm().isShadow(n.blocknr())).isTrue();
      assertThat(f.sm().count(n.blocknr())).isEqualTo(1);
      n = f.tm().read(Node.child(n, Node.lowerBound(n, 2500)), NodeValidator.INSTANCE);
    }
    assertThat(f.tm().isShadow(n.blocknr())).isTrue();
    f.commit(root, touched);
    assertThat(RefCounts.check(f, root, touched)).isEmpty();
  }

  /** Readers share the block manager: lookups from many threads with a cache far too small. */
  @Test
  void concurrentLookupsWithATinyCache() throws Exception {
    PdataFixture g = PdataFixture.create(4096, 16 * 4096);
    BTree t = new BTree(g.tm(), ValueType.plain(8));
    BTreeBuilder b = new BTreeBuilder(g.tm(), 8);
    for (long k = 0; k < 100_000; k++) {
      b.addLong(k * 3, k);
    }
    long root = b.build();
    g.commit(root);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread[] threads = new Thread[4];
    for (int i = 0; i < threads.length; i++) {
      long seed = i;
      threads[i] =
          Thread.ofPlatform()
              .start(
                  () -> {
                    java.util.Random r = new java.util.Random(seed);
                    try {
                      for (int j = 0; j < 20_000; j++) {
                        long k = r.nextInt(300_000);
                        long v = t.lookupLong(root, k).orElse(-1);
                        if (v != (k % 3 == 0 ? k / 3 : -1)) {
                          throw new AssertionError("key " + k + " gave " + v);
                        }
                      }
                    } catch (Throwable e) {
                      failure.compareAndSet(null, e);
                    }
                  });
    }
    for (Thread th : threads) {
      th.join();
    }
    assertThat(failure.get()).isNull();
    assertThat(g.bm().cachedBlocks()).isLessThanOrEqualTo(16 + threads.length);
  }

  private static ReadBlock firstLeaf(PdataFixture g, long root) {
    ReadBlock n = g.tm().read(root, NodeValidator.INSTANCE);
    while (Node.isInternal(n)) {
      n = g.tm().read(Node.child(n, 0), NodeValidator.INSTANCE);
    }
    return n;
  }

  private static void checkCounts(PdataFixture g, BTree t, long... roots) {
    RefCounts meta = RefCounts.forFixture(g);
    RefCounts data = new RefCounts(g.tm());
    for (long r : roots) {
      assertThat(TreeShape.problems(g.tm(), r)).isEmpty();
      meta.addTree(r, (leaf, off) -> data.add(leaf.getLong(off)));
    }
    assertThat(meta.compareWith(g.sm())).isEmpty();
    assertThat(data.compareWith(g.dataSm())).isEmpty();
  }
}
