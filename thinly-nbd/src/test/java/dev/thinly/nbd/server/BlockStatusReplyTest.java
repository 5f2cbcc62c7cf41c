package dev.thinly.nbd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.nbd.export.ExtentSink;
import dev.thinly.nbd.protocol.BlockDescriptor;
import dev.thinly.nbd.protocol.BlockStatusChunk;
import dev.thinly.nbd.protocol.StructuredReplyCodec;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class BlockStatusReplyTest {

  static BlockStatusChunk decode(ByteBuffer wire) {
    wire.getInt();
    var header = StructuredReplyCodec.decodeHeaderAfterMagic(wire);
    assertThat(header.done()).isTrue();
    return StructuredReplyCodec.decodeBlockStatus(wire);
  }

  @Test
  void mergesEqualNeighboursClipsToTheRequestAndMasksUnknownBits() {
    BlockStatusReply r = new BlockStatusReply("e", 10_000, false);
    assertThat(r.extent(1000, ExtentSink.HOLE | ExtentSink.ZERO)).isTrue();
    assertThat(r.extent(1000, ExtentSink.HOLE | ExtentSink.ZERO | 0x100)).isTrue();
    assertThat(r.extent(3000, ExtentSink.DATA)).isTrue();
    assertThat(r.extent(1L << 40, ExtentSink.ZERO)).isFalse();
    assertThat(decode(r.finish(3, 1)))
        .isEqualTo(
            new BlockStatusChunk(
                1,
                java.util.List.of(
                    new BlockDescriptor(2000, 3),
                    new BlockDescriptor(3000, 0),
                    new BlockDescriptor(5000, 2))));
  }

  @Test
  void requestOneKeepsExactlyOneExtent() {
    BlockStatusReply r = new BlockStatusReply("e", 10_000, true);
    assertThat(r.extent(512, ExtentSink.DATA)).isTrue();
    assertThat(r.extent(512, ExtentSink.DATA)).isTrue();
    assertThat(r.extent(512, ExtentSink.HOLE)).isFalse();
    assertThat(decode(r.finish(3, 1)).descriptors()).containsExactly(new BlockDescriptor(1024, 0));
  }

  @Test
  void nothingReportedIsAnError() {
    assertThatThrownBy(() -> new BlockStatusReply("e", 1, false).finish(1, 1))
        .hasMessageContaining("no extent");
    assertThatThrownBy(() -> new BlockStatusReply("e", 1, false).extent(0, 0))
        .hasMessageContaining("0 bytes");
  }

  @Test
  void stopsAtTheDescriptorCap() {
    BlockStatusReply r = new BlockStatusReply("e", 0xffff_ffffL, false);
    int i = 0;
    while (r.extent(1, i++ % 2)) {
      // alternate statuses so nothing merges
    }
    assertThat(decode(r.finish(1, 1)).descriptors()).hasSize(BlockStatusReply.MAX_DESCRIPTORS);
  }
}
