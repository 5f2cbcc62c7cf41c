package dev.thinly.thin.ir;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.thin.testkit.RecordingVisitor;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class IrProperties {
  /** Slots of the thin address space: own mappings in even slots, def k in slot 2k+1. */
  private static final long SLOT = 1L << 32;

  record RunSpec(long gap, long len, long dataFraction, long time) {}

  record DeviceSpec(long id, long mapped, long transaction, long creation, long snap,
      List<List<RunSpec>> own, List<Boolean> refs) {}

  @Provide
  Arbitrary<SuperblockAttrs> superblocks() {
    Arbitrary<OptionalLong> optU32 =
        Arbitraries.longs().between(0, 0xFFFF_FFFFL).map(OptionalLong::of).injectNull(0.3)
            .map(o -> o == null ? OptionalLong.empty() : o);
    return Combinators.combine(
            Arbitraries.strings().withChars("abcXYZ0189-&<>\"' ").ofMaxLength(20),
            Arbitraries.longs().between(0, 0xFFFF_FFFFL),
            Arbitraries.longs(),
            optU32,
            optU32,
            Arbitraries.longs().between(1, 16384).map(k -> k * 128),
            Arbitraries.longs().between(1000, 1L << 40),
            Arbitraries.longs().map(OptionalLong::of).injectNull(0.7).map(o -> o == null ? OptionalLong.empty() : o))
        .as(SuperblockAttrs::new);
  }

  private Arbitrary<List<RunSpec>> runs(int max) {
    return Combinators.combine(
            Arbitraries.longs().between(0, 3),
            Arbitraries.longs().between(1, 40),
            Arbitraries.longs().between(0, 999),
            Arbitraries.longs().between(0, (1 << 24) - 1))
        .as(RunSpec::new)
        .list()
        .ofMaxSize(max);
  }

  private Arbitrary<DeviceSpec> devices() {
    Arbitrary<Long> u64 = Arbitraries.longs();
    return Combinators.combine(
            Arbitraries.longs().between(0, (1 << 24) - 1), u64, u64,
            Arbitraries.longs().between(0, 0xFFFF_FFFFL), Arbitraries.longs().between(0, 0xFFFF_FFFFL),
            runs(6).list().ofSize(4), Arbitraries.of(true, false).list().ofSize(3))
        .as(DeviceSpec::new);
  }

  @Provide
  Arbitrary<List<Object>> pools() {
    return Combinators.combine(
            superblocks(), runs(8).list().ofMaxSize(3), devices().list().ofMaxSize(5).uniqueElements(DeviceSpec::id))
        .as(IrProperties::events);
  }

  /** Places runs ascending in {@code slot}, data blocks spread over the pool by a fraction. */
  private static void place(List<Object> events, List<RunSpec> specs, long slot, long nrData) {
    long next = slot * SLOT;
    for (RunSpec r : specs) {
      long begin = next + r.gap();
      long data = Math.min(r.dataFraction() * (nrData / 1000), nrData - r.len());
      events.add(new MappingRun(begin, data, r.len(), r.time()));
      next = begin + r.len();
    }
  }

  private static List<Object> events(SuperblockAttrs sb, List<List<RunSpec>> defs, List<DeviceSpec> devices) {
    List<Object> e = new ArrayList<>();
    e.add(sb);
    for (int k = 0; k < defs.size(); k++) {
      e.add(new RecordingVisitor.Def("d" + k));
      place(e, defs.get(k), 2L * k + 1, sb.nrDataBlocks());
      e.add(RecordingVisitor.Mark.DEF_END);
    }
    for (DeviceSpec d : devices) {
      e.add(new DeviceAttrs(d.id(), d.mapped(), d.transaction(), d.creation(), d.snap()));
      for (int slot = 0; slot < 8; slot++) {
        if (slot % 2 == 0) {
          place(e, d.own().get(slot / 2), slot, sb.nrDataBlocks());
        } else if (slot / 2 < defs.size() && d.refs().get(slot / 2)) {
          e.add(new RecordingVisitor.Ref("d" + slot / 2));
        }
      }
      e.add(RecordingVisitor.Mark.DEVICE_END);
    }
    e.add(RecordingVisitor.Mark.SUPERBLOCK_END);
    e.add(RecordingVisitor.Mark.EOF);
    return e;
  }

  @Property(tries = 200)
  void xmlEmitThenParseGivesTheSameEvents(@ForAll("pools") List<Object> events) {
    StringWriter xml = new StringWriter();
    RecordingVisitor.replay(events, new XmlEmitter(xml));
    RecordingVisitor parsed = new RecordingVisitor();
    XmlParser.parse(
        new ByteArrayInputStream(xml.toString().getBytes(StandardCharsets.UTF_8)), "random.xml", parsed);
    List<Object> expected = new ArrayList<>(events);
    // the XML always carries flags and version (0.9.0 prints defaults for missing ones)
    SuperblockAttrs sb = (SuperblockAttrs) expected.get(0);
    expected.set(0, new SuperblockAttrs(sb.uuid(), sb.time(), sb.transaction(),
        OptionalLong.of(sb.flagsOrDefault()), OptionalLong.of(sb.versionOrDefault()),
        sb.dataBlockSizeSectors(), sb.nrDataBlocks(), sb.metadataSnap()));
    assertThat(parsed.events).isEqualTo(expected);
  }

  record Single(long thin, long data, long time) {}

  @Provide
  Arbitrary<List<Single>> mappings() {
    // small steps make runs likely: +1 thin, +1 data, same time most of the time
    return Combinators.combine(
            Arbitraries.longs().between(1, 3), Arbitraries.longs().between(-2, 3), Arbitraries.longs().between(0, 2))
        .as((dt, dd, t) -> new long[] {dt, dd, t})
        .list().ofMaxSize(200)
        .map(steps -> {
          List<Single> out = new ArrayList<>();
          long thin = 0;
          long data = 1000;
          for (long[] s : steps) {
            thin += s[0];
            data = Math.max(0, data + s[1]);
            out.add(new Single(thin, data, s[2] == 2 ? 1 : 0));
          }
          return out;
        });
  }

  @Property(tries = 300)
  void runMergingIsLosslessAndMaximal(@ForAll("mappings") List<Single> mappings) {
    RecordingVisitor rec = new RecordingVisitor();
    RunMerger merger = new RunMerger(rec);
    mappings.forEach(m -> merger.add(m.thin(), m.data(), m.time()));
    merger.flush();
    List<Single> expanded = new ArrayList<>();
    MappingRun previous = null;
    for (Object o : rec.events) {
      MappingRun r = (MappingRun) o;
      for (long i = 0; i < r.lenBlocks(); i++) {
        expanded.add(new Single(r.thinBegin() + i, r.dataBegin() + i, r.time()));
      }
      if (previous != null) {
        boolean mergeable = previous.thinEnd() == r.thinBegin()
            && previous.dataEnd() == r.dataBegin() && previous.time() == r.time();
        assertThat(mergeable).as("%s then %s should have been one run", previous, r).isFalse();
      }
      previous = r;
    }
    assertThat(expanded).isEqualTo(mappings);
  }

  private static final Pattern SINGLE = Pattern.compile(" {4}(\\d+) -> (\\d+), (\\d+)");
  private static final Pattern RANGE = Pattern.compile(" {4}\\((\\d+)\\.\\.(\\d+)\\) -> \\((\\d+)\\.\\.(\\d+)\\), (\\d+)");

  @Property(tries = 300)
  void humanReadableLinesDescribeTheRuns(@ForAll("mappings") List<Single> mappings) {
    RecordingVisitor rec = new RecordingVisitor();
    RunMerger merger = new RunMerger(rec);
    mappings.forEach(m -> merger.add(m.thin(), m.data(), m.time()));
    merger.flush();
    StringWriter out = new StringWriter();
    HumanReadableEmitter h = new HumanReadableEmitter(out);
    rec.events.forEach(e -> h.mapping((MappingRun) e));
    String[] lines = out.toString().split("\n", -1);
    assertThat(lines[lines.length - 1]).isEmpty();
    assertThat(lines).hasSize(rec.events.size() + 1);
    for (int i = 0; i < rec.events.size(); i++) {
      MappingRun r = (MappingRun) rec.events.get(i);
      Matcher single = SINGLE.matcher(lines[i]);
      Matcher range = RANGE.matcher(lines[i]);
      if (r.isSingle()) {
        assertThat(single.matches()).as(lines[i]).isTrue();
        assertThat(List.of(single.group(1), single.group(2), single.group(3)))
            .containsExactly("" + r.thinBegin(), "" + r.dataBegin(), "" + r.time());
      } else {
        assertThat(range.matches()).as(lines[i]).isTrue();
        assertThat(List.of(range.group(1), range.group(2), range.group(3), range.group(4), range.group(5)))
            .containsExactly("" + r.thinBegin(), "" + (r.thinEnd() - 1), "" + r.dataBegin(),
                "" + (r.dataEnd() - 1), "" + r.time());
      }
    }
  }
}
