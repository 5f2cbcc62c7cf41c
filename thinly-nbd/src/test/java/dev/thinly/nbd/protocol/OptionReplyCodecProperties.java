package dev.thinly.nbd.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.nbd.protocol.InfoReply.BlockSizeInfo;
import dev.thinly.nbd.protocol.InfoReply.DescriptionInfo;
import dev.thinly.nbd.protocol.InfoReply.ExportInfo;
import dev.thinly.nbd.protocol.InfoReply.NameInfo;
import dev.thinly.nbd.protocol.InfoReply.UnknownInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class OptionReplyCodecProperties {

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.strings().excludeChars('\0').ofMaxLength(200);
  }

  @Provide
  Arbitrary<InfoReply> infos() {
    return Arbitraries.oneOf(
        Arbitraries.longs()
            .flatMap(
                size ->
                    Arbitraries.integers()
                        .between(0, 0xffff)
                        .map(flags -> (InfoReply) new ExportInfo(size, flags))),
        texts().map(NameInfo::new),
        texts().map(DescriptionInfo::new),
        Arbitraries.longs()
            .between(0, 0xffff_ffffL)
            .map(v -> (InfoReply) new BlockSizeInfo(v, v / 2, v / 3)),
        Arbitraries.integers().between(4, 0xffff).map(UnknownInfo::new));
  }

  @Property
  void infoRepliesRoundTrip(@ForAll int option, @ForAll("infos") InfoReply info) {
    ByteBuffer wire = OptionReplyCodec.info(option, info);
    OptionReplyHeader header = OptionReplyCodec.decodeHeader(wire);
    assertThat(header.option()).isEqualTo(option);
    assertThat(header.replyType()).isEqualTo(OptionReplyType.INFO.code());
    assertThat(header.lengthBytes()).isEqualTo(wire.remaining());
    assertThat(OptionReplyCodec.decodeInfo(wire)).isEqualTo(info);
  }

  @Property
  void serverListingsRoundTrip(@ForAll("texts") String name, @ForAll("texts") String description) {
    ByteBuffer wire = OptionReplyCodec.server(3, new ExportListing(name, description));
    OptionReplyCodec.decodeHeader(wire);
    assertThat(OptionReplyCodec.decodeServer(wire)).isEqualTo(new ExportListing(name, description));
  }

  @Property
  void metaContextsRoundTrip(@ForAll int id, @ForAll("texts") String name) {
    ByteBuffer wire = OptionReplyCodec.metaContext(10, new MetaContext(id, name));
    assertThat(OptionReplyCodec.decodeHeader(wire).replyType())
        .isEqualTo(OptionReplyType.META_CONTEXT.code());
    assertThat(OptionReplyCodec.decodeMetaContext(wire)).isEqualTo(new MetaContext(id, name));
  }

  @Property
  void errorMessagesAreCutAtACharacterBoundary(
      @ForAll @IntRange(min = 4000, max = 5000) int repeats) {
    String message = "é".repeat(repeats);
    ByteBuffer wire = OptionReplyCodec.error(1, OptionReplyType.ERR_INVALID, message);
    OptionReplyHeader header = OptionReplyCodec.decodeHeader(wire);
    assertThat(header.lengthBytes()).isLessThanOrEqualTo(NbdStrings.MAX_BYTES);
    String decoded = StandardCharsets.UTF_8.decode(wire).toString();
    assertThat(message).startsWith(decoded);
  }

  @Property
  void everyErrorTypeHasBit31AndOthersDoNot(@ForAll OptionReplyType type) {
    assertThat(type.isError()).isEqualTo(type.code() < 0);
    assertThat(OptionReplyType.of(type.code())).contains(type);
  }

  @Property
  void headersWithTheWrongMagicAreRejected(@ForAll long magic) {
    if (magic == NbdMagic.OPTION_REPLY) {
      return;
    }
    ByteBuffer wire = OptionReplyCodec.ack(1);
    wire.putLong(0, magic);
    assertThatThrownBy(() -> OptionReplyCodec.decodeHeader(wire))
        .isInstanceOf(NbdProtocolException.class);
  }

  @Property
  void exportInfoIsTwelveBytes(@ForAll long size, @ForAll @LongRange(max = 0xffff) long flags) {
    ByteBuffer wire = OptionReplyCodec.info(6, new ExportInfo(size, (int) flags));
    assertThat(OptionReplyCodec.decodeHeader(wire).lengthBytes()).isEqualTo(12);
  }

  @Test
  void errorRepliesMustUseErrorTypes() {
    assertThatThrownBy(() -> OptionReplyCodec.error(1, OptionReplyType.ACK, "no"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
