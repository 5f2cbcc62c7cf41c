package dev.thinly.nbd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.nbd.export.BlockSizes;
import dev.thinly.nbd.export.MemoryExport;
import dev.thinly.nbd.protocol.Command;
import dev.thinly.nbd.protocol.HandshakeFlags;
import dev.thinly.nbd.protocol.InfoReply;
import dev.thinly.nbd.protocol.InfoReply.BlockSizeInfo;
import dev.thinly.nbd.protocol.InfoReply.DescriptionInfo;
import dev.thinly.nbd.protocol.InfoReply.ExportInfo;
import dev.thinly.nbd.protocol.InfoReply.NameInfo;
import dev.thinly.nbd.protocol.InfoType;
import dev.thinly.nbd.protocol.MetaContext;
import dev.thinly.nbd.protocol.NbdError;
import dev.thinly.nbd.protocol.NbdMagic;
import dev.thinly.nbd.protocol.OptionReplyCodec;
import dev.thinly.nbd.protocol.OptionReplyType;
import dev.thinly.nbd.protocol.OptionType;
import dev.thinly.nbd.protocol.RequestHeader;
import dev.thinly.nbd.protocol.TransmissionFlag;
import dev.thinly.nbd.testkit.NbdTestClient;
import dev.thinly.nbd.testkit.NbdTestClient.OptionReply;
import dev.thinly.nbd.testkit.NbdTestClient.Reply;
import dev.thinly.nbd.testkit.NbdTestServer;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fixed newstyle negotiation, option by option, against a server on a unix socket. */
class HandshakeTest {
  @TempDir Path dir;
  NbdTestServer nbd;
  NbdTestClient client;

  @BeforeEach
  void start() {
    nbd =
        NbdTestServer.start(
            dir,
            MemoryExport.builder("disk", 1 << 20).description("the disk").build(),
            MemoryExport.builder("other", 1 << 16)
                .blockSizes(new BlockSizes(512, 4096, 1 << 20))
                .build());
    client = NbdTestClient.unix(nbd.socket());
  }

  @AfterEach
  void stop() {
    client.close();
    nbd.close();
  }

  static ByteBuffer none() {
    return ByteBuffer.allocate(0);
  }

  static OptionReplyType type(OptionReply r) {
    return OptionReplyType.of(r.header().replyType()).orElseThrow();
  }

  static List<InfoReply> infos(List<OptionReply> replies) {
    return replies.stream().filter(r -> r.is(OptionReplyType.INFO)).map(OptionReply::info).toList();
  }

  @Test
  void greetingOffersFixedNewstyleAndNoZeroes() {
    assertThat(client.readGreeting())
        .isEqualTo(HandshakeFlags.FIXED_NEWSTYLE | HandshakeFlags.NO_ZEROES);
  }

  @Test
  void unknownClientFlagsAreAHardDisconnect() {
    client.readGreeting();
    client.sendClientFlags(1 << 2);
    assertThat(client.serverClosed()).isTrue();
  }

  @Test
  void listNamesEveryExportThenAcks() {
    client.start();
    List<OptionReply> replies = client.option(OptionType.LIST, none());
    assertThat(replies)
        .extracting(HandshakeTest::type)
        .containsExactly(OptionReplyType.SERVER, OptionReplyType.SERVER, OptionReplyType.ACK);
    assertThat(OptionReplyCodec.decodeServer(replies.get(0).payload()).description())
        .isEqualTo("the disk");
    assertThat(type(client.option(OptionType.LIST, ByteBuffer.wrap(new byte[] {1})).getFirst()))
        .isEqualTo(OptionReplyType.ERR_INVALID);
  }

  @Test
  void unknownOptionsAreUnsupportedAndNegotiationGoesOn() {
    client.start();
    for (int option : new int[] {OptionType.EXTENDED_HEADERS.code(), 4, 1234, -1}) {
      assertThat(client.option(option, ByteBuffer.allocate(10)))
          .singleElement()
          .satisfies(r -> assertThat(type(r)).isEqualTo(OptionReplyType.ERR_UNSUP));
    }
    assertThat(client.option(OptionType.STARTTLS, none()))
        .singleElement()
        .satisfies(r -> assertThat(type(r)).isEqualTo(OptionReplyType.ERR_POLICY));
    assertThat(type(client.info(OptionType.GO, "disk").getLast())).isEqualTo(OptionReplyType.ACK);
  }

