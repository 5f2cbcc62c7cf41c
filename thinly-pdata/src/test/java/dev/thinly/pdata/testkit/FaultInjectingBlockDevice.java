package dev.thinly.pdata.testkit;

import dev.thinly.pdata.error.StorageIoException;
import dev.thinly.pdata.io.BlockDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A {@link BlockDevice} decorator that models a disk with a volatile write cache and lets tests
 * pull the plug.
 *
 * <p>Every write and discard since the last {@link #flush} is remembered (with the bytes it
 * replaced). {@link #crash} then turns the wrapped device into the image a power cut could have
 * left: each unflushed write survives or is lost independently (a seeded coin), and at most one
 * 4 KiB-aligned write may be <em>torn</em>, landing only some of its 512-byte sectors. Flushed
 * writes always survive. Works for any device size and any write size; discards of ranges that
 * read as zeros cost nothing to remember.
 *
 * <p>Faults: an I/O error at the n-th write or flush ({@link #failWriteAt}, {@link #failFlushAt}),
 * optionally sticky (the device stays dead, like a pulled cable), and a power cut at the n-th
 * operation ({@link #powerCutAt}), which throws {@link PowerCut} out of the workload at exactly
 * that write/flush boundary so the test can {@link #crash} there.
 *
 * <p>Thread-safe (every method is synchronized), so it also serves concurrent workloads.
 */
public final class FaultInjectingBlockDevice implements BlockDevice {
  /** Thrown by the operation at which the power was cut; that operation did not happen. */
  public static final class PowerCut extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PowerCut(long op) {
      super("power cut before operation " + op);
    }
  }

  /** How {@link #crash} decides the fate of unflushed writes. */
  public record CrashPolicy(double survivalProbability, double tornProbability) {
    /** Each unflushed write survives with probability 1/2; one write is torn half the time. */
    public static final CrashPolicy DEFAULT = new CrashPolicy(0.5, 0.5);
    /** Every unflushed write is lost: the device had a write cache that was never flushed. */
    public static final CrashPolicy LOSE_ALL = new CrashPolicy(0, 0);
    /** Every unflushed write survives intact (a crash of the process, not of the machine). */
    public static final CrashPolicy KEEP_ALL = new CrashPolicy(1, 0);
  }

  /** One unflushed write: where, what was written, and what it overwrote (sparse). */
  private record PendingWrite(long offsetBytes, byte[] data, List<Chunk> before) {}

  /** Old content of part of a range; parts that were zero are not stored. */
  private record Chunk(long offsetBytes, byte[] bytes) {}

  public static final int SECTOR_BYTES = 512;
  private static final int TEAR_ALIGNMENT = 4096;
  private static final int CHUNK_BYTES = 64 * 1024;

  private final BlockDevice inner;
  private final Random random;
  private final List<PendingWrite> pending = new ArrayList<>();
  private long writes;
  private long flushes;
  private long ops;
  private long failWriteAt = -1;
  private long failFlushAt = -1;
  private long powerCutAt = -1;
  private boolean sticky;
  private boolean dead;
  private boolean crashed;

  /**
   * Wraps {@code inner}, whose current content counts as durable. {@code seed} drives every
   * random choice of {@link #crash}, so a failing case can be replayed.
   */
  public FaultInjectingBlockDevice(BlockDevice inner, long seed) {
    this.inner = inner;
    this.random = new Random(seed);
  }

  /** The {@code n}-th write from the start (1-based, counting writes and discards) fails. */
  public synchronized FaultInjectingBlockDevice failWriteAt(long n) {
    failWriteAt = n;
    return this;
  }

  /** The {@code n}-th flush from the start (1-based) fails. */
  public synchronized FaultInjectingBlockDevice failFlushAt(long n) {
    failFlushAt = n;
    return this;
  }

  /** After the first injected error every later write and flush fails too. */
  public synchronized FaultInjectingBlockDevice stickyErrors(boolean sticky) {
    this.sticky = sticky;
    return this;
  }

  /**
   * The {@code n}-th operation (1-based; writes, discards and flushes count) throws {@link
   * PowerCut} without taking effect, and so does everything after it.
   */
  public synchronized FaultInjectingBlockDevice powerCutAt(long n) {
    powerCutAt = n;
    return this;
  }

  /** Writes and discards so far. */
  public synchronized long writes() {
    return writes;
  }

  /** Flushes so far. */
  public synchronized long flushes() {
    return flushes;
  }

  /** Writes, discards and flushes so far: the numbering {@link #powerCutAt} uses. */
  public synchronized long operations() {
    return ops;
  }

  /** Writes and discards not yet made durable by a flush. */
  public synchronized int unflushedWrites() {
    return pending.size();
  }

  public synchronized boolean powerWasCut() {
    return powerCutAt > 0 && ops >= powerCutAt;
  }

  public BlockDevice inner() {
    return inner;
  }

  @Override
  public String name() {
    return "faulty(" + inner.name() + ")";
  }

  @Override
  public synchronized long sizeBytes() {
    return inner.sizeBytes();
  }

  @Override
  public synchronized void read(long offsetBytes, ByteBuffer dst) {
    checkAlive();
    inner.read(offsetBytes, dst);
  }

  @Override
  public synchronized void write(long offsetBytes, ByteBuffer src) {
    checkAlive();
    beginOp();
    writes++;
    if (dead || writes == failWriteAt) {
      fail(offsetBytes, "write");
    }
    byte[] data = new byte[src.remaining()];
    src.duplicate().get(data);
    List<Chunk> before = snapshot(offsetBytes, data.length);
    inner.write(offsetBytes, src);
    pending.add(new PendingWrite(offsetBytes, data, before));
  }

  @Override
  public synchronized void discard(long offsetBytes, long lengthBytes) {
    checkAlive();
    beginOp();
    writes++;
    if (dead || writes == failWriteAt) {
      fail(offsetBytes, "discard");
    }
    List<Chunk> before = snapshot(offsetBytes, lengthBytes);
    inner.discard(offsetBytes, lengthBytes);
    // a discard is recorded as a write of zeros, chunk by chunk, so that it can be torn too
    for (long pos = offsetBytes; pos < offsetBytes + lengthBytes; pos += CHUNK_BYTES) {
      int n = (int) Math.min(CHUNK_BYTES, offsetBytes + lengthBytes - pos);
      long chunkStart = pos;
      List<Chunk> old =
          before.stream()
              .filter(c -> c.offsetBytes() >= chunkStart && c.offsetBytes() < chunkStart + n)
              .toList();
      pending.add(new PendingWrite(pos, new byte[n], old));
    }
  }

  @Override
  public synchronized void flush() {
    checkAlive();
    beginOp();
    flushes++;
    if (dead || flushes == failFlushAt) {
      fail(-1, "flush");
    }
    inner.flush();
    pending.clear();
  }

  /** Growing changes the file size at once (file-system metadata is not modelled). */
  @Override
  public synchronized void grow(long newSizeBytes) {
    checkAlive();
    inner.grow(newSizeBytes);
  }

  @Override
  public boolean growable() {
    return inner.growable();
  }

  @Override
  public synchronized long allocatedBytes() {
    return inner.allocatedBytes();
  }

  @Override
  public void close() {}

  /**
   * Pulls the plug with {@link CrashPolicy#DEFAULT}: rewrites the wrapped device to a state a power
   * cut could have left, and returns it. This device is unusable afterwards.
   */
  public BlockDevice crash() {
    return crash(CrashPolicy.DEFAULT);
  }

  /** Pulls the plug with the given policy; see {@link #crash()}. */
  public synchronized BlockDevice crash(CrashPolicy policy) {
    checkAlive();
    crashed = true;
    // back to the last flush: undo every unflushed write, newest first
    for (int i = pending.size() - 1; i >= 0; i--) {
      PendingWrite w = pending.get(i);
      inner.discard(w.offsetBytes(), w.data().length);
      for (Chunk c : w.before()) {
        inner.write(c.offsetBytes(), ByteBuffer.wrap(c.bytes()));
      }
    }
    // then replay the survivors in order
    int torn = -1;
    if (random.nextDouble() < policy.tornProbability()) {
      List<Integer> aligned = new ArrayList<>();
      for (int i = 0; i < pending.size(); i++) {
        PendingWrite w = pending.get(i);
        if (w.offsetBytes() % TEAR_ALIGNMENT == 0 && w.data().length >= TEAR_ALIGNMENT) {
          aligned.add(i);
        }
      }
      if (!aligned.isEmpty()) {
        torn = aligned.get(random.nextInt(aligned.size()));
      }
    }
    for (int i = 0; i < pending.size(); i++) {
      PendingWrite w = pending.get(i);
      if (i == torn) {
        tear(w);
      } else if (random.nextDouble() < policy.survivalProbability()) {
        inner.write(w.offsetBytes(), ByteBuffer.wrap(w.data()));
      }
    }
    pending.clear();
    return inner;
  }

  /** Lands a random subset of the write's sectors. */
  private void tear(PendingWrite w) {
    byte[] data = w.data();
    for (int s = 0; s < data.length; s += SECTOR_BYTES) {
      if (random.nextBoolean()) {
        int n = Math.min(SECTOR_BYTES, data.length - s);
        inner.write(w.offsetBytes() + s, ByteBuffer.wrap(data, s, n));
      }
    }
  }

  /** The current content of a range, in chunks, leaving out chunks that are all zero. */
  private List<Chunk> snapshot(long offsetBytes, long lengthBytes) {
    List<Chunk> out = new ArrayList<>();
    for (long pos = offsetBytes; pos < offsetBytes + lengthBytes; pos += CHUNK_BYTES) {
      int n = (int) Math.min(CHUNK_BYTES, offsetBytes + lengthBytes - pos);
      byte[] b = new byte[n];
      inner.read(pos, ByteBuffer.wrap(b));
      if (!isZero(b)) {
        out.add(new Chunk(pos, b));
      }
    }
    return out;
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private void beginOp() {
    ops++;
    if (powerCutAt > 0 && ops >= powerCutAt) {
      throw new PowerCut(ops);
    }
  }

  private void fail(long offsetBytes, String what) {
    if (sticky) {
      dead = true;
    }
    throw new StorageIoException(name(), offsetBytes, what, new IOException("injected fault"));
  }

  private void checkAlive() {
    if (crashed) {
      throw new IllegalStateException(name() + " has crashed; use the device crash() returned");
    }
  }
}
