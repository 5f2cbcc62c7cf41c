package dev.thinly.thin.tools;

import com.carrotsearch.hppc.LongArrayList;
import com.carrotsearch.hppc.LongHashSet;
import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.thin.format.BlockTime;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/**
 * thin_rmap: which thin blocks map the data blocks of some regions. Lines look like {@code data
 * 200..210 -> thin(0) 10..20} (ends exclusive): one per run of consecutive data blocks mapped from
 * consecutive thin blocks of one device (mapping times do not split runs), sorted by first data
 * block, then device, then thin block. thin_rmap 0.9.0 sorts by the first data block only, so where
 * several devices map the same data run its order among them can differ from this one.
 *
 * <p>As in thin_rmap (0.9.0 and 1.x), the mapping trees are walked once as a whole: a btree node
 * that several devices share (a snapshot that has not diverged there) is reported under the first
 * device, in id order, that reaches it.
 */
public final class Rmap {
  private Rmap() {}

  /** The runs found, as parallel arrays. */
  private static final class Runs {
    final LongArrayList dataBegin = new LongArrayList();
    final LongArrayList dataEnd = new LongArrayList();
    final LongArrayList thinId = new LongArrayList();
    final LongArrayList thinBegin = new LongArrayList();
    boolean open;

    void add(long id, long thinBlock, long dataBlock) {
      int last = dataBegin.size() - 1;
      if (open
          && thinId.get(last) == id
          && dataEnd.get(last) == dataBlock
          && thinBlock == thinBegin.get(last) + (dataBlock - dataBegin.get(last))) {
        dataEnd.set(last, dataBlock + 1);
        return;
      }
      dataBegin.add(dataBlock);
      dataEnd.add(dataBlock + 1);
      thinId.add(id);
      thinBegin.add(thinBlock);
      open = true;
    }
  }

  public static void run(RmapOptions options, Writer out) {
    List<Region> regions = options.regions();
    if (regions.isEmpty()) {
      throw new InvalidRequestException("no regions given");
    }
    Runs runs = new Runs();
    LongHashSet seen = new LongHashSet();
    try (MetadataWalker walker = MetadataWalker.open(options.metadata(), OptionalLong.empty())) {
      for (long thinId : walker.thinIds()) {
        long root = walker.subtreeRoot(thinId).orElseThrow();
        walker.forEachMappingOnce(
            root,
            seen,
            (thinBlock, bt) -> {
              long data = BlockTime.dataBlock(bt);
              if (inRegions(regions, data)) {
                runs.add(thinId, thinBlock, data);
              } else {
                runs.open = false;
              }
              return true;
            });
        runs.open = false;
      }
    }
    print(runs, out);
  }

  private static boolean inRegions(List<Region> regions, long dataBlock) {
    for (Region r : regions) {
      if (r.contains(dataBlock)) {
        return true;
      }
    }
    return false;
  }

  private static void print(Runs runs, Writer out) {
    Integer[] order = new Integer[runs.dataBegin.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(
        order,
        (a, b) -> {
          int c = Long.compare(runs.dataBegin.get(a), runs.dataBegin.get(b));
          if (c == 0) {
            c = Long.compareUnsigned(runs.thinId.get(a), runs.thinId.get(b));
          }
          return c != 0 ? c : Long.compareUnsigned(runs.thinBegin.get(a), runs.thinBegin.get(b));
        });
    try {
      Writer w = new BufferedWriter(out, 1 << 16);
      StringBuilder line = new StringBuilder(64);
      for (int i : order) {
        long len = runs.dataEnd.get(i) - runs.dataBegin.get(i);
        line.setLength(0);
        line.append("data ").append(runs.dataBegin.get(i)).append("..").append(runs.dataEnd.get(i))
            .append(" -> thin(").append(Long.toUnsignedString(runs.thinId.get(i))).append(") ")
            .append(Long.toUnsignedString(runs.thinBegin.get(i))).append("..")
            .append(Long.toUnsignedString(runs.thinBegin.get(i) + len)).append('\n');
        w.append(line);
      }
      w.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the output: " + e.getMessage(), e);
    }
  }
}
