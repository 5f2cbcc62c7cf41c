package dev.thinly.bench.tool;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** {@code key=value} arguments of a bench tool; every key must be used, so typos fail loudly. */
final class Args {
  private final Map<String, String> values = new HashMap<>();
  private final Set<String> used = new TreeSet<>();

  Args(String[] args) {
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("arguments are key=value, not '" + a + "'");
      }
      values.put(a.substring(0, eq), a.substring(eq + 1));
    }
  }

  String string(String key) {
    used.add(key);
    String v = values.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing argument " + key + "=...");
    }
    return v;
  }

  String string(String key, String fallback) {
    used.add(key);
    return values.getOrDefault(key, fallback);
  }

  long size(String key) {
    return parseSize(string(key));
  }

  long size(String key, String fallback) {
    return parseSize(string(key, fallback));
  }

  int integer(String key, int fallback) {
    return Integer.parseInt(string(key, Integer.toString(fallback)));
  }

  Path path(String key) {
    return Path.of(string(key));
  }

  long[] sizes(String key) {
    String[] parts = string(key).split(",");
    long[] out = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = parseSize(parts[i]);
    }
    return out;
  }

  /** Throws if an argument was given that no one asked for. */
  void checkAllUsed() {
    Set<String> unknown = new TreeSet<>(values.keySet());
    unknown.removeAll(used);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown arguments " + unknown);
    }
  }

  /** 4096, 64K, 2G, 1T: binary units for byte sizes; counts are given as plain numbers (10_000_000). */
  static long parseSize(String s) {
    s = s.trim();
    char unit = Character.toUpperCase(s.charAt(s.length() - 1));
    long mult =
        switch (unit) {
          case 'K' -> 1L << 10;
          case 'M' -> 1L << 20;
          case 'G' -> 1L << 30;
          case 'T' -> 1L << 40;
          default -> 1;
        };
    String digits = mult == 1 ? s : s.substring(0, s.length() - 1);
    return Long.parseLong(digits.replace("_", "")) * mult;
  }
}
