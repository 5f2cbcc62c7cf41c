package dev.thinly.nbd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.nbd.export.ExportCapability;
import dev.thinly.nbd.export.ExportFilter;
import dev.thinly.nbd.export.MemoryExport;
import dev.thinly.nbd.export.ReadSink;
import dev.thinly.nbd.protocol.BlockDescriptor;
import dev.thinly.nbd.protocol.Command;
import dev.thinly.nbd.protocol.CommandFlag;
import dev.thinly.nbd.protocol.ErrorChunk;
import dev.thinly.nbd.protocol.NbdError;
import dev.thinly.nbd.protocol.ReplyChunkType;
import dev.thinly.nbd.protocol.RequestHeader;
import dev.thinly.nbd.protocol.StructuredReplyCodec;
import dev.thinly.nbd.testkit.NbdTestClient;
import dev.thinly.nbd.testkit.NbdTestClient.Reply;
import dev.thinly.nbd.testkit.NbdTestServer;
import dev.thinly.pdata.error.NoSpaceException;
import dev.thinly.pdata.error.StorageIoException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests and replies of the transmission phase, simple and structured. */
class TransmissionTest {
  static final int SIZE = 1 << 20;

  @TempDir Path dir;
  MemoryExport memory;
  ScriptedExport scripted;
  NbdTestServer nbd;

  @BeforeEach
  void start() {
    memory = MemoryExport.builder("disk", SIZE).build();
    scripted = new ScriptedExport(memory);
    nbd =
        NbdTestServer.start(
            dir,
            b -> b.maxInFlight(4, 64L << 20),
            scripted,
            MemoryExport.builder("ro", SIZE).readOnly(true).build(),
            new SlowZeroExport(MemoryExport.builder("slowzero", SIZE).build()),
            new BrokenExport(MemoryExport.builder("broken", SIZE).build()));
  }

  @AfterEach
  void stop() {
    nbd.close();
  }

