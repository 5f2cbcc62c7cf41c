package dev.thinly.nbd.server;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.thinly.nbd.export.ExportRegistry;
import dev.thinly.nbd.export.MemoryExport;
import dev.thinly.nbd.protocol.NbdProtocolException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Whatever a client sends during negotiation, the handshake ends in one of its three legal ways: a
 * session, empty (abort or end of stream), or a hard disconnect ({@link NbdProtocolException} or
 * {@link IOException}). Anything else (a buffer underflow, a record rejecting its arguments, a
 * null) is a bug. Runs on the committed seeds in {@code mvn verify}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class HandshakeFuzzTest {
  private static final ExportRegistry EXPORTS =
      new ExportRegistry()
          .add(MemoryExport.builder("", 1 << 20).build())
          .add(MemoryExport.builder("disk", 1 << 20).description("fuzzed").build());

  @FuzzTest(maxDuration = "30s")
  void negotiation(byte[] input) {
    negotiate(input, TlsMode.OFF);
  }

  @FuzzTest(maxDuration = "30s")
  void negotiationWithTlsRequired(byte[] input) {
    negotiate(input, TlsMode.REQUIRE);
  }

  private static void negotiate(byte[] input, TlsMode mode) {
    MemoryTransport transport = new MemoryTransport(input);
    Handshake handshake =
        new Handshake(
            transport, new BufferedInput(transport, 4096), EXPORTS, mode, false, new Host());
    try {
      Optional<Session> session = handshake.run();
      session.ifPresent(s -> s.export().close());
    } catch (NbdProtocolException | IOException expected) {
      // a hard disconnect is a legal answer to bad input
    }
  }

  /** No TLS available while fuzzing: STARTTLS that gets this far fails like a broken stream. */
  private static final class Host implements HandshakeHost {
    @Override
    public boolean shuttingDown() {
      return false;
    }

    @Override
    public void attaching(String exportName) {}

    @Override
    public void attachFailed() {}

    @Override
    public Transport startTls(ByteBuffer prefetched) throws IOException {
      throw new IOException("no TLS while fuzzing");
    }
  }
}
