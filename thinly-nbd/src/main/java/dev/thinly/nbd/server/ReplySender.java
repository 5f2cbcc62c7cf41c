package dev.thinly.nbd.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serializes the replies of one connection onto its transport, batching them: a worker queues its
 * reply and, if no other thread is writing, writes everything queued in one gathering write (flat
 * combining). Under load one system call carries many small replies; when idle a reply goes out at
 * once, with no hand-off to a writer thread.
 *
 * <p>Small parts (headers, error chunks, block status) are copied into one direct staging buffer;
 * large parts (read data, already in pooled direct buffers) are written in place.
 *
 * <p>If the transport fails, every queued and later reply is dropped (and its {@code onWritten}
 * still runs, so buffers and permits are released); the reader notices the broken socket. Each
 * {@link OutgoingReply#onWritten()} runs exactly once. Thread-safe.
 */
final class ReplySender {
  private static final int STAGING_BYTES = 64 * 1024;
  private static final int SMALL_PART_BYTES = 4096;
  private static final int MAX_PARTS_PER_WRITE = 512;

  private final Transport transport;
  private final ConcurrentLinkedQueue<OutgoingReply> queue = new ConcurrentLinkedQueue<>();
  private final ReentrantLock writing = new ReentrantLock();

  // guarded by writing
  private final ByteBuffer staging = ByteBuffer.allocateDirect(STAGING_BYTES);
  private final ByteBuffer[] gather = new ByteBuffer[MAX_PARTS_PER_WRITE];
  private final List<OutgoingReply> batch = new ArrayList<>();
  private int stagingRunStart;

  private volatile IOException failure;

  ReplySender(Transport transport) {
    this.transport = transport;
  }

  /** Sends a reply; returns once it is written or queued behind the thread that is writing. */
  void send(OutgoingReply reply) {
    queue.add(reply);
    // re-check after unlocking: a reply queued while we wrote would otherwise wait for the
    // next sender
    while (!queue.isEmpty() && writing.tryLock()) {
      try {
        drainLocked();
      } finally {
        writing.unlock();
      }
    }
  }

  /** The write failure that broke this connection, if any. */
  IOException failure() {
    return failure;
  }

  private void drainLocked() {
    while (true) {
      OutgoingReply first = queue.poll();
      if (first == null) {
        return;
      }
      if (failure != null) {
        first.onWritten().run();
        continue;
      }
      if (!fitsInBatch(first, 0, 0)) {
        // too many parts or too much small data to stage: write it on its own, in place
        writeAlone(first);
        continue;
      }
      int parts = stage(first, 0);
      batch.add(first);
      OutgoingReply next;
      while ((next = queue.peek()) != null && fitsInBatch(next, parts, staging.position())) {
        queue.poll();
        parts = stage(next, parts);
        batch.add(next);
      }
      parts = closeStagingRun(parts);
      try {
        transport.write(gather, 0, parts);
      } catch (IOException e) {
        fail(e);
      } finally {
        Arrays.fill(gather, 0, parts, null);
        for (OutgoingReply r : batch) {
          r.onWritten().run();
        }
        batch.clear();
        staging.clear();
        stagingRunStart = 0;
      }
    }
  }

  /**
   * Worst case: every part needs a gather slot of its own plus one for the staging run before it.
   */
  private boolean fitsInBatch(OutgoingReply reply, int partsUsed, int stagedBytes) {
    int small = 0;
    for (ByteBuffer part : reply.parts()) {
      if (part.remaining() <= SMALL_PART_BYTES) {
        small += part.remaining();
      }
    }
    return partsUsed + 2 * reply.parts().length + 1 <= MAX_PARTS_PER_WRITE
        && stagedBytes + small <= STAGING_BYTES;
  }

  private int stage(OutgoingReply reply, int parts) {
    for (ByteBuffer part : reply.parts()) {
      if (part.remaining() <= SMALL_PART_BYTES) {
        staging.put(part.duplicate());
      } else {
        parts = closeStagingRun(parts);
        gather[parts++] = part;
      }
    }
    return parts;
  }

  /** Adds the staged bytes since the last large part as one gather slot. */
  private int closeStagingRun(int parts) {
    if (staging.position() > stagingRunStart) {
      gather[parts++] = staging.slice(stagingRunStart, staging.position() - stagingRunStart);
      stagingRunStart = staging.position();
    }
    return parts;
  }

  private void writeAlone(OutgoingReply reply) {
    ByteBuffer[] parts = reply.parts();
    try {
      for (int i = 0; i < parts.length; i += MAX_PARTS_PER_WRITE) {
        transport.write(parts, i, Math.min(MAX_PARTS_PER_WRITE, parts.length - i));
      }
    } catch (IOException e) {
      fail(e);
    } finally {
      reply.onWritten().run();
    }
  }

  private void fail(IOException e) {
    failure = e;
    // wake the reader: the connection is over
    transport.close();
  }
}
