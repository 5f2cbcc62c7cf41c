package dev.thinly.nbd.server;

import dev.thinly.nbd.export.Export;
import dev.thinly.nbd.export.ExportFilter;
import dev.thinly.nbd.export.ReadSink;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A filter that tests steer: reads at chosen offsets wait for a latch or fail with a chosen
 * exception, and the peak number of concurrent calls is recorded.
 */
final class ScriptedExport extends ExportFilter {
  private final ConcurrentHashMap<Long, CountDownLatch> gates = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Long, Supplier<RuntimeException>> failures =
      new ConcurrentHashMap<>();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();
  private final AtomicInteger started = new AtomicInteger();
  private volatile CountDownLatch allReads;

  ScriptedExport(Export next) {
    super(next);
  }

  /** Reads at {@code offset} wait until the returned latch is counted down. */
  CountDownLatch gate(long offset) {
    return gates.computeIfAbsent(offset, o -> new CountDownLatch(1));
  }

  /** Every read waits for the returned latch. */
  CountDownLatch gateAll() {
    allReads = new CountDownLatch(1);
    return allReads;
  }

  /** Requests at {@code offset} fail with what {@code failure} supplies. */
  void fail(long offset, Supplier<RuntimeException> failure) {
    failures.put(offset, failure);
  }

  int peakConcurrency() {
    return peak.get();
  }

  int started() {
    return started.get();
  }

  @Override
  public void read(long offsetBytes, int lengthBytes, ReadSink sink) {
    enter(offsetBytes);
    try {
      await(gates.get(offsetBytes));
      await(allReads);
      super.read(offsetBytes, lengthBytes, sink);
    } finally {
      running.decrementAndGet();
    }
  }

  @Override
  public void write(long offsetBytes, ByteBuffer data, boolean fua) {
    enter(offsetBytes);
    try {
      super.write(offsetBytes, data, fua);
    } finally {
      running.decrementAndGet();
    }
  }

  @Override
  public void close() {
    // the wrapped export is shared by the test
  }

  /** Counts the call in; the caller counts it out in a finally block unless this throws. */
  private void enter(long offset) {
    started.incrementAndGet();
    Supplier<RuntimeException> failure = failures.get(offset);
    if (failure != null) {
      throw failure.get();
    }
    peak.accumulateAndGet(running.incrementAndGet(), Math::max);
  }

  private static void await(CountDownLatch latch) {
    if (latch == null) {
      return;
    }
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("test gate never opened");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
