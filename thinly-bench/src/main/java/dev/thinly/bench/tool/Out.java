package dev.thinly.bench.tool;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * A tool's result: one JSON object on stdout, which the runner ({@code bench/run}) reads. Progress
 * goes to stderr so it never mixes with the result.
 */
final class Out {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final Map<String, Object> fields = new LinkedHashMap<>();

  Out put(String key, Object value) {
    fields.put(key, value);
    return this;
  }

  void print() {
    System.out.println(JSON.writeValueAsString(fields));
    System.out.flush();
  }

  static void progress(String format, Object... args) {
    System.err.printf(format + "%n", args);
    System.err.flush();
  }

  static double millis(long nanos) {
    return nanos / 1e6;
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
