package dev.thinly.thin.pool;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The names of a pool's volumes and what the pool's metadata does not know about them (virtual
 * size, read-only flag, lineage, labels). Immutable: every change makes a new version.
 *
 * <p>{@code transactionId} is the pool metadata's transaction id that this version describes: a
 * change writes the new catalog version first (with the id incremented), then commits the metadata
 * change together with the new id. Comparing the two on open tells whether a crash came in between
 * (LVM ties its metadata to the thin pool the same way).
 *
 * @param version increases by one with every change
 * @param nextThinId where the search for a free thin id starts
 */
public record Catalog(long version, long transactionId, long nextThinId, List<VolumeInfo> volumes) {
  public Catalog {
    volumes = volumes.stream().sorted(Comparator.comparing(VolumeInfo::name)).toList();
  }

  public static Catalog empty() {
    return new Catalog(0, 0, 0, List.of());
  }

  public Optional<VolumeInfo> find(String name) {
    return volumes.stream().filter(v -> v.name().equals(name)).findFirst();
  }

  public Optional<VolumeInfo> findByThinId(long thinId) {
    return volumes.stream().filter(v -> v.thinId() == thinId).findFirst();
  }

  /** The next version with {@code volume} added (or replaced, by name) and the id advanced. */
  public Catalog with(VolumeInfo volume, long newNextThinId) {
    List<VolumeInfo> vs = new ArrayList<>(volumes);
    vs.removeIf(v -> v.name().equals(volume.name()));
    vs.add(volume);
    return new Catalog(version + 1, transactionId + 1, newNextThinId, vs);
  }

  /** The next version without {@code name}, the id advanced. */
  public Catalog without(String name) {
    List<VolumeInfo> vs = new ArrayList<>(volumes);
    vs.removeIf(v -> v.name().equals(name));
    return new Catalog(version + 1, transactionId + 1, nextThinId, vs);
  }
}
