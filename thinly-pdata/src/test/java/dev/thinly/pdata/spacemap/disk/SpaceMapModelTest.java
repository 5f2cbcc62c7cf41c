package dev.thinly.pdata.spacemap.disk;

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
 * Stateful model test of {@link MetadataSpaceMap} and {@link DiskSpaceMap}: inc (also to counts of
 * 3 and more, which live in the ref-count trees), dec, allocate, extend across bitmap boundaries
 * (16320 entries per bitmap), commit, abort, restart. After every step the counts and {@code
 * nr_allocated} equal the models; allocation never returns a block in use now or at the last
 * commit, and returns empty only when no such block exists; the data map's index entries are exact.
 * After every commit both maps are compared block by block and the metadata map's bitmaps, index
 * and ref-count tree are checked.
 */
class SpaceMapModelTest {

  /** Small maps: allocation runs out, counts go through the ref-count trees and back. */
  @Property(tries = 60)
  void smallMaps(@ForAll("smallChains") ActionChain<SpaceMapsUnderTest> chain) {
    chain.withInvariant(SpaceMapsUnderTest::checkInvariants).run();
  }

  /** Maps that grow across bitmap boundaries. */
  @Property(tries = 25)
  void growingMaps(@ForAll("growingChains") ActionChain<SpaceMapsUnderTest> chain) {
    chain.withInvariant(SpaceMapsUnderTest::checkInvariants).run();
  }

  @Provide
  Arbitrary<ActionChain<SpaceMapsUnderTest>> smallChains() {
    return chains(() -> new SpaceMapsUnderTest(300, 40, 32 * 4096), 200, 30);
  }

  @Provide
  Arbitrary<ActionChain<SpaceMapsUnderTest>> growingChains() {
    return chains(() -> new SpaceMapsUnderTest(16_000, 16_300, 64 * 4096), 20_000, 20_000);
  }

  private static ActionChainArbitrary<SpaceMapsUnderTest> chains(
      java.util.function.Supplier<SpaceMapsUnderTest> start, int maxMetaGrowth, int maxDataGrowth) {
    return ActionChain.<SpaceMapsUnderTest>startWith(start)
        .withAction(4, metaInc())
        .withAction(3, metaDec())
        .withAction(3, metaAllocate())
        .withAction(1, metaExtend(maxMetaGrowth))
        .withAction(1, metaIncRange())
        .withAction(1, metaDecAll())
        .withAction(4, dataInc())
        .withAction(4, dataDec())
        .withAction(4, dataAllocate())
        .withAction(2, dataAllocateIn())
        .withAction(1, dataExtend(maxDataGrowth))
        .withAction(1, dataIncRange())
        .withAction(1, dataDecAll())
        .withAction(3, commit())
        .withAction(1, abort())
        .withAction(1, restart())
        .withMaxTransformations(40);
  }

