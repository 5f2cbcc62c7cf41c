package dev.thinly.thin.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.pdata.io.FileBlockDevice;
import dev.thinly.thin.format.BlockTime;
import dev.thinly.thin.testkit.PoolAudit;
import dev.thinly.thin.testkit.ThinTools;
import dev.thinly.thin.tools.MetadataWalker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random pools of defs and devices, with sizes around the thresholds the builder treats
 * differently (a third of a leaf, a leaf, two leaves), built with {@link PoolBuilder}: the
 * independent audit must find exact counts and shapes, thin_check must accept the result, and
 * every device must read back with exactly its mappings.
 */
class PoolBuilderProperties {
  private static final long SLOT = 10_000;
  private static final int SLOTS = 6;
  private static final List<Integer> SIZES = List.of(0, 1, 2, 83, 84, 85, 251, 252, 253, 400, 504, 505, 700);

  /** Per slot: -1 = nothing, -2 = ref to the slot's def, n >= 0 = that many own mappings. */
  record Device(List<Integer> slots) {}

  record Pool(List<Integer> defSizes, List<Device> devices) {}

  @Provide
  Arbitrary<Pool> pools() {
    Arbitrary<Integer> size = Arbitraries.of(SIZES);
    Arbitrary<Integer> slot = Arbitraries.oneOf(Arbitraries.just(-1), Arbitraries.just(-2), Arbitraries.just(-2), size);
    return Combinators.combine(size.list().ofSize(SLOTS), slot.list().ofSize(SLOTS).map(Device::new).list().ofMinSize(1).ofMaxSize(6))
        .as(Pool::new);
  }

  @Property(tries = 40)
  void builtPoolsAreExactAndReadBack(@ForAll("pools") Pool pool) throws IOException {
    Path meta = Files.createTempFile("pool", ".bin");
    try {
      List<List<long[]>> expected = build(pool, meta);
      PoolAudit.Result audit = PoolAudit.audit(meta);
      assertThat(audit.problems()).as(pool.toString()).isEmpty();
      ThinTools.Result check = ThinTools.thinCheck(meta);
      assertThat(check.exitCode()).as(pool + "\n" + check.all()).isZero();
      try (MetadataWalker w = MetadataWalker.open(meta, OptionalLong.empty())) {
        for (int d = 0; d < expected.size(); d++) {
          List<long[]> actual = new ArrayList<>();
          w.forEachMapping(w.subtreeRoot(d).orElseThrow(), (thin, bt) ->
              actual.add(new long[] {thin, BlockTime.dataBlock(bt), BlockTime.time(bt)}));
          assertThat(actual).as("device %d of %s", d, pool).containsExactlyElementsOf(expected.get(d));
          assertThat(w.details(d).orElseThrow().mappedBlocks()).isEqualTo(expected.get(d).size());
        }
      }
    } finally {
      Files.delete(meta);
    }
  }

  private static List<List<long[]>> build(Pool pool, Path meta) {
    List<List<long[]>> expected = new ArrayList<>();
    try (PoolBuilder b = PoolBuilder.start(FileBlockDevice.create(meta, 4096), true, 1 << 20,
        new PoolBuilder.Header(128, 1_000_000, 3, 1, 0))) {
      for (int k = 0; k < SLOTS; k++) {
        b.beginDef("d" + k);
        b.mapRun(k * SLOT, k * SLOT, pool.defSizes().get(k), 1);
        b.endDef();
      }
      for (int d = 0; d < pool.devices().size(); d++) {
        List<long[]> mine = new ArrayList<>();
        b.beginDevice(d, d, 0, 3);
        for (int k = 0; k < SLOTS; k++) {
          int what = pool.devices().get(d).slots().get(k);
          if (what == -2) {
            b.refDef("d" + k);
            for (long i = 0; i < pool.defSizes().get(k); i++) {
              mine.add(new long[] {k * SLOT + i, k * SLOT + i, 1});
            }
          } else if (what > 0) {
            long data = 100_000 + d * SLOTS * SLOT + k * SLOT;
            b.mapRun(k * SLOT + 1, data, what, 2);
            for (long i = 0; i < what; i++) {
              mine.add(new long[] {k * SLOT + 1 + i, data + i, 2});
            }
          }
        }
        b.endDevice();
        expected.add(mine);
      }
      b.commit(64);
    }
    return expected;
  }
}
