package dev.thinly.thin.metadata;

import dev.thinly.thin.format.DeviceDetails;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * The details of the devices touched in this transaction, kept in memory and written to the
 * details tree only at commit (as the kernel does): a mapping insert then costs no details-tree
 * update. Devices not touched are read from the tree on first use.
 */
final class DeviceTable {
  private static final class Entry {
    DeviceDetails details;
    boolean changed;

    Entry(DeviceDetails details, boolean changed) {
      this.details = details;
      this.changed = changed;
    }
  }

  private final Map<Long, Entry> entries = new HashMap<>();
  private final LongFunction<Optional<DeviceDetails>> loader;

  DeviceTable(LongFunction<Optional<DeviceDetails>> loader) {
    this.loader = loader;
  }

  /** The details of {@code thinId}, or empty if the device has none. */
  Optional<DeviceDetails> get(long thinId) {
    Entry e = entries.get(thinId);
    if (e != null) {
      return Optional.of(e.details);
    }
    Optional<DeviceDetails> d = loader.apply(thinId);
    d.ifPresent(details -> entries.put(thinId, new Entry(details, false)));
    return d;
  }

  /** Records new details, to be written at the next commit. */
  void put(long thinId, DeviceDetails details) {
    Entry e = entries.get(thinId);
    if (e == null) {
      entries.put(thinId, new Entry(details, true));
    } else {
      e.details = details;
      e.changed = true;
    }
  }

  void remove(long thinId) {
    entries.remove(thinId);
  }

  /** Calls {@code writer} for every changed entry and marks it clean. */
  void flushChanged(DetailsWriter writer) {
    for (Map.Entry<Long, Entry> e : entries.entrySet()) {
      if (e.getValue().changed) {
        writer.write(e.getKey(), e.getValue().details);
      }
    }
  }

  /** After a commit: everything is clean. */
  void markClean() {
    entries.values().forEach(e -> e.changed = false);
  }

  /** After an abort: forget everything, the tree is the truth again. */
  void clear() {
    entries.clear();
  }

  @FunctionalInterface
  interface DetailsWriter {
    void write(long thinId, DeviceDetails details);
  }
}