  @Test
  void infoDescribesAnExportAndGoAnswersTheSame() {
    client.start();
    List<OptionReply> info =
        client.info(
            OptionType.INFO, "disk", InfoType.NAME, InfoType.DESCRIPTION, InfoType.BLOCK_SIZE);
    assertThat(type(info.getLast())).isEqualTo(OptionReplyType.ACK);
    int flags =
        TransmissionFlag.encode(
            java.util.EnumSet.of(
                TransmissionFlag.HAS_FLAGS,
                TransmissionFlag.SEND_FLUSH,
                TransmissionFlag.SEND_FUA,
                TransmissionFlag.SEND_TRIM,
                TransmissionFlag.SEND_WRITE_ZEROES,
                TransmissionFlag.CAN_MULTI_CONN,
                TransmissionFlag.SEND_CACHE,
                TransmissionFlag.SEND_FAST_ZERO));
    assertThat(infos(info))
        .containsExactlyInAnyOrder(
            new ExportInfo(1 << 20, flags),
            new NameInfo("disk"),
            new DescriptionInfo("the disk"),
            new BlockSizeInfo(1, 4096, 32 << 20));
    List<OptionReply> go =
        client.info(
            OptionType.GO, "disk", InfoType.NAME, InfoType.DESCRIPTION, InfoType.BLOCK_SIZE);
    assertThat(infos(go)).containsExactlyInAnyOrderElementsOf(infos(info));
    // now in transmission: a read works
    client.send(RequestHeader.of(Command.READ, 0, 1, 0, 512));
    assertThat(client.readReply())
        .isInstanceOfSatisfying(
            Reply.Simple.class,
            r -> {
              assertThat(r.error()).isZero();
              assertThat(r.data()).hasSize(512);
            });
  }

  @Test
  void infoOfUnknownOrMalformedRequestsFailsButNegotiationGoesOn() {
    client.start();
    assertThat(client.info(OptionType.GO, "nope"))
        .singleElement()
        .satisfies(r -> assertThat(type(r)).isEqualTo(OptionReplyType.ERR_UNKNOWN));
    assertThat(nbd.server().connectionCount("nope")).isZero();
    assertThat(client.info(OptionType.INFO, "nope"))
        .singleElement()
        .satisfies(r -> assertThat(type(r)).isEqualTo(OptionReplyType.ERR_UNKNOWN));
    assertThat(client.option(OptionType.GO, ByteBuffer.wrap(new byte[] {0, 0, 0, 9, 'x'})))
        .singleElement()
        .satisfies(r -> assertThat(type(r)).isEqualTo(OptionReplyType.ERR_INVALID));
    assertThat(infos(client.info(OptionType.GO, "other")))
        .contains(new BlockSizeInfo(512, 4096, 1 << 20));
  }

  @Test
  void exportNameEntersTransmissionWithOrWithoutZeroPadding() {
    client.readGreeting();
    client.sendClientFlags(HandshakeFlags.C_FIXED_NEWSTYLE | HandshakeFlags.C_NO_ZEROES);
    client.sendOption(OptionType.EXPORT_NAME.code(), ByteBuffer.wrap("disk".getBytes()));
    ByteBuffer answer = client.readBytes(10);
    assertThat(answer.getLong()).isEqualTo(1 << 20);
    client.send(RequestHeader.of(Command.READ, 0, 3, 0, 16));
    assertThat(client.readReply().cookie()).isEqualTo(3);

    try (NbdTestClient old = NbdTestClient.unix(nbd.socket())) {
      old.readGreeting();
      old.sendClientFlags(HandshakeFlags.C_FIXED_NEWSTYLE);
      old.sendOption(OptionType.EXPORT_NAME.code(), ByteBuffer.wrap("disk".getBytes()));
      ByteBuffer padded = old.readBytes(10 + 124);
      assertThat(padded.getLong()).isEqualTo(1 << 20);
      padded.position(10);
      while (padded.hasRemaining()) {
        assertThat(padded.get()).isZero();
      }
    }
  }

  @Test
  void clientsWithoutFixedNewstyleAreServedToo() {
    client.readGreeting();
    client.sendClientFlags(0);
    client.sendOption(OptionType.EXPORT_NAME.code(), ByteBuffer.wrap("other".getBytes()));
    assertThat(client.readBytes(134).getLong()).isEqualTo(1 << 16);
  }

  @Test
  void exportNameOfAnUnknownExportIsAHardDisconnect() {
    client.start();
    client.sendOption(OptionType.EXPORT_NAME.code(), ByteBuffer.wrap("nope".getBytes()));
    assertThat(client.serverClosed()).isTrue();
  }

  @Test
  void abortIsAcknowledgedAndEndsTheSession() {
    client.start();
    assertThat(type(client.option(OptionType.ABORT, ByteBuffer.allocate(3)).getFirst()))
        .isEqualTo(OptionReplyType.ACK);
    assertThat(client.serverClosed()).isTrue();
  }

