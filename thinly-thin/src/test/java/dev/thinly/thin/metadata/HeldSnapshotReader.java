package dev.thinly.thin.metadata;

import dev.thinly.pdata.codec.LittleEndian;
import dev.thinly.thin.testkit.MetadataFiles;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Reads what the held metadata snapshot of a metadata file says, straight from the blocks (the pool
 * has no API for it: it is for dump -m and delta -m), into a {@link PoolModel}.
 */
final class HeldSnapshotReader {
  private HeldSnapshotReader() {}

  /** The snapshot's devices, details, time and transaction id; null if none is held. */
  static PoolModel read(Path file) {
    long held = LittleEndian.getLong(MetadataFiles.read(file, 0), 56);
    if (held == 0) {
      return null;
    }
    byte[] sb = MetadataFiles.read(file, held);
    PoolModel m = new PoolModel();
    m.time = Integer.toUnsignedLong(LittleEndian.getInt(sb, 44));
    m.transactionId = LittleEndian.getLong(sb, 48);
    long mappingRoot = LittleEndian.getLong(sb, 320);
    long detailsRoot = LittleEndian.getLong(sb, 328);
    walk(
        file,
        detailsRoot,
        (key, leafAndIndex) -> {
          byte[] leaf = leafAndIndex.leaf;
          int off = MetadataFiles.valueOffset(leaf, leafAndIndex.index);
          m.details.put(
              key,
              new PoolModel.Details(
                  LittleEndian.getLong(leaf, off + 8),
                  Integer.toUnsignedLong(LittleEndian.getInt(leaf, off + 16)),
                  Integer.toUnsignedLong(LittleEndian.getInt(leaf, off + 20))));
        });
    walk(
        file,
        mappingRoot,
        (thinId, top) -> {
          TreeMap<Long, Long> mappings = new TreeMap<>();
          walk(
              file,
              MetadataFiles.value(top.leaf, top.index),
              (k, e) -> mappings.put(k, MetadataFiles.value(e.leaf, e.index)));
          m.devices.put(thinId, mappings);
        });
    return m;
  }

  private record Entry(byte[] leaf, int index) {}

  private static void walk(Path file, long block, BiConsumer<Long, Entry> visit) {
    byte[] n = MetadataFiles.read(file, block);
    for (int i = 0; i < MetadataFiles.nrEntries(n); i++) {
      if (MetadataFiles.isLeaf(n)) {
        visit.accept(MetadataFiles.key(n, i), new Entry(n, i));
      } else {
        walk(file, MetadataFiles.value(n, i), visit);
      }
    }
  }
}
