package dev.thinly.cli.image;

import dev.thinly.cli.format.SizeConverter;
import java.io.PrintStream;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * A one-line progress bar redrawn in place on a terminal: bytes done, percentage and bar when the
 * total is known, rate, and time left.
 *
 * <pre>
 *   import vm1  1.2GiB / 4.0GiB  30% [#########.....................]  512.0MiB/s  ETA 0:06
 * </pre>
 *
 * A platform daemon thread redraws it four times a second, so the workers never wait on the
 * terminal.
 */
public final class ProgressMeter implements Progress {
  private static final int BAR_WIDTH = 30;
  private static final long REDRAW_MILLIS = 250;

  private final String label;
  private final PrintStream out;
  private final long startNanos = System.nanoTime();
  private final Thread redraw;
  private volatile long done;
  private volatile long total = -1;
  private volatile boolean closed;

  private ProgressMeter(String label, PrintStream out) {
    this.label = label;
    this.out = out;
    this.redraw = Thread.ofPlatform().daemon().name("thinly-progress").unstarted(this::loop);
    redraw.start();
  }

  /** A meter on stderr if stderr is a terminal, otherwise {@link Progress#NONE}. */
  public static Progress onStderr(String label) {
    return stderrIsTerminal() ? new ProgressMeter(label, System.err) : NONE;
  }

  @Override
  public void update(long doneBytes, long totalBytes) {
    done = doneBytes;
    total = totalBytes;
  }

  private void loop() {
    while (!closed) {
      draw(false);
      try {
        Thread.sleep(REDRAW_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private synchronized void draw(boolean last) {
    long d = done;
    long t = total;
    double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
    double rate = d / seconds;
    StringBuilder line = new StringBuilder("\r").append(label).append("  ").append(SizeConverter.format(d));
    if (t > 0) {
      int pct = (int) Math.min(100, d * 100 / t);
      int filled = pct * BAR_WIDTH / 100;
      line.append(" / ").append(SizeConverter.format(t))
          .append(String.format(Locale.ROOT, " %3d%% [", pct))
          .append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append(']');
    }
    line.append("  ").append(SizeConverter.format((long) rate)).append("/s");
    if (t > 0 && rate > 0 && !last) {
      long left = (long) ((t - d) / rate);
      line.append(String.format(Locale.ROOT, "  ETA %d:%02d", left / 60, left % 60));
    } else if (last) {
      line.append(String.format(Locale.ROOT, "  in %.1fs", seconds));
    }
    line.append("\033[K"); // clear what a longer previous line left
    out.print(line);
    if (last) {
      out.println();
    }
    out.flush();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    redraw.interrupt();
    try {
      redraw.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    draw(true);
  }

  /** {@code isatty(2)}: the JDK only says whether stdin and stdout both are a terminal. */
  static boolean stderrIsTerminal() {
    if ("dumb".equals(System.getenv("TERM"))) {
      return false;
    }
    try {
      Linker linker = Linker.nativeLinker();
      MethodHandle isatty =
          linker.downcallHandle(
              linker.defaultLookup().find("isatty").orElseThrow(),
              FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
      return (int) isatty.invokeExact(2) == 1;
    } catch (Throwable t) {
      return System.console() != null;
    }
  }
}