  @Test
  void metaContextsNeedStructuredRepliesAndFollowTheBaseNamespaceRules() {
    client.start();
    assertThat(type(client.metaContext(OptionType.LIST_META_CONTEXT, "disk").getFirst()))
        .isEqualTo(OptionReplyType.ERR_INVALID);
    assertThat(type(client.option(OptionType.STRUCTURED_REPLY, ByteBuffer.allocate(1)).getFirst()))
        .isEqualTo(OptionReplyType.ERR_INVALID);
    client.option(OptionType.STRUCTURED_REPLY, none());

    assertThat(contexts(client.metaContext(OptionType.LIST_META_CONTEXT, "disk")))
        .containsExactly(new MetaContext(0, "base:allocation"));
    assertThat(contexts(client.metaContext(OptionType.LIST_META_CONTEXT, "disk", "base:")))
        .containsExactly(new MetaContext(0, "base:allocation"));
    assertThat(contexts(client.metaContext(OptionType.LIST_META_CONTEXT, "disk", "qemu:dirty")))
        .isEmpty();
    assertThat(contexts(client.metaContext(OptionType.SET_META_CONTEXT, "disk", "base:")))
        .isEmpty();
    assertThat(
            contexts(
                client.metaContext(
                    OptionType.SET_META_CONTEXT, "disk", "x-y:z", "base:allocation")))
        .containsExactly(new MetaContext(Handshake.BASE_ALLOCATION_ID, "base:allocation"));
    assertThat(type(client.metaContext(OptionType.SET_META_CONTEXT, "disk", "nocolon").getLast()))
        .isEqualTo(OptionReplyType.ERR_INVALID);
    assertThat(
            type(
                client
                    .metaContext(OptionType.SET_META_CONTEXT, "nope", "base:allocation")
                    .getLast()))
        .isEqualTo(OptionReplyType.ERR_UNKNOWN);
  }

  static List<MetaContext> contexts(List<OptionReply> replies) {
    assertThat(type(replies.getLast())).isEqualTo(OptionReplyType.ACK);
    return replies.stream()
        .filter(r -> r.is(OptionReplyType.META_CONTEXT))
        .map(r -> OptionReplyCodec.decodeMetaContext(r.payload().duplicate()))
        .toList();
  }

  @Test
  void blockStatusNeedsAContextSelectedForTheSameExport() {
    client.start();
    client.option(OptionType.STRUCTURED_REPLY, none());
    client.metaContext(OptionType.SET_META_CONTEXT, "other", "base:allocation");
    client.info(OptionType.GO, "disk");
    client.send(RequestHeader.of(Command.BLOCK_STATUS, 0, 1, 0, 4096));
    List<Reply.Chunk> reply = client.readStructuredReply();
    assertThat(reply.getFirst().payload().getInt(0)).isEqualTo(NbdError.EINVAL.code());
  }

  @Test
  void badOptionMagicAndOversizedOptionsAreHardDisconnects() {
    client.start();
    client.write(ByteBuffer.allocate(16).putLong(NbdMagic.NBDMAGIC).putInt(7).putInt(0).flip());
    assertThat(client.serverClosed()).isTrue();

    try (NbdTestClient greedy = NbdTestClient.unix(nbd.socket())) {
      greedy.start();
      greedy.write(ByteBuffer.allocate(16).putLong(NbdMagic.IHAVEOPT).putInt(7).putInt(-1).flip());
      assertThat(greedy.serverClosed()).isTrue();
    }
    assertThat(nbd.events()).filteredOn(NbdEvent.ProtocolViolation.class::isInstance).hasSize(2);
  }

  @Test
  void aServerSetToReadOnlyServesEveryExportReadOnly(@TempDir Path other) {
    try (NbdTestServer ro =
            NbdTestServer.start(
                other, b -> b.readOnly(true), MemoryExport.builder("disk", 4096).build());
        NbdTestClient c = NbdTestClient.unix(ro.socket())) {
      ExportInfo info = c.negotiate("disk", true);
      assertThat(TransmissionFlag.READ_ONLY.isSet(info.transmissionFlags())).isTrue();
      assertThat(TransmissionFlag.SEND_TRIM.isSet(info.transmissionFlags())).isFalse();
      c.send(RequestHeader.of(Command.WRITE, 0, 1, 0, 1), ByteBuffer.allocate(1));
      assertThat(c.readStructuredReply().getFirst().payload().getInt(0))
          .isEqualTo(NbdError.EPERM.code());
    }
  }
}
