package dev.thinly.nbd.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

class StructuredReplyCodecProperties {

  private static ChunkHeader header(ByteBuffer wire) {
    assertThat(wire.getInt()).isEqualTo(NbdMagic.STRUCTURED_REPLY);
    return StructuredReplyCodec.decodeHeaderAfterMagic(wire);
  }

  @Property
  void offsetDataHeadersDescribeTheData(
      @ForAll long cookie,
      @ForAll long offset,
      @ForAll @LongRange(min = 1, max = 1 << 25) long dataBytes) {
    ByteBuffer wire = ByteBuffer.allocate(StructuredReplyCodec.OFFSET_DATA_HEADER_BYTES);
    StructuredReplyCodec.encodeOffsetDataHeader(wire, 0, cookie, offset, dataBytes);
    assertThat(wire.hasRemaining()).isFalse();
    ChunkHeader h = header(wire.flip());
    assertThat(h)
        .isEqualTo(new ChunkHeader(0, ReplyChunkType.OFFSET_DATA.code(), cookie, 8 + dataBytes));
    assertThat(wire.getLong()).isEqualTo(offset);
  }

  @Property
  void holesRoundTrip(
      @ForAll long cookie,
      @ForAll long offset,
      @ForAll @LongRange(min = 1, max = 0xffff_ffffL) long length,
      @ForAll boolean done) {
    ByteBuffer wire = ByteBuffer.allocate(StructuredReplyCodec.HOLE_CHUNK_BYTES);
    StructuredReplyCodec.encodeHole(
        wire, done ? StructuredReplyCodec.FLAG_DONE : 0, cookie, offset, length);
    ChunkHeader h = header(wire.flip());
    assertThat(h.done()).isEqualTo(done);
    assertThat(h.type()).isEqualTo(ReplyChunkType.OFFSET_HOLE.code());
    assertThat(StructuredReplyCodec.decodeHole(wire)).isEqualTo(new HoleChunk(offset, length));
  }

  @Property
  void errorsRoundTrip(
      @ForAll long cookie, @ForAll NbdError error, @ForAll @StringLength(max = 100) String text) {
    String message = text.replace('\0', ' ');
    ByteBuffer wire =
        StructuredReplyCodec.encodeError(
            StructuredReplyCodec.FLAG_DONE, cookie, error.code(), message);
    ChunkHeader h = header(wire);
    assertThat(h.lengthBytes()).isEqualTo(wire.remaining());
    assertThat(StructuredReplyCodec.decodeError(h.type(), wire))
        .isEqualTo(new ErrorChunk(error.code(), message, OptionalLong.empty()));
  }

  @Property
  void errorOffsetsRoundTrip(@ForAll long cookie, @ForAll long offset) {
    ByteBuffer wire = StructuredReplyCodec.encodeErrorOffset(1, cookie, 5, "bad block", offset);
    ChunkHeader h = header(wire);
    assertThat(ReplyChunkType.isError(h.type())).isTrue();
    assertThat(StructuredReplyCodec.decodeError(h.type(), wire))
        .isEqualTo(new ErrorChunk(5, "bad block", OptionalLong.of(offset)));
  }

  @Property
  void blockStatusRoundTrips(
      @ForAll long cookie,
      @ForAll int contextId,
      @ForAll @Size(min = 1, max = 50) List<@IntRange(min = 1) Integer> lengths) {
    List<BlockDescriptor> descriptors = new ArrayList<>();
    for (int i = 0; i < lengths.size(); i++) {
      descriptors.add(new BlockDescriptor(lengths.get(i), i % 4));
    }
    ByteBuffer wire =
        ByteBuffer.allocate(
            StructuredReplyCodec.BLOCK_STATUS_HEADER_BYTES
                + StructuredReplyCodec.DESCRIPTOR_BYTES * descriptors.size());
    StructuredReplyCodec.encodeBlockStatusHeader(
        wire, StructuredReplyCodec.FLAG_DONE, cookie, contextId, descriptors.size());
    for (BlockDescriptor d : descriptors) {
      StructuredReplyCodec.encodeDescriptor(wire, d.lengthBytes(), d.flags());
    }
    assertThat(wire.hasRemaining()).isFalse();
    ChunkHeader h = header(wire.flip());
    assertThat(h.lengthBytes()).isEqualTo(wire.remaining());
    assertThat(StructuredReplyCodec.decodeBlockStatus(wire))
        .isEqualTo(new BlockStatusChunk(contextId, descriptors));
  }

  @Property
  void setDoneTogglesOnlyTheDoneFlag(@ForAll long cookie, @ForAll boolean done) {
    ByteBuffer wire = ByteBuffer.allocate(StructuredReplyCodec.HOLE_CHUNK_BYTES);
    StructuredReplyCodec.encodeHole(wire, done ? 0 : 1, cookie, 0, 4096);
    StructuredReplyCodec.setDone(wire, 0, done);
    ChunkHeader h = header(wire.flip());
    assertThat(h)
        .isEqualTo(new ChunkHeader(done ? 1 : 0, ReplyChunkType.OFFSET_HOLE.code(), cookie, 12));
  }

  @Property
  void blockStatusPayloadsOfImpossibleSizesAreRejected(@ForAll @IntRange(max = 100) int bytes) {
    if (bytes >= 12 && (bytes - 4) % 8 == 0) {
      return;
    }
    assertThatThrownBy(() -> StructuredReplyCodec.decodeBlockStatus(ByteBuffer.allocate(bytes)))
        .isInstanceOf(NbdProtocolException.class);
  }
}
