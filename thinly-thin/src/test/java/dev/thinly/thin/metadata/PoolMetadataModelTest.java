package dev.thinly.thin.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

/**
 * Stateful model test of {@link PoolMetadata}: random sequences of thin/snapshot creation,
 * deletion, mapping inserts (of freshly allocated data blocks), removals, range removals,
 * transaction ids, metadata snapshots, commits, aborts and reopens, run against {@link PoolModel}.
 * Every commit is verified in depth ({@link PoolUnderTest#verify}): contents, details, exclusivity
 * of every mapped block, an exact recount of every reference by the check tool, the held snapshot's
 * contents, and (every few commits) the installed thin_check.
 */
class PoolMetadataModelTest {
  private static final long IDS = 6;
  private static final long BLOCKS = 1500;
  private static Path dir;
  private static final AtomicLong files = new AtomicLong();

  @BeforeContainer
  static void createDir() throws IOException {
    dir = Files.createTempDirectory("pool-model");
  }

  @AfterContainer
  static void deleteDir() throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }

  @Property(tries = 250)
  void poolMetadataFollowsTheModel(@ForAll("chains") ActionChain<PoolUnderTest> chain) {
    PoolUnderTest p = chain.run();
    try {
      p.commitAndVerify();
    } finally {
      p.close();
      try {
        Files.deleteIfExists(p.file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Provide
  Arbitrary<ActionChain<PoolUnderTest>> chains() {
    return ActionChain.<PoolUnderTest>startWith(
            () -> new PoolUnderTest(dir.resolve("pool-" + files.incrementAndGet()), 4))
        .withAction(3, createThin())
        .withAction(3, createSnap())
        .withAction(1, delete())
        .withAction(6, insert())
        .withAction(2, remove())
        .withAction(2, removeRange())
        .withAction(1, abandonAllocation())
        .withAction(1, setTransactionId())
        .withAction(1, reserve())
        .withAction(1, release())
        .withAction(
            4, Action.just("commit", Transformer.mutate("commit", PoolUnderTest::commitAndVerify)))
        .withAction(1, Action.just("abort", Transformer.mutate("abort", PoolUnderTest::abort)))
        .withAction(1, Action.just("reopen", Transformer.mutate("reopen", PoolUnderTest::reopen)))
        .withMaxTransformations(50);
  }

  private static Arbitrary<Long> ids() {
    return Arbitraries.longs().between(0, IDS - 1);
  }

  private static Action.Independent<PoolUnderTest> createThin() {
    return () ->
        ids()
            .map(
                id ->
                    Transformer.mutate(
                        "create_thin " + id,
                        p -> {
                          if (p.model.devices.containsKey(id)) {
                            assertThatThrownBy(() -> p.pm.createThin(id))
                                .isInstanceOfSatisfying(
                                    ThinDeviceException.class,
                                    e ->
                                        assertThat(e.problem())
                                            .isEqualTo(ThinDeviceException.Problem.EXISTS));
                          } else {
                            p.pm.createThin(id);
                            p.model.createThin(id);
                          }
                        }));
  }

  private static Action.Independent<PoolUnderTest> createSnap() {
    return () ->
        Combinators.combine(ids(), ids())
            .as(
                (id, origin) ->
                    Transformer.mutate(
                        "create_snap " + id + " " + origin,
                        p -> {
                          if (p.model.devices.containsKey(id)) {
                            assertThatThrownBy(() -> p.pm.createSnap(id, origin))
                                .isInstanceOf(ThinDeviceException.class);
                          } else if (!p.model.devices.containsKey(origin)) {
                            assertThatThrownBy(() -> p.pm.createSnap(id, origin))
                                .isInstanceOfSatisfying(
                                    ThinDeviceException.class,
                                    e ->
                                        assertThat(e.problem())
                                            .isEqualTo(ThinDeviceException.Problem.UNKNOWN));
                          } else {
                            p.pm.createSnap(id, origin);
                            p.model.createSnap(id, origin);
                          }
                        }));
  }

  private static Action.Independent<PoolUnderTest> delete() {
    return () ->
        ids()
            .map(
                id ->
                    Transformer.mutate(
                        "delete " + id,
                        p -> {
                          if (p.model.devices.containsKey(id)) {
                            p.pm.deleteThin(id);
                            p.model.delete(id);
                          } else {
                            assertThatThrownBy(() -> p.pm.deleteThin(id))
                                .isInstanceOf(ThinDeviceException.class);
                          }
                        }));
  }

  private static Action.Independent<PoolUnderTest> insert() {
    Arbitrary<Long> begin = Arbitraries.longs().between(0, BLOCKS);
    Arbitrary<Integer> count =
        Arbitraries.integers()
            .between(1, 300)
            .withDistribution(net.jqwik.api.RandomDistribution.biased());
    Arbitrary<Integer> stride = Arbitraries.of(1, 1, 1, 2, 7);
    return () ->
        Combinators.combine(ids(), begin, count, stride)
            .as(
                (id, b, n, s) ->
                    Transformer.mutate(
                        "insert " + id + " " + b + "+" + n + (s > 1 ? " every " + s : ""),
                        p -> {
                          if (!p.model.devices.containsKey(id)) {
                            assertThatThrownBy(() -> p.pm.insert(id, b, 0))
                                .isInstanceOf(ThinDeviceException.class);
                            return;
                          }
                          for (long i = 0; i < n; i++) {
                            long thinBlock = b + i * s;
                            long d = p.allocate();
                            boolean added = p.pm.insert(id, thinBlock, d);
                            assertThat(added)
                                .isEqualTo(!p.model.devices.get(id).containsKey(thinBlock));
                            p.model.insert(id, thinBlock, d);
                          }
                        }));
  }

  private static Action.Independent<PoolUnderTest> remove() {
    return () ->
        Combinators.combine(ids(), Arbitraries.longs().between(0, BLOCKS))
            .as(
                (id, k) ->
                    Transformer.mutate(
                        "remove " + id + " " + k,
                        p -> {
                          if (!p.model.devices.containsKey(id)) {
                            assertThatThrownBy(() -> p.pm.remove(id, k))
                                .isInstanceOf(ThinDeviceException.class);
                            return;
                          }
                          boolean mapped = p.model.devices.get(id).remove(k) != null;
                          assertThat(p.pm.remove(id, k)).isEqualTo(mapped);
                        }));
  }

  private static Action.Independent<PoolUnderTest> removeRange() {
    Arbitrary<Long> begin = Arbitraries.longs().between(0, BLOCKS);
    Arbitrary<Long> length = Arbitraries.longs().between(0, 700);
    return () ->
        Combinators.combine(ids(), begin, length)
            .as(
                (id, b, n) ->
                    Transformer.mutate(
                        "remove_range " + id + " [" + b + ", " + (b + n) + ")",
                        p -> {
                          if (!p.model.devices.containsKey(id)) {
                            assertThatThrownBy(() -> p.pm.removeRange(id, b, b + n))
                                .isInstanceOf(ThinDeviceException.class);
                            return;
                          }
                          var range = p.model.devices.get(id).subMap(b, b + n);
                          long expected = range.size();
                          range.clear();
                          assertThat(p.pm.removeRange(id, b, b + n)).isEqualTo(expected);
                        }));
  }

  private static Action.Independent<PoolUnderTest> abandonAllocation() {
    return () ->
        Arbitraries.just(
            Transformer.mutate(
                "allocate and release a data block",
                p -> {
                  long d = p.allocate();
                  p.pm.releaseDataBlock(d);
                }));
  }

  private static Action.Dependent<PoolUnderTest> setTransactionId() {
    return p ->
        Combinators.combine(Arbitraries.of(true, true, false), Arbitraries.longs().between(0, 1000))
            .as(
                (right, next) ->
                    Transformer.mutate(
                        "set_transaction_id " + (right ? "" : "wrong ") + next,
                        q -> {
                          long current = q.model.transactionId;
                          if (right) {
                            q.pm.setTransactionId(current, next);
                            q.model.transactionId = next;
                          } else {
                            assertThatThrownBy(() -> q.pm.setTransactionId(current + 1, next))
                                .isInstanceOf(MetadataStateException.class);
                          }
                        }));
  }

  private static Action.Independent<PoolUnderTest> reserve() {
    return () ->
        Arbitraries.just(
            Transformer.mutate(
                "reserve_metadata_snap",
                p -> {
                  if (p.model.held != null) {
                    assertThatThrownBy(p.pm::reserveMetadataSnap)
                        .isInstanceOfSatisfying(
                            MetadataStateException.class,
                            e ->
                                assertThat(e.kind())
                                    .isEqualTo(MetadataStateException.Kind.SNAPSHOT_HELD));
                    return;
                  }
                  // the pool commits first, then keeps a copy of what it committed
                  p.pm.reserveMetadataSnap();
                  p.committed = p.model.copy();
                  p.model.held = p.model.copy();
                }));
  }

  private static Action.Independent<PoolUnderTest> release() {
    return () ->
        Arbitraries.just(
            Transformer.mutate(
                "release_metadata_snap",
                p -> {
                  if (p.model.held == null) {
                    assertThatThrownBy(p.pm::releaseMetadataSnap)
                        .isInstanceOfSatisfying(
                            MetadataStateException.class,
                            e ->
                                assertThat(e.kind())
                                    .isEqualTo(MetadataStateException.Kind.SNAPSHOT_NOT_HELD));
                    return;
                  }
                  p.pm.releaseMetadataSnap();
                  p.model.held = null;
                }));
  }
}
