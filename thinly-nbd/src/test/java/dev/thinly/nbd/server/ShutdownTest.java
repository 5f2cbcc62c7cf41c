package dev.thinly.nbd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.nbd.export.MemoryExport;
import dev.thinly.nbd.protocol.Command;
import dev.thinly.nbd.protocol.NbdError;
import dev.thinly.nbd.protocol.OptionReplyType;
import dev.thinly.nbd.protocol.OptionType;
import dev.thinly.nbd.protocol.RequestHeader;
import dev.thinly.nbd.testkit.NbdTestClient;
import dev.thinly.nbd.testkit.NbdTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShutdownTest {
  @TempDir Path dir;

  @Test
  void closeFinishesRequestsInFlightAndRefusesNewOnes() throws Exception {
    MemoryExport memory = MemoryExport.builder("disk", 1 << 20).build();
    ScriptedExport scripted = new ScriptedExport(memory);
    CountDownLatch gate = scripted.gate(0);
    NbdTestServer nbd = NbdTestServer.start(dir, scripted);
    try (NbdTestClient c = NbdTestClient.tcp(nbd.tcpPort());
        NbdTestClient negotiating = NbdTestClient.unix(nbd.socket())) {
      c.negotiate("disk", false);
      negotiating.start();
      c.send(RequestHeader.of(Command.READ, 0, 1, 0, 512));
      while (scripted.started() < 1) {
        Thread.sleep(5);
      }
      Thread closer = Thread.ofVirtual().start(nbd::close);
      while (!nbd.server().shuttingDown()) {
        Thread.sleep(5);
      }
      // a request that arrives during shutdown is refused
      c.send(RequestHeader.of(Command.READ, 0, 2, 4096, 512));
      NbdTestClient.Reply refused = c.readReply();
      assertThat(refused.cookie()).isEqualTo(2);
      assertThat(((NbdTestClient.Reply.Simple) refused).error())
          .isEqualTo(NbdError.ESHUTDOWN.code());
      // an option during negotiation too
      assertThat(
              negotiating
                  .option(OptionType.LIST, java.nio.ByteBuffer.allocate(0))
                  .getLast()
                  .is(OptionReplyType.ERR_SHUTDOWN))
          .isTrue();
      // the request in flight completes and is answered before the connection goes
      gate.countDown();
      NbdTestClient.Reply finished = c.readReply();
      assertThat(finished.cookie()).isEqualTo(1);
      assertThat(((NbdTestClient.Reply.Simple) finished).error()).isZero();
      closer.join();
      assertThat(c.serverClosed()).isTrue();
    }
    assertThat(Files.exists(nbd.socket())).isFalse();
    assertThat(nbd.events().getLast()).isEqualTo(new NbdEvent.Stopped(0));
  }

  @Test
  void disconnectCutsTheClientsOfOneExportOnly() throws Exception {
    try (NbdTestServer nbd =
            NbdTestServer.start(
                dir,
                MemoryExport.builder("doomed", 1 << 20).build(),
                MemoryExport.builder("kept", 1 << 20).build());
        NbdTestClient a = NbdTestClient.unix(nbd.socket());
        NbdTestClient b = NbdTestClient.tcp(nbd.tcpPort());
        NbdTestClient k = NbdTestClient.unix(nbd.socket())) {
      a.negotiate("doomed", true);
      b.negotiate("doomed", false);
      k.negotiate("kept", true);
      assertThat(nbd.server().connectionCount("doomed")).isEqualTo(2);
      assertThat(nbd.server().connectionCount("kept")).isEqualTo(1);
      assertThat(nbd.server().connectionCount()).isEqualTo(3);

      assertThat(nbd.server().disconnect("doomed")).isEqualTo(2);
      assertThat(nbd.server().connectionCount("doomed")).isZero();
      assertThat(a.serverClosed()).isTrue();
      assertThat(b.serverClosed()).isTrue();
      k.send(RequestHeader.of(Command.READ, 0, 1, 0, 512));
      assertThat(k.readStructuredReply().getLast().header().done()).isTrue();
      assertThat(nbd.server().connections())
          .singleElement()
          .satisfies(info -> assertThat(info.exportName()).contains("kept"));
      assertThat(nbd.events())
          .filteredOn(NbdEvent.ConnectionClosed.class::isInstance)
          .map(e -> ((NbdEvent.ConnectionClosed) e).reason())
          .containsOnly("export 'doomed' disconnected by the server");
    }
  }

  @Test
  void closeIsIdempotentAndStaleSocketsAreReplaced() throws Exception {
    Path socket = dir.resolve("nbd.sock");
    NbdTestServer first = NbdTestServer.start(dir, MemoryExport.builder("d", 512).build());
    first.close();
    first.close();
    assertThat(Files.exists(socket)).isFalse();
    // a crashed server leaves its socket file behind: closing a channel does not remove it
    try (var dead =
        java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      dead.bind(java.net.UnixDomainSocketAddress.of(socket));
    }
    assertThat(Files.exists(socket)).isTrue();
    try (NbdTestServer second = NbdTestServer.start(dir, MemoryExport.builder("d", 512).build());
        NbdTestClient c = NbdTestClient.unix(second.socket())) {
      c.negotiate("d", true);
    }
  }
}