  NbdTestClient connect(String export, boolean structured) {
    NbdTestClient c = NbdTestClient.unix(nbd.socket());
    c.negotiate(export, structured);
    return c;
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static int simpleError(Reply r) {
    return ((Reply.Simple) r).error();
  }

  static ErrorChunk structuredError(List<Reply.Chunk> chunks) {
    Reply.Chunk last = chunks.getLast();
    assertThat(last.header().done()).isTrue();
    assertThat(ReplyChunkType.isError(last.header().type())).isTrue();
    return StructuredReplyCodec.decodeError(last.header().type(), last.payload());
  }

  @Test
  void simpleRepliesCarryTheDataOfReads() {
    try (NbdTestClient c = connect("disk", false)) {
      byte[] data = random(10_000, 1);
      c.send(RequestHeader.of(Command.WRITE, 0, 1, 5000, data.length), ByteBuffer.wrap(data));
      assertThat(simpleError(c.readReply())).isZero();
      c.send(RequestHeader.of(Command.READ, 0, 2, 5000, data.length));
      Reply.Simple read = (Reply.Simple) c.readReply();
      assertThat(read.cookie()).isEqualTo(2);
      assertThat(read.data()).isEqualTo(data);
      // holes read as zeroes in simple replies
      c.send(RequestHeader.of(Command.READ, 0, 3, 100_000, 8192));
      assertThat(((Reply.Simple) c.readReply()).data()).containsOnly(0);
      c.send(RequestHeader.of(Command.FLUSH, 0, 4, 0, 0));
      assertThat(simpleError(c.readReply())).isZero();
    }
  }

  @Test
  void structuredReadsSendHolesAsHoleChunks() {
    memory.write(8192, ByteBuffer.wrap(random(4096, 2)), false);
    try (NbdTestClient c = connect("disk", true)) {
      c.send(RequestHeader.of(Command.READ, 0, 7, 0, 16_384));
      List<Reply.Chunk> chunks = c.readStructuredReply();
      assertThat(chunks)
          .extracting(ch -> ch.header().type())
          .containsExactly(
              ReplyChunkType.OFFSET_HOLE.code(),
              ReplyChunkType.OFFSET_DATA.code(),
              ReplyChunkType.OFFSET_HOLE.code());
      ByteBuffer data = chunks.get(1).payload();
      assertThat(data.getLong()).isEqualTo(8192);
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      assertThat(bytes).isEqualTo(random(4096, 2));

      c.send(RequestHeader.of(Command.READ, CommandFlag.DF.mask(), 8, 0, 16_384));
      assertThat(c.readStructuredReply())
          .singleElement()
          .satisfies(ch -> assertThat(ch.header().lengthBytes()).isEqualTo(8 + 16_384));
    }
  }

  @Test
  void invalidRequestsGetTheSpecsErrors() {
    try (NbdTestClient simple = connect("disk", false);
        NbdTestClient structured = connect("disk", true);
        NbdTestClient ro = connect("ro", true)) {
      simple.send(RequestHeader.of(Command.READ, 0, 1, SIZE - 1, 2));
      assertThat(simpleError(simple.readReply())).isEqualTo(NbdError.EINVAL.code());
      simple.send(RequestHeader.of(Command.WRITE, 0, 2, SIZE, 4), ByteBuffer.allocate(4));
      assertThat(simpleError(simple.readReply())).isEqualTo(NbdError.ENOSPC.code());
      simple.send(new RequestHeader(0, 99, 3, 0, 0));
      assertThat(simpleError(simple.readReply())).isEqualTo(NbdError.EINVAL.code());
      // the connection survives every error
      simple.send(RequestHeader.of(Command.READ, 0, 4, 0, 1));
      assertThat(simpleError(simple.readReply())).isZero();

      structured.send(RequestHeader.of(Command.READ, 1 << 7, 5, 0, 1));
      ErrorChunk e = structuredError(structured.readStructuredReply());
      assertThat(e.error()).isEqualTo(NbdError.EINVAL.code());
      assertThat(e.message()).contains("flags 0x80");

      ro.send(RequestHeader.of(Command.WRITE, 0, 6, 0, 3), ByteBuffer.allocate(3));
      assertThat(structuredError(ro.readStructuredReply()).error())
          .isEqualTo(NbdError.EPERM.code());
      ro.send(RequestHeader.of(Command.TRIM, 0, 7, 0, 3));
      assertThat(structuredError(ro.readStructuredReply()).error())
          .isEqualTo(NbdError.EPERM.code());
    }
    assertThat(nbd.events()).filteredOn(NbdEvent.RequestRejected.class::isInstance).hasSize(6);
  }

  @Test
  void blockStatusReportsExtentsAndHonoursRequestOne() {
    memory.write(4096, ByteBuffer.wrap(random(4096, 3)), false);
    try (NbdTestClient c = connect("disk", true)) {
      c.send(RequestHeader.of(Command.BLOCK_STATUS, 0, 1, 0, 3 * 4096));
      var all =
          StructuredReplyCodec.decodeBlockStatus(c.readStructuredReply().getFirst().payload());
      assertThat(all.contextId()).isEqualTo(Handshake.BASE_ALLOCATION_ID);
      assertThat(all.descriptors())
          .containsExactly(
              new BlockDescriptor(4096, 3),
              new BlockDescriptor(4096, 0),
              new BlockDescriptor(4096, 3));
      c.send(RequestHeader.of(Command.BLOCK_STATUS, CommandFlag.REQ_ONE.mask(), 2, 0, SIZE));
      assertThat(
              StructuredReplyCodec.decodeBlockStatus(c.readStructuredReply().getFirst().payload())
                  .descriptors())
          .containsExactly(new BlockDescriptor(4096, 3));
    }
  }

  @Test
  void trimZeroCacheAndFastZero() {
    memory.write(0, ByteBuffer.wrap(random(8192, 4)), false);
    try (NbdTestClient c = connect("disk", true);
        NbdTestClient slow = connect("slowzero", true)) {
      c.send(RequestHeader.of(Command.TRIM, CommandFlag.FUA.mask(), 1, 0, 4096));
      c.send(
          RequestHeader.of(
              Command.WRITE_ZEROES,
              CommandFlag.encode(CommandFlag.NO_HOLE, CommandFlag.FAST_ZERO),
              2,
              4096,
              4096));
      c.send(RequestHeader.of(Command.CACHE, 0, 3, 0, SIZE));
      for (int i = 0; i < 3; i++) {
        assertThat(simpleError(c.readReply())).isZero();
      }
      assertThat(memory.allocatedBytes()).isEqualTo(4096);
      slow.send(RequestHeader.of(Command.WRITE_ZEROES, CommandFlag.FAST_ZERO.mask(), 4, 0, 4096));
      assertThat(structuredError(slow.readStructuredReply()).error())
          .isEqualTo(NbdError.ENOTSUP.code());
      slow.send(RequestHeader.of(Command.WRITE_ZEROES, 0, 5, 0, 4096));
      assertThat(simpleError(slow.readReply())).isZero();
    }
  }

  @Test
  void exportFailuresAreMappedAndTheConnectionLivesOn() {
    scripted.fail(0, () -> new StorageIoException("dev", 0, "read", new IOException("bad sector")));
    scripted.fail(4096, () -> new NoSpaceException(NoSpaceException.Space.DATA));
    try (NbdTestClient c = connect("disk", true);
        NbdTestClient s = connect("disk", false);
        NbdTestClient broken = connect("broken", true)) {
      c.send(RequestHeader.of(Command.READ, 0, 1, 0, 512));
      ErrorChunk e = structuredError(c.readStructuredReply());
      assertThat(e.error()).isEqualTo(NbdError.EIO.code());
      assertThat(e.message()).contains("bad sector");
      c.send(RequestHeader.of(Command.WRITE, 0, 2, 4096, 1), ByteBuffer.allocate(1));
      assertThat(structuredError(c.readStructuredReply()).error())
          .isEqualTo(NbdError.ENOSPC.code());
      s.send(RequestHeader.of(Command.READ, 0, 3, 0, 512));
      Reply.Simple failed = (Reply.Simple) s.readReply();
      assertThat(failed.error()).isEqualTo(NbdError.EIO.code());
      assertThat(failed.data()).isEmpty();
      s.send(RequestHeader.of(Command.READ, 0, 4, 8192, 512));
      assertThat(simpleError(s.readReply())).isZero();
      // an export that breaks the read contract is an EIO, not a corrupted stream
      broken.send(RequestHeader.of(Command.READ, 0, 5, 0, 512));
      assertThat(structuredError(broken.readStructuredReply()).error())
          .isEqualTo(NbdError.EIO.code());
      broken.send(RequestHeader.of(Command.FLUSH, 0, 6, 0, 0));
      assertThat(simpleError(broken.readReply())).isZero();
    }
    assertThat(nbd.events()).filteredOn(NbdEvent.RequestFailed.class::isInstance).hasSize(4);
  }

  @Test
  void repliesLeaveInCompletionOrder() {
    CountDownLatch first = scripted.gate(0);
    try (NbdTestClient c = connect("disk", true)) {
      c.send(RequestHeader.of(Command.READ, 0, 1, 0, 512));
      c.send(RequestHeader.of(Command.READ, 0, 2, 4096, 512));
      assertThat(c.readStructuredReply().getFirst().cookie()).isEqualTo(2);
      first.countDown();
      assertThat(c.readStructuredReply().getFirst().cookie()).isEqualTo(1);
    }
  }

  @Test
  void requestsInFlightAreBounded() throws Exception {
    CountDownLatch gate = scripted.gateAll();
    try (NbdTestClient c = connect("disk", false)) {
      for (int i = 0; i < 12; i++) {
        c.send(RequestHeader.of(Command.READ, 0, i, i * 4096L, 4096));
      }
      // the server admits 4, then stops reading until one completes
      while (scripted.started() < 4) {
        Thread.sleep(5);
      }
      Thread.sleep(100);
      assertThat(scripted.started()).isEqualTo(4);
      gate.countDown();
      List<Long> cookies = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        cookies.add(c.readReply().cookie());
      }
      assertThat(cookies)
          .containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
      assertThat(scripted.peakConcurrency()).isLessThanOrEqualTo(4);
    }
  }

