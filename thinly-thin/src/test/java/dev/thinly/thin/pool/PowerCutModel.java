package dev.thinly.thin.pool;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What each volume may legitimately contain after a power cut, per 512-byte sector: the value it
 * had at the last durable point (a completed flush, FUA write or catalog change), or any value
 * written since. Values are write ids stamped into every sector with the sector's index, so a
 * sector shows exactly which write it came from, and garbage or another volume's data is caught.
 */
final class PowerCutModel {
  static final int SECTOR = 512;

  /** One volume's sectors. */
  static final class Vol {
    final long[] current;
    final List<Set<Long>> allowed = new ArrayList<>();
    /** Created or deleted by the operation that was cut: it may or may not exist afterwards. */
    boolean uncertain;

    Vol(int sectors) {
      current = new long[sectors];
      for (int i = 0; i < sectors; i++) {
        allowed.add(new HashSet<>(Set.of(0L)));
      }
    }

    Vol copy() {
      Vol v = new Vol(current.length);
      System.arraycopy(current, 0, v.current, 0, current.length);
      for (int i = 0; i < current.length; i++) {
        v.allowed.set(i, new HashSet<>(allowed.get(i)));
      }
      return v;
    }

    void set(int sector, long id) {
      current[sector] = id;
      allowed.get(sector).add(id);
    }
  }

  final Map<String, Vol> volumes = new TreeMap<>();
  /** What the workload did, for failure messages. */
  final List<String> trace = new ArrayList<>();
  private long nextId = 1;

  void log(String op) {
    trace.add(op);
  }

  long newWriteId() {
    return nextId++;
  }

  /** Everything up to now is durable. */
  void durable() {
    trace.add("  (durable)");
    for (Vol v : volumes.values()) {
      for (int i = 0; i < v.current.length; i++) {
        v.allowed.set(i, new HashSet<>(Set.of(v.current[i])));
      }
      v.uncertain = false;
    }
  }

  /** The bytes of {@code sectors} sectors of write {@code id} starting at {@code firstSector}. */
  static ByteBuffer pattern(long id, int firstSector, int sectors) {
    ByteBuffer b = ByteBuffer.allocate(sectors * SECTOR);
    for (int s = 0; s < sectors; s++) {
      fillSector(b, s * SECTOR, id, firstSector + s);
    }
    return b;
  }

  private static void fillSector(ByteBuffer b, int at, long id, long sector) {
    b.putLong(at, id);
    b.putLong(at + 8, sector);
    for (int i = 16; i < SECTOR; i++) {
      b.put(at + i, (byte) (id * 131 + sector * 7 + i));
    }
  }

  /**
   * The write id a sector holds (0 for zeros), or -1 if it is neither zeros nor a whole sector of
   * some write at this sector index.
   */
  static long decode(ByteBuffer b, int at, int sector) {
    boolean zero = true;
    for (int i = 0; i < SECTOR && zero; i++) {
      zero = b.get(at + i) == 0;
    }
    if (zero) {
      return 0;
    }
    long id = b.getLong(at);
    if (b.getLong(at + 8) != sector) {
      return -1;
    }
    for (int i = 16; i < SECTOR; i++) {
      if (b.get(at + i) != (byte) (id * 131 + (long) sector * 7 + i)) {
        return -1;
      }
    }
    return id;
  }
}
