package dev.thinly.nbd.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class RequestCodecProperties {

  @Property
  void roundTripsEveryHeader(
      @ForAll @IntRange(max = 0xffff) int flags,
      @ForAll @IntRange(max = 0xffff) int type,
      @ForAll long cookie,
      @ForAll long offset,
      @ForAll @LongRange(max = 0xffff_ffffL) long length) {
    RequestHeader request = new RequestHeader(flags, type, cookie, offset, length);
    ByteBuffer wire = ByteBuffer.allocate(64);
    RequestCodec.encode(wire, request);
    assertThat(wire.position()).isEqualTo(RequestCodec.HEADER_BYTES);
    assertThat(RequestCodec.decode(wire.flip())).isEqualTo(request);
    assertThat(wire.remaining()).isZero();
  }

  @Property
  void rejectsEveryOtherMagic(@ForAll int magic) {
    if (magic == NbdMagic.REQUEST) {
      return;
    }
    ByteBuffer wire = ByteBuffer.allocate(RequestCodec.HEADER_BYTES);
    RequestCodec.encode(wire, RequestHeader.of(Command.READ, 0, 1, 0, 512));
    wire.putInt(0, magic).flip();
    assertThatThrownBy(() -> RequestCodec.decode(wire)).isInstanceOf(NbdProtocolException.class);
  }

  @Property
  void simpleRepliesRoundTrip(@ForAll int error, @ForAll long cookie) {
    ByteBuffer wire = SimpleReplyCodec.encode(error, cookie);
    assertThat(wire.remaining()).isEqualTo(SimpleReplyCodec.HEADER_BYTES);
    assertThat(wire.getInt()).isEqualTo(NbdMagic.SIMPLE_REPLY);
    assertThat(SimpleReplyCodec.decodeAfterMagic(wire)).isEqualTo(new SimpleReply(error, cookie));
  }
}