  @Test
  void disconnectWaitsForRequestsInFlight() {
    CountDownLatch gate = scripted.gate(0);
    try (NbdTestClient c = connect("disk", true)) {
      c.send(RequestHeader.of(Command.READ, 0, 1, 0, 512));
      c.send(RequestHeader.of(Command.DISC, 0, 2, 0, 0));
      gate.countDown();
      assertThat(c.readStructuredReply().getFirst().cookie()).isEqualTo(1);
      assertThat(c.serverClosed()).isTrue();
    }
  }

  /** Advertises fast zero but never has it, like a file export. */
  static final class SlowZeroExport extends ExportFilter {
    SlowZeroExport(MemoryExport next) {
      super(next);
    }

    @Override
    public void writeZeroes(
        long offset, long length, boolean noHole, boolean fastZero, boolean fua) {
      if (fastZero) {
        throw new dev.thinly.nbd.export.FastZeroUnsupportedException(name(), offset, length);
      }
      super.writeZeroes(offset, length, noHole, false, fua);
    }
  }

  /** Answers reads with too little data. */
  static final class BrokenExport extends ExportFilter {
    BrokenExport(MemoryExport next) {
      super(next);
    }

    @Override
    public void read(long offset, int length, ReadSink sink) {
      sink.zeroes(offset, length / 2);
    }

    @Override
    public java.util.Set<ExportCapability> capabilities() {
      return next.capabilities();
    }
  }
}
