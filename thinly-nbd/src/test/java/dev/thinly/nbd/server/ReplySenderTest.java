package dev.thinly.nbd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.nbd.protocol.NbdMagic;
import dev.thinly.nbd.protocol.SimpleReplyCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReplySenderTest {

  static OutgoingReply simple(long cookie, AtomicInteger written) {
    return new OutgoingReply(
        new ByteBuffer[] {SimpleReplyCodec.encode(0, cookie)}, written::incrementAndGet);
  }

  @Test
  void everyReplyIsWrittenWholeAndReleasedOnce() throws Exception {
    MemoryTransport transport = new MemoryTransport(new byte[0]);
    ReplySender sender = new ReplySender(transport);
    AtomicInteger written = new AtomicInteger();
    int threads = 16;
    int perThread = 500;
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int base = t * perThread;
      workers.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (int i = 0; i < perThread; i++) {
                      sender.send(simple(base + i, written));
                    }
                  }));
    }
    for (Thread w : workers) {
      w.join();
    }
    assertThat(written.get()).isEqualTo(threads * perThread);
    ByteBuffer out = transport.written();
    Set<Long> cookies = new HashSet<>();
    while (out.hasRemaining()) {
      assertThat(out.getInt()).isEqualTo(NbdMagic.SIMPLE_REPLY);
      assertThat(out.getInt()).isZero();
      cookies.add(out.getLong());
    }
    assertThat(cookies).hasSize(threads * perThread);
    // replies that queued up while another thread wrote went out together
    assertThat(transport.writeCalls()).isLessThanOrEqualTo(threads * perThread);
  }

  @Test
  void largePartsAreWrittenInPlaceBetweenStagedHeaders() {
    MemoryTransport transport = new MemoryTransport(new byte[0]);
    ReplySender sender = new ReplySender(transport);
    ByteBuffer data = ByteBuffer.allocate(100_000);
    for (int i = 0; i < data.capacity(); i++) {
      data.put(i, (byte) i);
    }
    AtomicInteger written = new AtomicInteger();
    sender.send(
        new OutgoingReply(
            new ByteBuffer[] {SimpleReplyCodec.encode(0, 7), data, SimpleReplyCodec.encode(0, 8)},
            written::incrementAndGet));
    ByteBuffer out = transport.written();
    assertThat(out.remaining()).isEqualTo(16 + 100_000 + 16);
    out.position(16);
    for (int i = 0; i < 100_000; i++) {
      assertThat(out.get()).isEqualTo((byte) i);
    }
    assertThat(written.get()).isEqualTo(1);
  }

  @Test
  void repliesWithManyPartsAreSplitIntoSeveralWrites() {
    MemoryTransport transport = new MemoryTransport(new byte[0]);
    ReplySender sender = new ReplySender(transport);
    ByteBuffer[] parts = new ByteBuffer[2000];
    for (int i = 0; i < parts.length; i++) {
      parts[i] = ByteBuffer.allocate(8).putLong(0, i);
    }
    AtomicInteger written = new AtomicInteger();
    sender.send(new OutgoingReply(parts, written::incrementAndGet));
    ByteBuffer out = transport.written();
    for (int i = 0; i < parts.length; i++) {
      assertThat(out.getLong()).isEqualTo(i);
    }
    assertThat(written.get()).isEqualTo(1);
  }

  @Test
  void aBrokenTransportDropsRepliesButStillReleasesThem() {
    MemoryTransport transport = new MemoryTransport(new byte[0]);
    transport.failWritesWith(new IOException("peer gone"));
    ReplySender sender = new ReplySender(transport);
    AtomicInteger written = new AtomicInteger();
    sender.send(simple(1, written));
    sender.send(simple(2, written));
    assertThat(written.get()).isEqualTo(2);
    assertThat(sender.failure()).hasMessage("peer gone");
    assertThat(transport.closed()).isTrue();
  }
}
