package dev.thinly.thin.testkit;

import dev.thinly.thin.ir.DeviceAttrs;
import dev.thinly.thin.ir.MetadataVisitor;
import dev.thinly.thin.ir.RunMerger;
import dev.thinly.thin.ir.SuperblockAttrs;
import dev.thinly.thin.ir.XmlEmitter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;

/**
 * Generates a seeded random pool with snapshot families, in two equivalent XML forms: thin_dump's
 * 0.9.0 form (every device lists all its mappings, so shared data blocks appear in several
 * devices) and the 1.x form where each family's unchanged stretches are {@code <def>}s that the
 * devices {@code <ref>}. Each family has an origin and snapshots; the address space is cut into
 * chunks, and each device either keeps a chunk as the origin had it when the snapshots were taken
 * (shared) or has diverged there: some blocks remapped to new data blocks at a later time, some
 * unmapped blocks written. Data blocks come in runs of random length so the XML holds both
 * range_mapping and single_mapping elements. Devices are written in ascending id order, one
 * device has no mappings at all.
 */
public final class PoolXmlGenerator {
  /** What was generated. */
  public record Stats(int devices, long mappings, long nrDataBlocks, int defs, int refs) {}

  private record Mapping(long thinBlock, long dataBlock, long time) {}

  private record Chunk(List<Mapping> mappings) {}

  private final Random rnd;
  private final BitSet usedData = new BitSet();
  private final long nrDataBlocks;
  private long dataCursor;

  private PoolXmlGenerator(long seed, long nrDataBlocks) {
    this.rnd = new Random(seed);
    this.nrDataBlocks = nrDataBlocks;
  }

  /** A fresh data block, usually right after the previous one. */
  private long newDataBlock() {
    if (rnd.nextInt(16) == 0) {
      dataCursor = rnd.nextLong(nrDataBlocks);
    }
    while (usedData.get((int) dataCursor)) {
      dataCursor = (dataCursor + 1) % nrDataBlocks;
    }
    usedData.set((int) dataCursor);
    return dataCursor++;
  }

  public static Stats generate(
      long seed, int families, int snapshots, int chunks, int chunkLen, Path xml09, Path xmlDefs) {
    long estimate = (long) families * (snapshots + 1) * chunks * chunkLen;
    PoolXmlGenerator g = new PoolXmlGenerator(seed, estimate * 2 + 1000);
    try (Writer w09 = Files.newBufferedWriter(xml09, StandardCharsets.UTF_8);
        Writer wDefs = Files.newBufferedWriter(xmlDefs, StandardCharsets.UTF_8)) {
      return g.write(families, snapshots, chunks, chunkLen, new XmlEmitter(w09), new XmlEmitter(wDefs));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Stats write(int families, int snapshots, int chunks, int chunkLen, MetadataVisitor plain, MetadataVisitor shared) {
    long poolTime = snapshots + 1;
    SuperblockAttrs sb = SuperblockAttrs.of(poolTime, 1000 + families, 0, 2, 128, nrDataBlocks);
    plain.superblockBegin(sb);
    shared.superblockBegin(sb);
    long mappings = 0;
    int defs = 0;
    int refs = 0;
    // per family: base chunks, and per device which chunks diverged (null = shared)
    List<List<Chunk>> bases = new ArrayList<>();
    List<List<List<Chunk>>> deviceChunks = new ArrayList<>();
    for (int f = 0; f < families; f++) {
      List<Chunk> base = new ArrayList<>();
      for (int c = 0; c < chunks; c++) {
        base.add(baseChunk((long) c * chunkLen * 2, chunkLen));
      }
      bases.add(base);
      List<List<Chunk>> devices = new ArrayList<>();
      for (int d = 0; d <= snapshots; d++) {
        List<Chunk> own = new ArrayList<>();
        for (int c = 0; c < chunks; c++) {
          boolean diverge = rnd.nextInt(10) < (d == 0 ? 2 : 3);
          own.add(diverge ? diverged(base.get(c), d + 1L, (long) c * chunkLen * 2, chunkLen) : null);
        }
        devices.add(own);
      }
      deviceChunks.add(devices);
      for (int c = 0; c < chunks; c++) {
        int cc = c;
        if (devices.stream().anyMatch(dev -> dev.get(cc) == null)) {
          shared.defBegin(defName(f, c));
          emit(shared, base.get(c).mappings());
          shared.defEnd();
          defs++;
        }
      }
    }
    for (int f = 0; f < families; f++) {
      for (int d = 0; d <= snapshots; d++) {
        List<Chunk> own = deviceChunks.get(f).get(d);
        List<Mapping> all = new ArrayList<>();
        for (int c = 0; c < chunks; c++) {
          all.addAll((own.get(c) == null ? bases.get(f).get(c) : own.get(c)).mappings());
        }
        DeviceAttrs attrs = new DeviceAttrs(f * 100L + d, all.size(), 10L * f + d, d == 0 ? 0 : d, poolTime);
        plain.deviceBegin(attrs);
        emit(plain, all);
        plain.deviceEnd();
        shared.deviceBegin(attrs);
        for (int c = 0; c < chunks; c++) {
          if (own.get(c) == null) {
            shared.ref(defName(f, c));
            refs++;
          } else {
            emit(shared, own.get(c).mappings());
          }
        }
        shared.deviceEnd();
        mappings += all.size();
      }
    }
    DeviceAttrs empty = new DeviceAttrs(16_777_215, 0, 7, poolTime, poolTime);
    for (MetadataVisitor v : List.of(plain, shared)) {
      v.deviceBegin(empty);
      v.deviceEnd();
      v.superblockEnd();
      v.eof();
    }
    return new Stats(families * (snapshots + 1) + 1, mappings, nrDataBlocks, defs, refs);
  }

  private static String defName(int family, int chunk) {
    return family + "-" + chunk;
  }

  private static void emit(MetadataVisitor v, List<Mapping> mappings) {
    RunMerger runs = new RunMerger(v);
    for (Mapping m : mappings) {
      runs.add(m.thinBlock(), m.dataBlock(), m.time());
    }
    runs.flush();
  }

  /** About 90% of {@code [begin, begin + len)} mapped at time 0. */
  private Chunk baseChunk(long begin, int len) {
    List<Mapping> m = new ArrayList<>();
    for (long b = begin; b < begin + len; b++) {
      if (rnd.nextInt(10) != 0) {
        m.add(new Mapping(b, newDataBlock(), 0));
      }
    }
    return new Chunk(m);
  }

  /** The base chunk after some writes at {@code time}: remapped blocks and newly mapped ones. */
  private Chunk diverged(Chunk base, long time, long begin, int len) {
    List<Mapping> out = new ArrayList<>();
    int i = 0;
    for (long b = begin; b < begin + len; b++) {
      Mapping old = i < base.mappings().size() && base.mappings().get(i).thinBlock() == b ? base.mappings().get(i++) : null;
      if (old != null) {
        out.add(rnd.nextInt(8) == 0 ? new Mapping(b, newDataBlock(), time) : old);
      } else if (rnd.nextInt(3) == 0) {
        out.add(new Mapping(b, newDataBlock(), time));
      }
    }
    return new Chunk(out);
  }
}
