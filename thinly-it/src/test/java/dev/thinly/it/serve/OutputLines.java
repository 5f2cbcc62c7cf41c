package dev.thinly.it.serve;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The lines a child process writes to one of its outputs, collected by a virtual thread as they
 * come, so a test can wait for a readiness line instead of sleeping.
 */
final class OutputLines {
  private final List<String> lines = new ArrayList<>();
  private boolean ended;

  private OutputLines() {}

  /** Starts reading {@code stream} until it ends. */
  static OutputLines collect(InputStream stream) {
    OutputLines out = new OutputLines();
    Thread.ofVirtual()
        .name("output-lines")
        .start(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  out.add(line);
                }
              } catch (IOException e) {
                // the process is gone; what was read stays
              } finally {
                out.end();
              }
            });
    return out;
  }

  private synchronized void add(String line) {
    lines.add(line);
    notifyAll();
  }

  private synchronized void end() {
    ended = true;
    notifyAll();
  }

  /** Every line so far. */
  synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  /** Everything so far, for failure messages. */
  synchronized String text() {
    return String.join("\n", lines);
  }

  /**
   * The first line that satisfies {@code test}, waiting for it at most {@code timeout}.
   *
   * @throws AssertionError if the output ends or the time runs out first
   */
  synchronized String await(Predicate<String> test, Duration timeout) {
    return awaitNth(test, 1, timeout);
  }

  /** The {@code n}-th line (counting from 1) that satisfies {@code test}, waiting for it. */
  synchronized String awaitNth(Predicate<String> test, int n, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int next = 0;
    int seen = 0;
    while (true) {
      for (; next < lines.size(); next++) {
        if (test.test(lines.get(next)) && ++seen == n) {
          return lines.get(next);
        }
      }
      long left = deadline - System.nanoTime();
      if (ended || left <= 0) {
        throw new AssertionError(
            (ended ? "the output ended" : "timed out after " + timeout)
                + " without the expected line; output so far:\n"
                + String.join("\n", lines));
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  /** Waits until the stream has ended (the process closed it or died). */
  synchronized void awaitEnd(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ended) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("output did not end within " + timeout + ":\n" + text());
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  synchronized int size() {
    return lines.size();
  }
}
