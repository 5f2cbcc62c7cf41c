package dev.thinly.thin.pool;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A grace period for data blocks that a reader may still be reading. A read looks its mapping up
 * and then reads the data block without holding any lock; if the block is unmapped and freed
 * meanwhile, it must not be released (hole-punched, handed to another volume) until that read is
 * done, or the reader could see another volume's data. Readers {@link #enter} while they hold the
 * metadata read lock, so everything they looked up is covered; {@link #awaitGrace} waits for every
 * read that entered before it was called.
 *
 * <p>Two counters and an epoch index, as in userspace RCU: entering increments the counter of the
 * current epoch; the grace period flips the epoch and waits for the old counter to reach zero.
 * Callers of {@link #awaitGrace} are serialized (the pool's commit holds the metadata write lock).
 */
final class ReadEpochs {
  private final AtomicLongArray inFlight = new AtomicLongArray(2);
  private final AtomicInteger current = new AtomicInteger();

  /** Marks a read as started; returns the token for {@link #exit}. */
  int enter() {
    while (true) {
      int e = current.get();
      inFlight.incrementAndGet(e);
      if (current.get() == e) {
        return e;
      }
      // the epoch flipped between the two reads: count ourselves in the new one instead
      inFlight.decrementAndGet(e);
    }
  }

  void exit(int token) {
    inFlight.decrementAndGet(token);
  }

  /** Returns once every read that entered before this call has exited. */
  void awaitGrace() {
    // Every read that entered before now is counted in the current epoch: a read that saw an
    // older epoch re-checks after counting itself and moves to the current one.
    int old = current.get();
    current.set(1 - old);
    long spins = 0;
    while (inFlight.get(old) != 0) {
      if (++spins < 100) {
        Thread.onSpinWait();
      } else {
        LockSupport.parkNanos(50_000);
      }
    }
  }
}
