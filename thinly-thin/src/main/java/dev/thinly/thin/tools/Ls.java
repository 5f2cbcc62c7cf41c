package dev.thinly.thin.tools;

import com.carrotsearch.hppc.LongArrayList;
import dev.thinly.pdata.error.CorruptMetadataException;
import dev.thinly.thin.format.BlockTime;
import dev.thinly.thin.format.DeviceDetails;
import dev.thinly.thin.metadata.DataBlockCounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * thin_ls: one line per device of the details tree, columns right-aligned to the widest cell and
 * each followed by one space, exactly as 0.9.0 prints them. A mapping is exclusive when its data
 * block appears in no other mapping of any device (counted per mapping, so two devices sharing a
 * leaf share its blocks); shared = mapped_blocks - exclusive.
 */
public final class Ls {
  private Ls() {}

  public static void run(LsOptions options, Writer out) {
    OptionalLong snap = options.metadataSnap() ? OptionalLong.of(-1) : OptionalLong.empty();
    try (MetadataWalker walker = MetadataWalker.open(options.metadata(), snap)) {
      LongArrayList ids = new LongArrayList();
      List<DeviceDetails> details = new ArrayList<>();
      walker.forEachDetails(
          (id, d) -> {
            ids.add(id);
            details.add(d);
            return true;
          });
      boolean sharing = options.fields().stream().anyMatch(LsField::needsSharing);
      DataBlockCounts counts = new DataBlockCounts();
      if (sharing) {
        for (int i = 0; i < ids.size(); i++) {
          walker.forEachMapping(
              root(walker, ids.get(i)),
              (thinBlock, bt) -> {
                counts.inc(BlockTime.dataBlock(bt));
                return true;
              });
        }
      }
      long blockSize = walker.superblock().dataBlockSizeSectors();
      List<List<String>> rows = new ArrayList<>();
      if (options.headers()) {
        rows.add(options.fields().stream().map(Enum::name).toList());
      }
      for (int i = 0; i < ids.size(); i++) {
        long exclusive = sharing ? exclusive(walker, counts, ids.get(i)) : 0;
        rows.add(row(options.fields(), ids.get(i), details.get(i), exclusive, blockSize));
      }
      render(rows, out);
    }
  }

  private static long root(MetadataWalker walker, long thinId) {
    return walker
        .subtreeRoot(thinId)
        .orElseThrow(
            () ->
                new CorruptMetadataException(
                    walker.superblock().dataMappingRoot(), "top-level mapping tree",
                    "device " + thinId + " has details but no mapping tree root"));
  }

  private static long exclusive(MetadataWalker walker, DataBlockCounts counts, long thinId) {
    long[] n = {0};
    walker.forEachMapping(
        root(walker, thinId),
        (thinBlock, bt) -> {
          if (counts.count(BlockTime.dataBlock(bt)) == 1) {
            n[0]++;
          }
          return true;
        });
    return n[0];
  }

  private static List<String> row(
      List<LsField> fields, long thinId, DeviceDetails d, long exclusive, long blockSectors) {
    long mapped = d.mappedBlocks();
    long shared = mapped - exclusive;
    List<String> cells = new ArrayList<>(fields.size());
    for (LsField f : fields) {
      cells.add(
          switch (f) {
            case DEV -> Long.toUnsignedString(thinId);
            case MAPPED_BLOCKS -> Long.toUnsignedString(mapped);
            case EXCLUSIVE_BLOCKS -> Long.toUnsignedString(exclusive);
            case SHARED_BLOCKS -> Long.toUnsignedString(shared);
            case MAPPED_SECTORS -> Long.toUnsignedString(mapped * blockSectors);
            case EXCLUSIVE_SECTORS -> Long.toUnsignedString(exclusive * blockSectors);
            case SHARED_SECTORS -> Long.toUnsignedString(shared * blockSectors);
            case MAPPED_BYTES -> Long.toUnsignedString(mapped * blockSectors * 512);
            case EXCLUSIVE_BYTES -> Long.toUnsignedString(exclusive * blockSectors * 512);
            case SHARED_BYTES -> Long.toUnsignedString(shared * blockSectors * 512);
            case MAPPED -> DiskUnits.formatSectors(mapped * blockSectors);
            case EXCLUSIVE -> DiskUnits.formatSectors(exclusive * blockSectors);
            case SHARED -> DiskUnits.formatSectors(shared * blockSectors);
            case TRANSACTION -> Long.toUnsignedString(d.transactionId());
            case CREATE_TIME -> Long.toString(d.creationTime());
            case SNAP_TIME -> Long.toString(d.snapshottedTime());
          });
    }
    return cells;
  }

  /** Right-aligns every cell to its column's widest, each followed by a space; one row a line. */
  static void render(List<List<String>> rows, Writer out) {
    int columns = rows.stream().mapToInt(List::size).max().orElse(0);
    int[] widths = new int[columns];
    for (List<String> r : rows) {
      for (int i = 0; i < r.size(); i++) {
        widths[i] = Math.max(widths[i], r.get(i).length());
      }
    }
    StringBuilder b = new StringBuilder();
    for (List<String> r : rows) {
      if (r.isEmpty()) {
        continue;
      }
      for (int i = 0; i < r.size(); i++) {
        b.repeat(' ', widths[i] - r.get(i).length()).append(r.get(i)).append(' ');
      }
      b.append('\n');
    }
    try {
      out.append(b);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the output: " + e.getMessage(), e);
    }
  }
}
