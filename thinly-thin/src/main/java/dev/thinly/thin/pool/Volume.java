package dev.thinly.thin.pool;

import dev.thinly.pdata.error.ClosedException;
import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.pdata.error.ReadOnlyException;
import dev.thinly.thin.metadata.ThinDeviceException;
import java.nio.ByteBuffer;

/**
 * An open volume: byte-addressed I/O on one thin device, safe for concurrent callers. Obtained from
 * {@link ThinPool#open}; close it when done (the pool counts open handles, and refuses to delete a
 * volume that has some unless forced).
 *
 * <p>Semantics are those of a disk with a volatile write cache: a completed write is visible to
 * every later read, on every handle; it is durable once {@link #flush} (or a write with {@code
 * fua}) returns.
 */
public final class Volume implements AutoCloseable {
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();

  private final ThinPool pool;
  private final VolumeState state;
  private final DataPath path;
  private volatile boolean closed;

  Volume(ThinPool pool, VolumeState state, DataPath path) {
    this.pool = pool;
    this.state = state;
    this.path = path;
  }

  public String name() {
    return state.name;
  }

  public long thinId() {
    return state.thinId;
  }

  public long sizeBytes() {
    return state.sizeBytes;
  }

  public boolean readOnly() {
    return state.readOnly;
  }

  /** The pool's data block size: the unit of allocation, sharing and discard. */
  public long blockSizeBytes() {
    return path.blockBytes();
  }

  /** Reads {@code dst.remaining()} bytes at {@code offsetBytes}; unprovisioned ranges read as zeros. */
  public void read(long offsetBytes, ByteBuffer dst) {
    int len = dst.remaining();
    ByteBuffer target = dst.slice();
    read(
        offsetBytes,
        len,
        new ReadSink() {
          @Override
          public ByteBuffer dataBuffer(long offset, int lengthBytes) {
            return target.slice((int) (offset - offsetBytes), lengthBytes);
          }

          @Override
          public void dataDone(long offset, int lengthBytes) {}

          @Override
          public void hole(long offset, long lengthBytes) {
            // bulk copies from a zero buffer: holes are common in whole-volume reads
            for (long done = 0; done < lengthBytes; ) {
              int n = (int) Math.min(ZEROS.capacity(), lengthBytes - done);
              target.put((int) (offset - offsetBytes + done), ZEROS, 0, n);
              done += n;
            }
          }
        });
    dst.position(dst.position() + len);
  }

  /** Reads a range, reporting unprovisioned parts as holes. */
  public void read(long offsetBytes, int lengthBytes, ReadSink sink) {
    check(offsetBytes, lengthBytes, false);
    try {
      path.read(state.thinId, offsetBytes, lengthBytes, sink);
    } catch (ThinDeviceException e) {
      throw deletedMeanwhile(e);
    }
  }

  /**
   * Reads take no volume lock, so a forced delete can remove the thin device between a read's
   * liveness check and its lookup; the read then fails as "deleted", like any later one.
   */
  private RuntimeException deletedMeanwhile(ThinDeviceException e) {
    if (state.deleted && e.problem() == ThinDeviceException.Problem.UNKNOWN) {
      return new ClosedException("volume " + state.name + " (deleted)");
    }
    return e;
  }

  /** Writes {@code src.remaining()} bytes at {@code offsetBytes}; with {@code fua}, durably. */
  public void write(long offsetBytes, ByteBuffer src, boolean fua) {
    int len = src.remaining();
    check(offsetBytes, len, true);
    state.quiesce.readLock().lock();
    try {
      checkAlive();
      path.write(state.thinId, offsetBytes, src.slice(), len);
    } finally {
      state.quiesce.readLock().unlock();
    }
    src.position(src.position() + len);
    if (fua) {
      flush();
    }
  }

  /** Returns once every write completed before the call is durable. */
  public void flush() {
    checkAlive();
    pool.flush();
  }

