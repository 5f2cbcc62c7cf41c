package dev.thinly.pdata.btree;

import java.util.function.Predicate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.ActionChainArbitrary;
import net.jqwik.api.state.Transformer;

/**
 * Stateful model test of {@link BTree} against {@code TreeMap}s: random chains of inserts,
 * overwrites, removals, range removals, lookups, snapshots (shared roots that then diverge),
 * tree deletion, commits, aborts and restarts. After every step every tree is well formed
 * ({@link dev.thinly.pdata.testkit.TreeShape}), holds exactly its model, and the metadata (and
 * data) reference counts equal a recount from the structures; after every commit the whole of
 * both space maps is checked.
 */
class BTreeModelTest {

  @Property(tries = 40)
  void plainValues(@ForAll("plainChains") ActionChain<TreesUnderTest> chain) {
    chain.withInvariant(TreesUnderTest::checkInvariants).run();
  }

  /** 100-byte values: 36 per leaf. */
  @Property(tries = 40)
  void mediumValues(@ForAll("mediumChains") ActionChain<TreesUnderTest> chain) {
    chain.withInvariant(TreesUnderTest::checkInvariants).run();
  }

  /**
   * 1000-byte values: 3 per leaf, so a thousand keys make a tree of three levels whose internal
   * nodes split, merge and redistribute too.
   */
  @Property(tries = 60)
  void bigValuesMakeDeepTrees(@ForAll("deepChains") ActionChain<TreesUnderTest> chain) {
    chain.withInvariant(TreesUnderTest::checkInvariants).run();
  }

  @Property(tries = 40)
  void dataBlockValues(@ForAll("dataChains") ActionChain<TreesUnderTest> chain) {
    chain.withInvariant(TreesUnderTest::checkInvariants).run();
  }

  @Provide
  Arbitrary<ActionChain<TreesUnderTest>> plainChains() {
    return chains(false, 8);
  }

  @Provide
  Arbitrary<ActionChain<TreesUnderTest>> mediumChains() {
    return chains(false, 100);
  }

  @Provide
  Arbitrary<ActionChain<TreesUnderTest>> deepChains() {
    return chains(false, 1000);
  }

  @Provide
  Arbitrary<ActionChain<TreesUnderTest>> dataChains() {
    return chains(true, 8);
  }

  private static ActionChainArbitrary<TreesUnderTest> chains(boolean dataValues, int valueSize) {
    // a tiny cache makes eviction and re-reading part of every run
    long cacheBytes = 64 * 4096;
    return ActionChain.<TreesUnderTest>startWith(() -> new TreesUnderTest(dataValues, valueSize, cacheBytes))
        .withAction(8, insert())
        .withAction(3, bulkInsert())
        .withAction(1, rewriteSame())
        .withAction(5, remove())
        .withAction(3, removeRange())
        .withAction(3, probe())
        .withAction(2, snapshot())
        .withAction(1, deleteTree())
        .withAction(1, createTree())
        .withAction(3, commit())
        .withAction(1, abort())
        .withAction(1, restart())
        .withAction(1, writeBack())
        .withMaxTransformations(60);
  }

