package dev.thinly.thin.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.pdata.error.ReadOnlyException;

import dev.thinly.thin.testkit.ThinTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

/**
 * Random sequences of volume operations against a pool and against a plain byte-array model of
 * every volume: every read equals the model, and so does a full read ("export") of every volume
 * after the sequence and after reopening; the metadata then passes thin_check.
 */
class PoolModelProperties {
  private static final long BLOCK = 64 * 1024;
  private static final List<String> NAMES = List.of("a", "b", "c", "d", "e", "f");

  /** The pool under test and what every volume should contain. */
  static final class State implements AutoCloseable {
    final Path dir;
    ThinPool pool;
    final Map<String, byte[]> model = new TreeMap<>();
    final java.util.Set<String> readOnly = new java.util.HashSet<>();

    State() {
      try {
        dir = Files.createTempDirectory("thinly-pool-model");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      pool =
          ThinPool.create(
              dir.resolve("pool"), PoolCreateOptions.ofSize(64L << 20), PoolOptions.defaults("model"));
    }

    byte[] read(String name, long offset, int len) {
      ByteBuffer b = ByteBuffer.allocate(len);
      try (Volume v = pool.open(name)) {
        v.read(offset, b);
      }
      return b.array();
    }

    void verifyAll() {
      for (Map.Entry<String, byte[]> e : model.entrySet()) {
        assertThat(read(e.getKey(), 0, e.getValue().length)).as("volume " + e.getKey()).isEqualTo(e.getValue());
      }
    }

    void reopen() {
      pool.close();
      pool = ThinPool.open(dir.resolve("pool"), PoolOptions.defaults("model"));
    }

    @Override
    public void close() {
      pool.close();
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Property(tries = 60)
  void poolMatchesModel(@ForAll("chains") ActionChain<State> chain) {
    State s = chain.run();
    try {
      s.verifyAll();
      s.reopen();
      s.verifyAll();
      s.pool.close();
      ThinTools.Result r = ThinTools.thinCheck(s.dir.resolve("pool/metadata"));
      assertThat(r.exitCode()).as(r.all()).isZero();
      s.pool = ThinPool.open(s.dir.resolve("pool"), PoolOptions.defaults("model"));
    } finally {
      s.close();
    }
  }

  @Provide
  Arbitrary<ActionChain<State>> chains() {
    return ActionChain.<State>startWith(State::new)
        .withAction(2, new Create())
        .withAction(8, new Write())
        .withAction(4, new Read())
        .withAction(2, new Discard())
        .withAction(2, new Zero())
        .withAction(2, new Snapshot())
        .withAction(1, new Delete())
        .withAction(1, new Resize())
        .withAction(1, Action.just(Transformer.mutate("flush", s -> s.pool.flush())))
        .withAction(1, Action.just(Transformer.mutate("reopen", State::reopen)))
        .withMaxTransformations(40);
  }

  private static Arbitrary<String> existing(State s) {
    return Arbitraries.of(List.copyOf(s.model.keySet()));
  }

  /** A range inside a volume of {@code size} bytes: offset and length, length >= 1. */
  private static Arbitrary<long[]> range(long size) {
    Arbitrary<Long> offset =
        Arbitraries.oneOf(
            Arbitraries.longs().between(0, size - 1),
            Arbitraries.longs().between(0, (size - 1) / BLOCK).map(b -> b * BLOCK));
    return offset.flatMap(
        off ->
            Arbitraries.oneOf(
                    Arbitraries.longs().between(1, Math.min(size - off, 3 * BLOCK)),
                    Arbitraries.just(Math.min(size - off, BLOCK)))
                .map(len -> new long[] {off, len}));
  }

  static final class Create implements Action.Dependent<State> {
    @Override
    public boolean precondition(State s) {
      return s.model.size() < NAMES.size();
    }

    @Override
    public Arbitrary<Transformer<State>> transformer(State s) {
      Arbitrary<String> name = Arbitraries.of(NAMES).filter(n -> !s.model.containsKey(n));
      Arbitrary<Long> size = Arbitraries.longs().between(1, 16).map(k -> k * 65536 - (k % 3) * 512);
      return Combinators.combine(name, size)
          .as(
              (n, sz) ->
                  Transformer.mutate(
                      "create " + n + " " + sz,
                      st -> {
                        if (st.model.containsKey(n)) {
                          return;
                        }
                        st.pool.create(n, sz, Map.of());
                        st.model.put(n, new byte[sz.intValue()]);
                      }));
    }
  }

  static final class Write implements Action.Dependent<State> {
    @Override
    public boolean precondition(State s) {
      return !s.model.isEmpty();
    }

    @Override
    public Arbitrary<Transformer<State>> transformer(State s) {
      return existing(s)
          .flatMap(
              n ->
                  Combinators.combine(range(s.model.get(n).length), Arbitraries.longs(), Arbitraries.of(true, false))
                      .as(
                          (r, seed, fua) ->
                              Transformer.mutate(
                                  "write " + n + " " + r[0] + "+" + r[1] + (fua ? " fua" : ""),
                                  st -> {
                                    if (!st.model.containsKey(n)) {
                                      return;
                                    }
                                    byte[] data = new byte[(int) r[1]];
                                    new Random(seed).nextBytes(data);
                                    byte[] m = st.model.get(n);
                                    try (Volume v = st.pool.open(n)) {
                                      if (v.readOnly()) {
                                        return;
                                      }
                                      v.write(r[0], ByteBuffer.wrap(data), fua);
                                    }
                                    System.arraycopy(data, 0, m, (int) r[0], data.length);
                                  })));
    }
  }

  static final class Read implements Action.Dependent<State> {
    @Override
    public boolean precondition(State s) {
      return !s.model.isEmpty();
    }

    @Override
    public Arbitrary<Transformer<State>> transformer(State s) {
      return existing(s)
          .flatMap(
              n ->
                  range(s.model.get(n).length)
                      .map(
                          r ->
                              Transformer.mutate(
                                  "read " + n + " " + r[0] + "+" + r[1],
                                  st -> {
                                    if (!st.model.containsKey(n)) {
                                      return;
                                    }
                                    byte[] m = st.model.get(n);
                                    assertThat(st.read(n, r[0], (int) r[1]))
                                        .isEqualTo(Arrays.copyOfRange(m, (int) r[0], (int) (r[0] + r[1])));
                                  })));
    }
  }

  static final class Discard implements Action.Dependent<State> {
    @Override
    public boolean precondition(State s) {
      return !s.model.isEmpty();
    }

    @Override
    public Arbitrary<Transformer<State>> transformer(State s) {
      return existing(s)
          .flatMap(
              n ->
                  range(s.model.get(n).length)
                      .map(
                          r ->
                              Transformer.mutate(
                                  "discard " + n + " " + r[0] + "+" + r[1],
                                  st -> {
                                    if (!st.model.containsKey(n)) {
                                      return;
                                    }
                                    try (Volume v = st.pool.open(n)) {
                                      if (v.readOnly()) {
                                        return;
                                      }
                                      v.discard(r[0], r[1], false);
                                    }
                                    long from = (r[0] + BLOCK - 1) / BLOCK * BLOCK;
                                    long to = (r[0] + r[1]) / BLOCK * BLOCK;
                                    if (from < to) {
                                      Arrays.fill(st.model.get(n), (int) from, (int) to, (byte) 0);
                                    }
                                  })));
    }
  }

  static final class Zero implements Action.Dependent<State> {
    @Override
    public boolean precondition(State s) {
      return !s.model.isEmpty();
    }

    @Override
    public Arbitrary<Transformer<State>> transformer(State s) {
      return existing(s)
          .flatMap(
              n ->
                  Combinators.combine(range(s.model.get(n).length), Arbitraries.of(true, false))
                      .as(
                          (r, noHole) ->
                              Transformer.mutate(
                                  "zero " + n + " " + r[0] + "+" + r[1] + (noHole ? " no-hole" : ""),
                                  st -> {
                                    if (!st.model.containsKey(n)) {
                                      return;
                                    }
                                    try (Volume v = st.pool.open(n)) {
                                      if (v.readOnly()) {
                                        return;
                                      }
                                      v.writeZeroes(r[0], r[1], noHole, false);
                                    }
                                    Arrays.fill(st.model.get(n), (int) r[0], (int) (r[0] + r[1]), (byte) 0);
                                  })));
    }
  }

  static final class Snapshot implements Action.Dependent<State> {
    @Override
    public boolean precondition(State s) {
      return !s.model.isEmpty() && s.model.size() < NAMES.size();
    }

    @Override
    public Arbitrary<Transformer<State>> transformer(State s) {
      Arbitrary<String> target = Arbitraries.of(NAMES).filter(n -> !s.model.containsKey(n));
      return Combinators.combine(existing(s), target, Arbitraries.of(true, false))
          .as(
              (src, dst, ro) ->
                  Transformer.mutate(
                      "snapshot " + src + " " + dst + (ro ? " ro" : ""),
                      st -> {
                        if (!st.model.containsKey(src) || st.model.containsKey(dst)) {
                          return;
                        }
                        st.pool.snapshot(src, dst, ro);
                        if (ro) {
                          st.readOnly.add(dst);
                        }
                        st.model.put(dst, st.model.get(src).clone());
                      }));
    }
  }

  static final class Delete implements Action.Dependent<State> {
    @Override
    public boolean precondition(State s) {
      return !s.model.isEmpty();
    }

    @Override
    public Arbitrary<Transformer<State>> transformer(State s) {
      return existing(s)
          .map(
              n ->
                  Transformer.mutate(
                      "delete " + n,
                      st -> {
                        if (!st.model.containsKey(n)) {
                          return;
                        }
                        st.pool.delete(n, false);
                        st.model.remove(n);
                        st.readOnly.remove(n);
                      }));
    }
  }

  static final class Resize implements Action.Dependent<State> {
    @Override
    public boolean precondition(State s) {
      return !s.model.isEmpty();
    }

    @Override
    public Arbitrary<Transformer<State>> transformer(State s) {
      Arbitrary<Long> size = Arbitraries.longs().between(1, 24 * 128).map(k -> k * 512);
      return Combinators.combine(existing(s), size)
          .as(
              (n, sz) ->
                  Transformer.mutate(
                      "resize " + n + " " + sz,
                      st -> {
                        if (!st.model.containsKey(n)) {
                          return;
                        }
                        if (st.readOnly.contains(n)) {
                          assertThatThrownBy(() -> st.pool.resize(n, sz)).isInstanceOf(ReadOnlyException.class);
                          return;
                        }
                        st.pool.resize(n, sz);
                        st.model.put(n, Arrays.copyOf(st.model.get(n), sz.intValue()));
                      }));
    }
  }
}
