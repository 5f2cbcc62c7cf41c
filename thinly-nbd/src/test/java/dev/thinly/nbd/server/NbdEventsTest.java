package dev.thinly.nbd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.nbd.export.ExportRegistry;
import dev.thinly.nbd.export.MemoryExport;
import dev.thinly.nbd.protocol.Command;
import dev.thinly.nbd.protocol.RequestHeader;
import dev.thinly.nbd.testkit.NbdTestClient;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NbdEventsTest {
  @TempDir Path dir;

  @Test
  void aConnectionLifeIsOneLinePerEventAndAFailingListenerChangesNothing() {
    List<NbdEvent> seen = new CopyOnWriteArrayList<>();
    NbdEventListener throwing =
        event -> {
          seen.add(event);
          throw new IllegalStateException("listener bug");
        };
    NbdServer server =
        NbdServer.start(
            NbdServerOptions.builder()
                .listen(ListenAddress.unix(dir.resolve("s.sock")))
                .listener(throwing)
                .build(),
            new ExportRegistry().add(MemoryExport.builder("disk", 4096).build()));
    try (NbdTestClient c = NbdTestClient.unix(dir.resolve("s.sock"))) {
      c.negotiate("disk", true);
      c.send(RequestHeader.of(Command.READ, 0, 1, 0, 4096));
      assertThat(c.readStructuredReply().getLast().header().done()).isTrue();
      c.send(RequestHeader.of(Command.DISC, 0, 2, 0, 0));
      assertThat(c.serverClosed()).isTrue();
      // the client sees the socket close before the server has logged why; shutting the server
      // down before then would change the reason
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (seen.stream().noneMatch(e -> e instanceof NbdEvent.ConnectionClosed)
          && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
    } finally {
      server.close();
    }
    assertThat(seen)
        .extracting(e -> e.getClass().getSimpleName())
        .containsExactly(
            "Listening", "ConnectionOpened", "ExportAttached", "ConnectionClosed", "Stopped");
    assertThat(seen).allSatisfy(e -> assertThat(e.describe()).doesNotContain("\n").isNotBlank());
    assertThat(seen.get(2).describe())
        .isEqualTo(
            "connection 1 attached to export 'disk' with structured replies [flush fua trim"
                + " write_zeroes df multi_conn cache fast_zero]");
    assertThat(seen.get(3).describe())
        .isEqualTo("connection 1 (export 'disk') closed after 2 requests: client disconnected");
  }
}