  static Arbitrary<Integer> times() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(5, Arbitraries.just(1)),
        net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(2, 5)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(6, 40)));
  }

  static Action.Independent<SpaceMapsUnderTest> metaInc() {
    return () ->
        Combinators.combine(Arbitraries.longs().between(0, 1_000_000), times())
            .as((b, n) -> Transformer.mutate("metaInc(#" + b + " x" + n + ")", s -> s.metaInc(b, n)));
  }

  /** Enough blocks at count 3+ to split the ref-count tree (336 entries per leaf). */
  static Action.Independent<SpaceMapsUnderTest> metaIncRange() {
    return () ->
        Combinators.combine(Arbitraries.longs().between(0, 1_000_000), Arbitraries.integers().between(1, 800), Arbitraries.integers().between(1, 4))
            .as((b, len, n) -> Transformer.mutate("metaIncRange(#" + b + ", " + len + " x" + n + ")", s -> s.metaIncRange(b, len, n)));
  }

  static Action.Independent<SpaceMapsUnderTest> metaDecAll() {
    return () ->
        Combinators.combine(Arbitraries.longs().between(0, 1_000_000), Arbitraries.integers().between(1, 800))
            .as((b, len) -> Transformer.mutate("metaDecAll(#" + b + ", " + len + ")", s -> s.metaDecAll(b, len)));
  }

  static Action.Independent<SpaceMapsUnderTest> dataIncRange() {
    return () ->
        Combinators.combine(Arbitraries.longs().between(0, 1_000_000), Arbitraries.integers().between(1, 800), Arbitraries.integers().between(1, 4))
            .as((b, len, n) -> Transformer.mutate("dataIncRange(#" + b + ", " + len + " x" + n + ")", s -> s.dataIncRange(b, len, n)));
  }

  static Action.Independent<SpaceMapsUnderTest> dataDecAll() {
    return () ->
        Combinators.combine(Arbitraries.longs().between(0, 1_000_000), Arbitraries.integers().between(1, 800))
            .as((b, len) -> Transformer.mutate("dataDecAll(#" + b + ", " + len + ")", s -> s.dataDecAll(b, len)));
  }

  static Action.Independent<SpaceMapsUnderTest> metaDec() {
    return () ->
        Arbitraries.longs().between(0, 1_000_000).map(b -> Transformer.mutate("metaDec(#" + b + ")", s -> s.metaDec(b)));
  }

  static Action.Independent<SpaceMapsUnderTest> metaAllocate() {
    return () -> times().map(n -> Transformer.mutate("metaAllocate(x" + n + ")", s -> s.metaAllocate(n)));
  }

  static Action.Independent<SpaceMapsUnderTest> metaExtend(int max) {
    return () ->
        Arbitraries.longs().between(1, max).map(d -> Transformer.mutate("metaExtend(+" + d + ")", s -> s.metaExtend(d)));
  }

  static Action.Independent<SpaceMapsUnderTest> dataInc() {
    return () ->
        Combinators.combine(Arbitraries.longs().between(0, 1_000_000), times())
            .as((b, n) -> Transformer.mutate("dataInc(#" + b + " x" + n + ")", s -> s.dataInc(b, n)));
  }

  static Action.Independent<SpaceMapsUnderTest> dataDec() {
    return () ->
        Combinators.combine(Arbitraries.longs().between(0, 1_000_000), times())
            .as((b, n) -> Transformer.mutate("dataDec(#" + b + " x" + n + ")", s -> s.dataDec(b, n)));
  }

  static Action.Independent<SpaceMapsUnderTest> dataAllocate() {
    return () -> times().map(n -> Transformer.mutate("dataAllocate(x" + n + ")", s -> s.dataAllocate(n)));
  }

  static Action.Independent<SpaceMapsUnderTest> dataAllocateIn() {
    Arbitrary<Double> fraction = Arbitraries.doubles().between(0, 1);
    return () ->
        Combinators.combine(fraction, fraction)
            .as((a, b) -> Transformer.mutate("dataAllocateIn(" + a + ", " + b + ")", s -> s.dataAllocateIn(a, b)));
  }

  static Action.Independent<SpaceMapsUnderTest> dataExtend(int max) {
    return () ->
        Arbitraries.longs().between(0, max).map(d -> Transformer.mutate("dataExtend(+" + d + ")", s -> s.dataExtend(d)));
  }

  static Action.Independent<SpaceMapsUnderTest> commit() {
    return Action.just(Transformer.mutate("commit", SpaceMapsUnderTest::commit));
  }

  static Action.Independent<SpaceMapsUnderTest> abort() {
    return Action.just(Transformer.mutate("abort", SpaceMapsUnderTest::abort));
  }

  static Action.Independent<SpaceMapsUnderTest> restart() {
    return Action.just(Transformer.mutate("restart", SpaceMapsUnderTest::restart));
  }

  static <S> Action.Independent<S> guarded(Predicate<S> precondition, Arbitrary<Transformer<S>> transformer) {
    return new Action.Independent<>() {
      @Override
      public boolean precondition(S s) {
        return precondition.test(s);
      }

      @Override
      public Arbitrary<Transformer<S>> transformer() {
        return transformer;
      }
    };
  }
}
