package dev.thinly.thin.pool;

import dev.thinly.pdata.error.ClosedException;
import java.util.concurrent.TimeUnit;

/**
 * Group commit. One thread commits the pool at most every second while there are changes, and at
 * once when someone calls {@link #flush}; all flushes waiting when a commit starts are answered by
 * that one commit (the kernel batches REQ_FLUSH bios the same way). A flush returns only after a
 * commit that <em>started after it was requested</em> has completed, so everything acknowledged
 * before the flush is durable when it returns.
 */
final class Committer implements AutoCloseable {
  /** Commits slower than this are reported. */
  private static final long SLOW_COMMIT_MICROS = 500_000;

  private final GuardedMetadata metadata;
  private final PoolEvents events;
  private final long periodMillis;
  private final Thread thread;
  private long requested;
  private long completed;
  private long failedUpTo = -1;
  private RuntimeException failure;
  private boolean closing;

  Committer(GuardedMetadata metadata, PoolEvents events, long periodMillis) {
    this.metadata = metadata;
    this.events = events;
    this.periodMillis = periodMillis;
    this.thread = Thread.ofPlatform().name("thinly-commit").daemon().unstarted(this::run);
    thread.start();
  }

  /** Returns once everything acknowledged before the call is durable. */
  void flush() {
    long mine;
    synchronized (this) {
      if (closing) {
        throw new ClosedException("pool");
      }
      mine = ++requested;
      notifyAll();
      while (completed < mine && failedUpTo < mine) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ClosedException("pool (interrupted)");
        }
      }
      if (failedUpTo >= mine) {
        throw failure;
      }
    }
  }

  private void run() {
    while (true) {
      long generation;
      boolean asked;
      synchronized (this) {
        if (requested == completed && !closing) {
          try {
            wait(periodMillis);
          } catch (InterruptedException e) {
            return;
          }
        }
        generation = requested;
        if (closing && requested == completed) {
          return;
        }
        asked = requested != completed;
      }
      commitOnce(generation, asked);
    }
  }

  private void commitOnce(long generation, boolean asked) {
    long start = System.nanoTime();
    try {
      long blocks = metadata.commit(asked);
      long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
      if (micros > SLOW_COMMIT_MICROS) {
        events.slowCommit(micros, blocks);
      }
      synchronized (this) {
        completed = Math.max(completed, generation);
        notifyAll();
      }
    } catch (RuntimeException e) {
      synchronized (this) {
        failure = e;
        failedUpTo = generation;
        completed = Math.max(completed, generation);
        notifyAll();
      }
    }
  }

  /** Commits what is pending and stops the thread. */
  @Override
  public void close() {
    synchronized (this) {
      closing = true;
      requested++;
      notifyAll();
    }
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
