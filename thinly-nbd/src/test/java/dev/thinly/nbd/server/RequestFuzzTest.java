package dev.thinly.nbd.server;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.thinly.nbd.export.MemoryExport;
import dev.thinly.nbd.protocol.NbdProtocolException;
import java.io.IOException;

/**
 * Feeds arbitrary bytes to the transmission phase, with structured replies and {@code
 * base:allocation} negotiated: the request decoder, the validator and every command run on them.
 * The phase must end normally, with a protocol violation or with an I/O error (end of input inside
 * a payload), and must not leak a request: {@link Transmission#run()} only returns once every
 * request it admitted has released its permit, so a leak shows up as a hang (the fuzzer's timeout).
 */
class RequestFuzzTest {
  private static final MemoryExport EXPORT =
      MemoryExport.builder("disk", 64 * 1024).pageBytes(512).build();
  private static final BufferPool POOL = new BufferPool(1 << 20);

  @FuzzTest(maxDuration = "30s")
  void structuredSession(byte[] input) {
    serve(input, true, Handshake.BASE_ALLOCATION_ID);
  }

  @FuzzTest(maxDuration = "30s")
  void simpleSession(byte[] input) {
    serve(input, false, 0);
  }

  private static void serve(byte[] input, boolean structured, int contextId) {
    MemoryTransport transport = new MemoryTransport(input);
    Session session =
        new Session(
            EXPORT,
            "disk",
            ExportTerms.of(EXPORT, structured),
            structured,
            contextId,
            transport,
            new BufferedInput(transport, Transmission.INPUT_BUFFER_BYTES));
    Transmission transmission =
        new Transmission(
            session, 1, POOL, new InFlightLimiter(16, 64L << 20), () -> false, event -> {});
    try {
      transmission.run();
    } catch (NbdProtocolException | IOException expected) {
      // a hard disconnect is a legal answer to bad input
    }
  }
}