  /**
   * Discards a range: whole blocks in it are unmapped (they read as zeros and their space returns to
   * the pool); the parts of blocks at either end are left alone.
   */
  public void discard(long offsetBytes, long lengthBytes, boolean fua) {
    check(offsetBytes, lengthBytes, true);
    long bs = path.blockBytes();
    long first = (offsetBytes + bs - 1) / bs;
    long end = (offsetBytes + lengthBytes) / bs;
    unmap(first, end);
    if (fua) {
      flush();
    }
  }

  /**
   * Zeroes a range. Whole blocks are unmapped unless {@code noHole}, in which case they are
   * provisioned (with zeros that cost no data writes where the data device can punch holes);
   * partial blocks are zeroed in place, unless they are unprovisioned and so zero already.
   */
  public void writeZeroes(long offsetBytes, long lengthBytes, boolean noHole, boolean fua) {
    check(offsetBytes, lengthBytes, true);
    if (lengthBytes == 0) {
      return;
    }
    state.quiesce.readLock().lock();
    try {
      checkAlive();
      if (noHole) {
        path.write(state.thinId, offsetBytes, null, lengthBytes);
      } else {
        long bs = path.blockBytes();
        long end = offsetBytes + lengthBytes;
        long firstWhole = (offsetBytes + bs - 1) / bs;
        long endWhole = end / bs;
        if (firstWhole >= endWhole) {
          zeroPartial(offsetBytes, end);
        } else {
          zeroPartial(offsetBytes, firstWhole * bs);
          unmap(firstWhole, endWhole);
          zeroPartial(endWhole * bs, end);
        }
      }
    } finally {
      state.quiesce.readLock().unlock();
    }
    if (fua) {
      flush();
    }
  }

  private void zeroPartial(long from, long to) {
    if (from >= to) {
      return;
    }
    long bs = path.blockBytes();
    if (path.anyMapped(state.thinId, from / bs, (to - 1) / bs)) {
      path.write(state.thinId, from, null, to - from);
    }
  }

  private void unmap(long firstBlock, long endBlock) {
    if (firstBlock >= endBlock) {
      return;
    }
    state.quiesce.readLock().lock();
    try {
      checkAlive();
      // in chunks, so that the freed blocks of a huge discard are committed and released as it goes
      long chunk = 1 << 16;
      for (long b = firstBlock; b < endBlock; b += chunk) {
        path.unmap(state.thinId, b, Math.min(endBlock, b + chunk));
        if (endBlock - firstBlock > chunk) {
          pool.flush();
        }
      }
    } finally {
      state.quiesce.readLock().unlock();
    }
  }

  /** Receives block-status extents in order. */
  public interface ExtentSink extends DataPath.ExtentSink {}

  /** Reports which parts of a range are provisioned (the rest reads as zeros). */
  public void blockStatus(long offsetBytes, long lengthBytes, ExtentSink sink) {
    check(offsetBytes, lengthBytes, false);
    if (lengthBytes > 0) {
      try {
        path.blockStatus(state.thinId, offsetBytes, lengthBytes, sink);
      } catch (ThinDeviceException e) {
        throw deletedMeanwhile(e);
      }
    }
  }

  private void check(long offsetBytes, long lengthBytes, boolean write) {
    checkAlive();
    if (write && state.readOnly) {
      throw new ReadOnlyException("volume " + state.name, "");
    }
    if (offsetBytes < 0 || lengthBytes < 0 || offsetBytes > state.sizeBytes - lengthBytes) {
      throw new InvalidRequestException(
          "range " + offsetBytes + "+" + lengthBytes + " is outside volume " + state.name + " ("
              + state.sizeBytes + " bytes)");
    }
  }

  private void checkAlive() {
    if (closed) {
      throw new ClosedException("volume handle " + state.name);
    }
    if (state.deleted) {
      throw new ClosedException("volume " + state.name + " (deleted)");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      state.openHandles.decrementAndGet();
    }
  }
}
