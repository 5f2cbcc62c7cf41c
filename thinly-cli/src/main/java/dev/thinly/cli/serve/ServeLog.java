package dev.thinly.cli.serve;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One line per event, each starting with a UTC ISO-8601 timestamp of fixed width, so that the logs
 * of several processes merge into one timeline with {@code sort}:
 *
 * <pre>2026-11-22T04:55:01.123456Z thinly[4711] connection 3 from 127.0.0.1:50512 opened</pre>
 */
final class ServeLog {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private final PrintStream out;
  private final String prefix;

  ServeLog(PrintStream out) {
    this.out = out;
    this.prefix = " thinly[" + ProcessHandle.current().pid() + "] ";
  }

  void info(String message) {
    line("", message);
  }

  void warning(String message) {
    line("warning: ", message);
  }

  private void line(String level, String message) {
    String line = TIME.format(Instant.now()) + prefix + level + message;
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }
}
