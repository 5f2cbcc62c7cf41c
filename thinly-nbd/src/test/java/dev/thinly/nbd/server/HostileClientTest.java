package dev.thinly.nbd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.nbd.export.MemoryExport;
import dev.thinly.nbd.protocol.Command;
import dev.thinly.nbd.protocol.RequestCodec;
import dev.thinly.nbd.protocol.RequestHeader;
import dev.thinly.nbd.testkit.NbdTestClient;
import dev.thinly.nbd.testkit.NbdTestServer;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that send garbage, lie about lengths or vanish are dropped alone: a well-behaved client
 * on the same server keeps working throughout.
 */
class HostileClientTest {
  @TempDir Path dir;

  void assertStillServes(NbdTestClient good, long cookie) {
    good.send(RequestHeader.of(Command.READ, 0, cookie, 0, 4096));
    assertThat(good.readStructuredReply().getLast().header().done()).isTrue();
  }

  @Test
  void abusersAreDisconnectedWithoutHurtingOthers() {
    try (NbdTestServer nbd =
            NbdTestServer.start(dir, MemoryExport.builder("disk", 1 << 20).build());
        NbdTestClient good = NbdTestClient.tcp(nbd.tcpPort())) {
      good.negotiate("disk", true);

      // random garbage instead of a handshake
      try (NbdTestClient garbage = NbdTestClient.unix(nbd.socket())) {
        garbage.readGreeting();
        byte[] junk = new byte[4096];
        new Random(1).nextBytes(junk);
        junk[0] = (byte) 0xff; // unknown client flags
        garbage.write(ByteBuffer.wrap(junk));
        assertThat(garbage.serverClosed()).isTrue();
      }
      assertStillServes(good, 1);

      // a request with a bad magic number in the transmission phase
      try (NbdTestClient badMagic = NbdTestClient.unix(nbd.socket())) {
        badMagic.negotiate("disk", false);
        ByteBuffer header = ByteBuffer.allocate(RequestCodec.HEADER_BYTES);
        RequestCodec.encode(header, RequestHeader.of(Command.READ, 0, 1, 0, 512));
        header.putInt(0, 0xdeadbeef).flip();
        badMagic.write(header);
        assertThat(badMagic.serverClosed()).isTrue();
      }
      assertStillServes(good, 2);

      // a 4 GiB write: the server will not read it, it hangs up
      try (NbdTestClient huge = NbdTestClient.unix(nbd.socket())) {
        huge.negotiate("disk", true);
        huge.send(RequestHeader.of(Command.WRITE, 0, 1, 0, 0xffff_ffffL), ByteBuffer.allocate(100));
        assertThat(huge.serverClosed()).isTrue();
      }
      assertStillServes(good, 3);

      // a huge read is refused with an error, the connection lives
      try (NbdTestClient bigRead = NbdTestClient.unix(nbd.socket())) {
        bigRead.negotiate("disk", true);
        bigRead.send(RequestHeader.of(Command.READ, 0, 1, 0, 0xffff_ffffL));
        assertThat(bigRead.readStructuredReply().getLast().header().type()).isEqualTo(0x8001);
        assertStillServes(bigRead, 2);
      }

      // a client that hangs up in the middle of a write payload
      try (NbdTestClient quitter = NbdTestClient.unix(nbd.socket())) {
        quitter.negotiate("disk", false);
        quitter.send(RequestHeader.of(Command.WRITE, 0, 1, 0, 65536), ByteBuffer.allocate(1000));
      }
      assertStillServes(good, 4);

      // a 4 GiB option
      try (NbdTestClient greedy = NbdTestClient.unix(nbd.socket())) {
        greedy.start();
        greedy.write(
            ByteBuffer.allocate(16).putLong(0x49484156454F5054L).putInt(6).putInt(-1).flip());
        assertThat(greedy.serverClosed()).isTrue();
      }
      assertStillServes(good, 5);
    }
  }

  @Test
  void slowHandshakesAreCutAfterTheTimeout() throws Exception {
    try (NbdTestServer nbd =
            NbdTestServer.start(
                dir,
                b -> b.handshakeTimeout(java.time.Duration.ofMillis(200)),
                MemoryExport.builder("disk", 4096).build());
        NbdTestClient idle = NbdTestClient.unix(nbd.socket())) {
      idle.readGreeting();
      assertThat(idle.serverClosed()).isTrue();
      nbd.awaitEvent(
          NbdEvent.ConnectionClosed.class,
          e -> e.reason().contains("negotiation not finished"),
          java.time.Duration.ofSeconds(30));
    }
  }

  @Test
  void connectionsBeyondTheLimitAreRefused() {
    try (NbdTestServer nbd =
            NbdTestServer.start(
                dir, b -> b.maxConnections(1), MemoryExport.builder("disk", 4096).build());
        NbdTestClient first = NbdTestClient.unix(nbd.socket())) {
      first.readGreeting();
      try (NbdTestClient second = NbdTestClient.unix(nbd.socket())) {
        assertThat(second.serverClosed()).isTrue();
      }
      assertThat(nbd.events()).anyMatch(NbdEvent.ConnectionRefused.class::isInstance);
    }
  }
}
