package dev.thinly.thin.pool;

import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.pdata.error.NoSpaceException;
import dev.thinly.pdata.error.ReadOnlyException;
import dev.thinly.pdata.error.ThinlyException;
import dev.thinly.pdata.io.BlockDevice;
import dev.thinly.thin.metadata.MetadataStateException;
import dev.thinly.thin.metadata.PoolMetadata;
import dev.thinly.thin.metadata.ThinDeviceException;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The pool's metadata behind one read-write lock, with the pool's failure discipline (spec 7.8):
 * a metadata operation that fails half-way aborts the transaction, marks the metadata as needing a
 * check and leaves the pool read-only, so a bug or an I/O error never gets committed.
 *
 * <p>Lookups take the read lock; anything that changes metadata, and the commit, take the write
 * lock. Data I/O never happens under this lock, except the data-device flush that must precede a
 * commit.
 */
final class GuardedMetadata {
  private final PoolMetadata pm;
  private final BlockDevice dataDevice;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final ReadEpochs epochs = new ReadEpochs();
  private final PoolEvents events;
  /** Completed data writes; a commit skips a data flush if none happened since the last one. */
  private final LongAdder dataWrites = new LongAdder();
  /**
   * {@link #dataWrites} as it was when the last successful data flush started: every write counted
   * there is durable. -1 until the first flush. Written only by {@link #commit} (one thread).
   */
  private long flushedWrites = -1;
  /**
   * Held shared by a write from the allocation of its new data blocks until their mappings are
   * inserted (or the blocks released), and exclusively by a commit. Fair, so a waiting commit holds
   * back new allocations instead of starving behind them.
   */
  private final ReentrantReadWriteLock allocations = new ReentrantReadWriteLock(true);
  private volatile PoolMode mode;
  private volatile String modeReason = "";
  private volatile boolean closed;

  GuardedMetadata(PoolMetadata pm, BlockDevice dataDevice, PoolEvents events) {
    this.pm = pm;
    this.dataDevice = dataDevice;
    this.events = events;
    this.mode = pm.needsCheck() ? PoolMode.NEEDS_CHECK : PoolMode.RW;
    if (pm.needsCheck()) {
      modeReason = "the metadata is marked as needing a check";
    }
  }

