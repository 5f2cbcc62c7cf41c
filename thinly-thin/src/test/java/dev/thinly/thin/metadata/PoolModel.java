package dev.thinly.thin.metadata;

import dev.thinly.thin.format.BlockTime;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a pool's metadata means, without any of its structure: devices as sorted maps of thin block
 * to packed block_time, their details, the time and transaction id, and the held metadata snapshot
 * as a frozen copy. The oracle of {@link PoolMetadataModelTest}.
 */
final class PoolModel {
  /** A device's details, except mapped_blocks, which is the size of its map. */
  record Details(long transactionId, long creationTime, long snapshottedTime) {}

  final TreeMap<Long, TreeMap<Long, Long>> devices = new TreeMap<>();
  final TreeMap<Long, Details> details = new TreeMap<>();
  long time;
  long transactionId;

  /** The metadata snapshot, or null; its own {@code held} is always null. */
  PoolModel held;

  PoolModel copy() {
    PoolModel c = new PoolModel();
    devices.forEach((id, m) -> c.devices.put(id, new TreeMap<>(m)));
    c.details.putAll(details);
    c.time = time;
    c.transactionId = transactionId;
    c.held = held == null ? null : held.copy();
    return c;
  }

  void createThin(long id) {
    devices.put(id, new TreeMap<>());
    details.put(id, new Details(transactionId, time, time));
  }

  void createSnap(long id, long origin) {
    time++;
    devices.put(id, new TreeMap<>(devices.get(origin)));
    details.put(id, new Details(transactionId, time, time));
    Details o = details.get(origin);
    details.put(origin, new Details(o.transactionId(), o.creationTime(), time));
  }

  void delete(long id) {
    devices.remove(id);
    details.remove(id);
  }

  void insert(long id, long thinBlock, long dataBlock) {
    devices.get(id).put(thinBlock, BlockTime.pack(dataBlock, time));
  }

  /** How many mappings (live devices and the held snapshot's) reference each data block. */
  Map<Long, Integer> dataReferences() {
    Map<Long, Integer> refs = new HashMap<>();
    count(refs);
    if (held != null) {
      held.count(refs);
    }
    return refs;
  }

  private void count(Map<Long, Integer> refs) {
    for (TreeMap<Long, Long> m : devices.values()) {
      for (long bt : m.values()) {
        refs.merge(BlockTime.dataBlock(bt), 1, Integer::sum);
      }
    }
  }

  /** True if any view of this model (or of {@code other}) maps the data block. */
  boolean references(long dataBlock) {
    return dataReferences().containsKey(dataBlock);
  }
}
