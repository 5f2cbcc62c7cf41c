package dev.thinly.nbd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.nbd.protocol.ChunkHeader;
import dev.thinly.nbd.protocol.HoleChunk;
import dev.thinly.nbd.protocol.NbdMagic;
import dev.thinly.nbd.protocol.ReplyChunkType;
import dev.thinly.nbd.protocol.StructuredReplyCodec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReadReplyTest {
  private final BufferPool pool = new BufferPool(1 << 20);

  static ByteBuffer concat(OutgoingReply reply) {
    int total = 0;
    for (ByteBuffer p : reply.parts()) {
      total += p.remaining();
    }
    ByteBuffer all = ByteBuffer.allocate(total);
    for (ByteBuffer p : reply.parts()) {
      all.put(p.duplicate());
    }
    return all.flip();
  }

  record Chunk(ChunkHeader header, ByteBuffer payload) {}

  static List<Chunk> chunks(ByteBuffer wire) {
    List<Chunk> chunks = new ArrayList<>();
    while (wire.hasRemaining()) {
      assertThat(wire.getInt()).isEqualTo(NbdMagic.STRUCTURED_REPLY);
      ChunkHeader h = StructuredReplyCodec.decodeHeaderAfterMagic(wire);
      ByteBuffer payload = wire.slice(wire.position(), (int) h.lengthBytes());
      wire.position(wire.position() + (int) h.lengthBytes());
      chunks.add(new Chunk(h, payload));
    }
    return chunks;
  }

  static void fill(ByteBuffer b, byte value) {
    while (b.hasRemaining()) {
      b.put(value);
    }
  }

  @Test
  void structuredRepliesSendDataChunksAndHoles() {
    ReadReply reply = new ReadReply(pool, "e", 9, 1000, 20_000, true, false);
    fill(reply.dataBuffer(1000, 100), (byte) 1);
    fill(reply.dataBuffer(1100, 100), (byte) 2);
    reply.zeroes(1200, 10); // too small for a hole chunk: sent as zero bytes
    reply.zeroes(1210, 10_000);
    reply.data(11_210, ByteBuffer.wrap(new byte[9790]));
    AtomicBoolean released = new AtomicBoolean();
    OutgoingReply out = reply.finish(() -> released.set(true));
    List<Chunk> chunks = chunks(concat(out));
    assertThat(chunks).hasSize(3);
    assertThat(chunks.get(0).header().type()).isEqualTo(ReplyChunkType.OFFSET_DATA.code());
    assertThat(chunks.get(0).payload().getLong(0)).isEqualTo(1000);
    assertThat(chunks.get(0).header().lengthBytes()).isEqualTo(8 + 210);
    assertThat(chunks.get(0).payload().get(8)).isEqualTo((byte) 1);
    assertThat(chunks.get(0).payload().get(8 + 100)).isEqualTo((byte) 2);
    assertThat(chunks.get(0).payload().get(8 + 205)).isZero();
    assertThat(chunks.get(1).header().type()).isEqualTo(ReplyChunkType.OFFSET_HOLE.code());
    assertThat(StructuredReplyCodec.decodeHole(chunks.get(1).payload()))
        .isEqualTo(new HoleChunk(1210, 10_000));
    assertThat(chunks.get(2).payload().getLong(0)).isEqualTo(11_210);
    assertThat(chunks.stream().map(c -> c.header().done())).containsExactly(false, false, true);
    assertThat(chunks).allMatch(c -> c.header().cookie() == 9);
    out.onWritten().run();
    assertThat(released).isTrue();
  }

  @Test
  void dontFragmentMeansOneDataChunkWithTheZeroesInIt() {
    ReadReply reply = new ReadReply(pool, "e", 1, 0, 12_288, true, true);
    fill(reply.dataBuffer(0, 4096), (byte) 7);
    reply.zeroes(4096, 8192);
    List<Chunk> chunks = chunks(concat(reply.finish(() -> {})));
    assertThat(chunks)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.header().done()).isTrue();
              assertThat(c.header().lengthBytes()).isEqualTo(8 + 12_288);
              assertThat(c.payload().get(8 + 4095)).isEqualTo((byte) 7);
              assertThat(c.payload().get(8 + 4096)).isZero();
            });
  }

  @Test
  void aReadThatIsAllHoleIsOneHoleChunkWhateverItsSize() {
    ReadReply reply = new ReadReply(pool, "e", 1, 512, 512, true, false);
    reply.zeroes(512, 512);
    List<Chunk> chunks = chunks(concat(reply.finish(() -> {})));
    assertThat(chunks)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.header().type()).isEqualTo(ReplyChunkType.OFFSET_HOLE.code());
              assertThat(c.header().done()).isTrue();
            });
  }

  @Test
  void simpleRepliesMaterializeZeroes() {
    // dirty the pooled buffer first: zero ranges must really be written as zeroes
    ByteBuffer dirty = pool.acquire(8192);
    fill(dirty, (byte) 0x55);
    pool.release(dirty);
    ReadReply reply = new ReadReply(pool, "e", 5, 0, 8192, false, false);
    reply.zeroes(0, 4096);
    fill(reply.dataBuffer(4096, 4096), (byte) 3);
    ByteBuffer wire = concat(reply.finish(() -> {}));
    assertThat(wire.remaining()).isEqualTo(16 + 8192);
    assertThat(wire.getInt()).isEqualTo(NbdMagic.SIMPLE_REPLY);
    assertThat(wire.getInt()).isZero();
    assertThat(wire.getLong()).isEqualTo(5);
    for (int i = 0; i < 4096; i++) {
      assertThat(wire.get()).isZero();
    }
    assertThat(wire.get()).isEqualTo((byte) 3);
  }

  @Test
  void exportsThatMisbehaveAreCaught() {
    ReadReply gap = new ReadReply(pool, "e", 1, 0, 100, true, false);
    assertThatThrownBy(() -> gap.zeroes(10, 10)).hasMessageContaining("where 0 was next");
    gap.abandon();

    ReadReply overrun = new ReadReply(pool, "e", 1, 0, 100, true, false);
    assertThatThrownBy(() -> overrun.dataBuffer(0, 101)).isInstanceOf(IllegalStateException.class);
    overrun.abandon();

    ReadReply unfilled = new ReadReply(pool, "e", 1, 0, 100, true, false);
    unfilled.dataBuffer(0, 100).put(new byte[50]);
    assertThatThrownBy(() -> unfilled.finish(() -> {})).hasMessageContaining("50 bytes");
    unfilled.abandon();

    ReadReply shortRead = new ReadReply(pool, "e", 1, 0, 100, false, false);
    shortRead.zeroes(0, 60);
    assertThatThrownBy(() -> shortRead.finish(() -> {})).hasMessageContaining("60 of 100");
    shortRead.abandon();
  }
}
