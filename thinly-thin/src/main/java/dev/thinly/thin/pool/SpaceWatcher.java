package dev.thinly.thin.pool;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Usage thresholds of data and metadata space: one warning per upward crossing (re-armed when usage
 * falls below the level again), and the optional hook command run as {@code hook POOLDIR RESOURCE
 * PERCENT}, asynchronously, its output discarded.
 */
final class SpaceWatcher {
  /** The two resources a pool can run out of. */
  enum Resource {
    DATA,
    METADATA
  }

  private final Path poolDir;
  private final List<Integer> thresholds;
  private final String hook;
  private final PoolEvents events;
  private final int[] crossed = new int[Resource.values().length];

  SpaceWatcher(Path poolDir, List<Integer> thresholds, String hook, PoolEvents events) {
    this.poolDir = poolDir;
    this.thresholds = thresholds.stream().sorted().toList();
    this.hook = hook;
    this.events = events;
  }

  /** Reports a crossing if {@code used/total} passed a threshold since the last call. */
  synchronized void observe(Resource r, long used, long total) {
    if (total <= 0) {
      return;
    }
    double percent = 100.0 * used / total;
    int level = 0;
    for (int t : thresholds) {
      if (percent >= t) {
        level = t;
      }
    }
    int before = crossed[r.ordinal()];
    crossed[r.ordinal()] = level;
    String what = r.name().toLowerCase(Locale.ROOT);
    for (int t : thresholds) {
      if (t > before && t <= level) {
        events.warning(
            String.format(
                Locale.ROOT,
                "%s space %.1f%% used (%d of %d blocks), above the %d%% threshold",
                what, percent, used, total, t));
        runHook(what, t);
      }
    }
  }

  private void runHook(String resource, int percent) {
    if (hook == null || hook.isBlank()) {
      return;
    }
    List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", hook + " \"$@\"", "thinly-hook"));
    cmd.addAll(List.of(poolDir.toString(), resource, Integer.toString(percent)));
    try {
      new ProcessBuilder(cmd)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
    } catch (java.io.IOException e) {
      events.warning("threshold hook '" + hook + "' could not run: " + e.getMessage());
    }
  }
}
