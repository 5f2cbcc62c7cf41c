package dev.thinly.thin.pool;

import dev.thinly.pdata.error.InvalidRequestException;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A volume as the catalog records it: its name, the thin device that holds its blocks, its virtual
 * size, whether it is read-only, the volume it was snapshotted from, when, and free-form labels.
 *
 * @param origin the name of the volume this one was snapshotted from, or null; kept as it was
 *     even after the origin is deleted (lineage)
 */
public record VolumeInfo(
    String name,
    long thinId,
    long sizeBytes,
    boolean readOnly,
    String origin,
    Instant created,
    Map<String, String> labels) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public VolumeInfo {
    checkName(name);
    labels = labels == null ? Map.of() : Map.copyOf(new TreeMap<>(labels));
  }

  /** Rejects names outside 1-64 characters of {@code [A-Za-z0-9._-]}. */
  public static String checkName(String name) {
    if (name == null || !NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
      throw new InvalidRequestException(
          "invalid volume name '" + name + "': use 1-64 characters from A-Z a-z 0-9 . _ -");
    }
    return name;
  }

  public VolumeInfo withSize(long newSizeBytes) {
    return new VolumeInfo(name, thinId, newSizeBytes, readOnly, origin, created, labels);
  }
}