  /** Runs a lookup under the read lock. */
  <T> T read(Function<PoolMetadata, T> fn) {
    lock.readLock().lock();
    try {
      return fn.apply(pm);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Runs a lookup under the read lock and enters a read epoch before releasing it: the data blocks
   * found stay unreleased until {@link ReadEpochs#exit} with the returned token.
   */
  int readAndEnter(Consumer<PoolMetadata> fn) {
    lock.readLock().lock();
    try {
      fn.accept(pm);
      return epochs.enter();
    } finally {
      lock.readLock().unlock();
    }
  }

  void exitRead(int token) {
    epochs.exit(token);
  }

  /** Runs a metadata change under the write lock; see the class comment for failures. */
  <T> T write(Function<PoolMetadata, T> fn) {
    lock.writeLock().lock();
    try {
      checkWritable();
      return guarded(fn);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Like {@link #write} for callers that already hold the write lock. */
  <T> T guarded(Function<PoolMetadata, T> fn) {
    try {
      return fn.apply(pm);
    } catch (ThinDeviceException | InvalidRequestException e) {
      throw e; // checked before anything changed
    } catch (MetadataStateException e) {
      if (e.kind() == MetadataStateException.Kind.TRANSACTION_ID_MISMATCH
          || e.kind() == MetadataStateException.Kind.SNAPSHOT_HELD
          || e.kind() == MetadataStateException.Kind.SNAPSHOT_NOT_HELD
          || e.kind() == MetadataStateException.Kind.SHRINK) {
        throw e;
      }
      throw fail(e);
    } catch (RuntimeException | Error e) {
      throw fail(e);
    }
  }

  private boolean hasChanges() {
    lock.readLock().lock();
    try {
      return pm.hasChanges();
    } finally {
      lock.readLock().unlock();
    }
  }

  ReentrantReadWriteLock lock() {
    return lock;
  }

  /** Throws unless metadata may change now. */
  void checkWritable() {
    if (closed) {
      throw new dev.thinly.pdata.error.ClosedException("pool");
    }
    PoolMode m = mode;
    if (m == PoolMode.RO || m == PoolMode.NEEDS_CHECK) {
      throw new ReadOnlyException("pool", modeReason);
    }
  }

  /**
   * Commits: data flush, then (under the write lock) another data flush if data was written
   * meanwhile, the metadata commit, and the release of data blocks freed by it once no reader can
   * still be reading them. Returns the number of metadata blocks written.
   *
   * <p>A data flush is skipped when no data write completed since the last one started: a mapping
   * is inserted only after its data write completed (and was counted), so then everything the
   * transaction maps is durable already. A snapshot, a create or a delete, and a client's FLUSH
   * on a volume that was only read, cost no data-device fdatasync.
   *
   * <p>The commit waits for the writes inside their allocation window (see {@link
   * #enterAllocation}): a transaction never records a data block allocated for a write whose
   * mapping is not inserted yet, which a crash right after the commit would leak.
   *
   * @param asked whether someone waits for durability (a flush, closing). A periodic commit that
   *     nobody asked for does nothing while the metadata is unchanged: in-place writes need no
   *     ordering, and flushing them every second anyway made random writes to provisioned blocks
   *     pay an fdatasync of the data file a second (see docs/benchmarks.md).
   */
  long commit(boolean asked) {
    if (!asked && !hasChanges()) {
      return 0;
    }
    flushDataIfWritten();
    allocations.writeLock().lock();
    try {
      return commitLocked();
    } finally {
      allocations.writeLock().unlock();
    }
  }

  private long commitLocked() {
    lock.writeLock().lock();
    try {
      if (!pm.hasChanges() || mode == PoolMode.RO || mode == PoolMode.NEEDS_CHECK) {
        return 0;
      }
      flushDataIfWritten();
      long blocksBefore = pm.blockManager().deviceWrites();
      guarded(
          p -> {
            p.commit();
            return null;
          });
      releaseFreed();
      return pm.blockManager().deviceWrites() - blocksBefore;
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void flushDataIfWritten() {
    long writes = dataWrites.sum();
    if (writes != flushedWrites) {
      dataDevice.flush();
      flushedWrites = writes;
    }
  }

  /** Punches the storage of data blocks the last commit freed (write lock held). */
  private void releaseFreed() {
    long[] freed = pm.takeFreedDataBlocks();
    if (freed.length == 0) {
      return;
    }
    epochs.awaitGrace();
    long blockBytes = pm.dataBlockSizeSectors() * 512;
    int i = 0;
    while (i < freed.length) {
      int j = i + 1;
      while (j < freed.length && freed[j] == freed[j - 1] + 1) {
        j++;
      }
      try {
        // new blocks are always written whole or zeroed before use: the content may be undefined
        dataDevice.release(freed[i] * blockBytes, (long) (j - i) * blockBytes);
      } catch (ThinlyException e) {
        // the blocks are free either way; a failed punch only costs space (and new blocks are
        // always written whole or zeroed before use)
        events.warning("could not release the storage of " + (j - i) + " data blocks: " + e.getMessage());
      }
      i = j;
    }
  }

  /**
   * Opens a write's allocation window; taken before the metadata lock (the commit's order), never
   * by a thread that may wait for a commit before closing it.
   */
  void enterAllocation() {
    allocations.readLock().lock();
  }

  void exitAllocation() {
    allocations.readLock().unlock();
  }

  void noteDataWrite() {
    dataWrites.increment();
  }

  /**
   * Aborts the transaction after a failed operation, marks the metadata as needing a check and
   * makes the pool read-only. Returns the exception to throw.
   */
  RuntimeException fail(Throwable cause) {
    String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    if (cause instanceof NoSpaceException ns && ns.space() == NoSpaceException.Space.METADATA) {
      setMode(PoolMode.RO, "metadata space is exhausted; grow it with 'thinly pool grow --metadata-size'");
    } else {
      setMode(PoolMode.NEEDS_CHECK, "a metadata operation failed (" + why + "); run 'thinly check'");
    }
    try {
      pm.abort();
      if (mode == PoolMode.NEEDS_CHECK) {
        pm.writeNeedsCheck(true);
      }
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
      events.warning("could not abort the failed transaction: " + e.getMessage());
    }
    return cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
  }

  void setMode(PoolMode newMode, String reason) {
    if (mode != newMode) {
      events.warning("pool mode " + mode.label() + " -> " + newMode.label() + (reason.isEmpty() ? "" : ": " + reason));
    }
    mode = newMode;
    modeReason = reason;
  }

  PoolMode mode() {
    return mode;
  }

  String modeReason() {
    return modeReason;
  }

  PoolMetadata unguarded() {
    return pm;
  }

  void close() {
    closed = true;
  }
}