  /** Small keys collide (overwrites); edge keys test unsigned order. */
  static Arbitrary<Long> keys() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, Arbitraries.longs().between(0, 3000)),
        net.jqwik.api.Tuple.of(2, Arbitraries.longs()),
        net.jqwik.api.Tuple.of(
            1, Arbitraries.of(0L, 1L, -1L, -2L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1)));
  }

  static Arbitrary<Integer> treeIndex() {
    return Arbitraries.integers().between(0, 7);
  }

  static Action.Independent<TreesUnderTest> insert() {
    return () ->
        Combinators.combine(treeIndex(), keys(), Arbitraries.longs())
            .as(
                (t, k, v) ->
                    Transformer.mutate(
                        "insert(" + t + ", " + Long.toUnsignedString(k) + ")", s -> s.insert(t, k, v)));
  }

  static Action.Independent<TreesUnderTest> bulkInsert() {
    return () ->
        Combinators.combine(
                treeIndex(),
                Arbitraries.oneOf(Arbitraries.longs().between(0, 5000), Arbitraries.of(-100_000L, Long.MAX_VALUE - 5000)),
                Arbitraries.integers().between(50, 2500),
                Arbitraries.integers().between(1, 3),
                Arbitraries.of(false, true))
            .as(
                (t, start, n, stride, desc) ->
                    Transformer.mutate(
                        "bulkInsert(" + t + ", from " + Long.toUnsignedString(start) + ", " + n + " keys, stride " + stride
                            + (desc ? ", descending)" : ")"),
                        s -> s.bulkInsert(t, start, n, stride, desc)));
  }

  static Action.Independent<TreesUnderTest> rewriteSame() {
    return () ->
        Combinators.combine(treeIndex(), Arbitraries.longs())
            .as((t, k) -> Transformer.mutate("rewriteSame(" + t + ", #" + k + ")", s -> s.rewriteSame(t, k)));
  }

  static Action.Independent<TreesUnderTest> remove() {
    return () ->
        Combinators.combine(treeIndex(), keys(), Arbitraries.of(true, true, false))
            .as(
                (t, k, existing) ->
                    Transformer.mutate(
                        "remove(" + t + ", " + (existing ? "#" + k : Long.toUnsignedString(k)) + ")",
                        s -> s.remove(t, k, existing)));
  }

  static Action.Independent<TreesUnderTest> removeRange() {
    Arbitrary<Double> fraction = Arbitraries.doubles().between(0, 1.2);
    return () ->
        Arbitraries.oneOf(
            Combinators.combine(treeIndex(), fraction, fraction)
                .as(
                    (t, a, b) ->
                        Transformer.mutate(
                            "removeRangeOfExisting(" + t + ", " + a + ", " + b + ")",
                            s -> s.removeRangeOfExisting(t, a, b))),
            Combinators.combine(treeIndex(), keys(), keys())
                .as(
                    (t, a, b) ->
                        Transformer.mutate(
                            "removeRange(" + t + ", " + Long.toUnsignedString(a) + ", " + Long.toUnsignedString(b) + ")",
                            s -> s.removeRange(t, a, b))));
  }

  static Action.Independent<TreesUnderTest> probe() {
    return () ->
        Combinators.combine(treeIndex(), keys())
            .as((t, k) -> Transformer.mutate("probe(" + t + ", " + Long.toUnsignedString(k) + ")", s -> s.probe(t, k)));
  }

  static Action.Independent<TreesUnderTest> snapshot() {
    return guarded(
        s -> s.trees.size() < 6,
        treeIndex().map(t -> Transformer.mutate("snapshot(" + t + ")", s -> s.snapshot(t))));
  }

  static Action.Independent<TreesUnderTest> deleteTree() {
    return guarded(
        s -> s.trees.size() > 1,
        treeIndex().map(t -> Transformer.mutate("deleteTree(" + t + ")", s -> s.deleteTree(t))));
  }

  static Action.Independent<TreesUnderTest> guarded(
      Predicate<TreesUnderTest> precondition, Arbitrary<Transformer<TreesUnderTest>> transformer) {
    return new Action.Independent<>() {
      @Override
      public boolean precondition(TreesUnderTest s) {
        return precondition.test(s);
      }

      @Override
      public Arbitrary<Transformer<TreesUnderTest>> transformer() {
        return transformer;
      }
    };
  }

  static Action.Independent<TreesUnderTest> createTree() {
    return Action.<TreesUnderTest>when(s -> s.trees.size() < 6)
        .just(Transformer.mutate("createTree", TreesUnderTest::createTree));
  }

  static Action.Independent<TreesUnderTest> commit() {
    return Action.just(Transformer.mutate("commit", TreesUnderTest::commit));
  }

  static Action.Independent<TreesUnderTest> abort() {
    return Action.just(Transformer.mutate("abort", TreesUnderTest::abort));
  }

  static Action.Independent<TreesUnderTest> restart() {
    return Action.just(Transformer.mutate("restart", TreesUnderTest::restart));
  }

  static Action.Independent<TreesUnderTest> writeBack() {
    return Action.just(Transformer.mutate("writeBack", TreesUnderTest::writeBack));
  }
}
