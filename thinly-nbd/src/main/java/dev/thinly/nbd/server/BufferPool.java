package dev.thinly.nbd.server;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Direct buffers for payloads and read replies, recycled by power-of-two size class from 4 KiB to
 * 32 MiB, so that the data path neither allocates nor zeroes big buffers per request. The memory
 * kept for reuse is capped; above the cap released buffers are left to the garbage collector.
 * Thread-safe and lock-free.
 */
final class BufferPool {
  private static final int MIN_SHIFT = 12;
  private static final int MAX_SHIFT = 25;

  private final FreeList[] classes = new FreeList[MAX_SHIFT - MIN_SHIFT + 1];
  private final AtomicLong retainedBytes = new AtomicLong();
  private final long maxRetainedBytes;

  BufferPool(long maxRetainedBytes) {
    this.maxRetainedBytes = maxRetainedBytes;
    for (int i = 0; i < classes.length; i++) {
      classes[i] = new FreeList();
    }
  }

  /** A buffer with position 0 and limit {@code lengthBytes}; its contents are arbitrary. */
  ByteBuffer acquire(int lengthBytes) {
    int shift = shiftFor(lengthBytes);
    ByteBuffer buffer = null;
    if (shift <= MAX_SHIFT) {
      buffer = classes[shift - MIN_SHIFT].buffers.pollFirst();
      if (buffer != null) {
        retainedBytes.addAndGet(-buffer.capacity());
      }
    }
    if (buffer == null) {
      buffer = ByteBuffer.allocateDirect(shift <= MAX_SHIFT ? 1 << shift : lengthBytes);
    }
    return buffer.clear().limit(lengthBytes);
  }

  /** Returns a buffer obtained from {@link #acquire}; it must not be used afterwards. */
  void release(ByteBuffer buffer) {
    int capacity = buffer.capacity();
    int shift = Integer.numberOfTrailingZeros(capacity);
    if (Integer.bitCount(capacity) != 1 || shift < MIN_SHIFT || shift > MAX_SHIFT) {
      return;
    }
    if (retainedBytes.addAndGet(capacity) > maxRetainedBytes) {
      retainedBytes.addAndGet(-capacity);
      return;
    }
    classes[shift - MIN_SHIFT].buffers.offerFirst(buffer);
  }

  /** Bytes currently kept for reuse. */
  long retainedBytes() {
    return retainedBytes.get();
  }

  private static int shiftFor(int lengthBytes) {
    if (lengthBytes <= 1 << MIN_SHIFT) {
      return MIN_SHIFT;
    }
    return 32 - Integer.numberOfLeadingZeros(lengthBytes - 1);
  }

  /** One size class; LIFO so recently used (cache-warm) buffers are reused first. */
  private static final class FreeList {
    final ConcurrentLinkedDeque<ByteBuffer> buffers = new ConcurrentLinkedDeque<>();
  }
}
