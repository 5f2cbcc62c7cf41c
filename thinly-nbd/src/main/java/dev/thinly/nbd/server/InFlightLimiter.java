package dev.thinly.nbd.server;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bounds the requests of one connection that have been read but not yet answered, by count and by
 * bytes held (write payloads, read data). The reader blocks in {@link #acquire} when a bound is
 * reached, which stops it reading from the socket: TCP flow control then throttles the client.
 * Thread-safe.
 */
final class InFlightLimiter {
  private final int maxRequests;
  private final long maxBytes;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private int requests;
  private long bytes;

  InFlightLimiter(int maxRequests, long maxBytes) {
    this.maxRequests = maxRequests;
    this.maxBytes = maxBytes;
  }

  /**
   * Admits one request holding {@code costBytes} (at most the byte bound), waiting for room.
   * Uninterruptible: the reader is woken by requests completing, and the connection is torn down by
   * closing its socket, which completes them.
   */
  void acquire(long costBytes) {
    lock.lock();
    try {
      while (requests >= maxRequests || (requests > 0 && bytes + costBytes > maxBytes)) {
        changed.awaitUninterruptibly();
      }
      requests++;
      bytes += costBytes;
    } finally {
      lock.unlock();
    }
  }

  /** Ends one request admitted with {@code costBytes}. */
  void release(long costBytes) {
    lock.lock();
    try {
      requests--;
      bytes -= costBytes;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until no request is in flight, at most until {@code deadlineNanos} (System.nanoTime). */
  boolean awaitIdle(long deadlineNanos) {
    lock.lock();
    try {
      while (requests > 0) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          changed.awaitNanos(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Waits, however long it takes, until no request is in flight. */
  void awaitIdle() {
    lock.lock();
    try {
      while (requests > 0) {
        changed.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
  }

  int inFlight() {
    lock.lock();
    try {
      return requests;
    } finally {
      lock.unlock();
    }
  }

  /** {@code System.nanoTime()} after {@code timeout}, capped so the arithmetic cannot overflow. */
  static long deadline(Duration timeout) {
    return System.nanoTime() + Math.min(TimeUnit.NANOSECONDS.convert(timeout), Long.MAX_VALUE / 4);
  }
}
