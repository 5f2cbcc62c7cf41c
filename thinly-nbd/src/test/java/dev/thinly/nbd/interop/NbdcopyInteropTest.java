package dev.thinly.nbd.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.nbd.export.FileExport;
import dev.thinly.nbd.export.MemoryExport;
import dev.thinly.nbd.testkit.NbdTestServer;
import dev.thinly.nbd.testkit.ProcessRunner;
import dev.thinly.nbd.testkit.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nbdcopy uses several connections (multi-conn), block status, and zeroing of holes. */
class NbdcopyInteropTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final long SIZE = 48L << 20;

  @TempDir Path dir;

  @Test
  void copiesIntoAndOutOfExportsExactly() throws Exception {
    Path image =
        TestImages.sparse(dir.resolve("src.raw"), SIZE, 2, 4096, 8192, 10L << 20, 7L << 20);
    Path backing = TestImages.sparse(dir.resolve("file-export.raw"), SIZE, 3, 0, SIZE);
    MemoryExport memory = MemoryExport.builder("mem", SIZE).build();
    FileExport file = FileExport.open(backing, "file", "", false);
    try (NbdTestServer nbd = NbdTestServer.start(dir, memory, file)) {
      ProcessRunner.run(TIMEOUT, "nbdcopy", image.toString(), nbd.unixUri("mem")).assertSuccess();
      ProcessRunner.run(TIMEOUT, "nbdcopy", "--flush", image.toString(), nbd.tcpUri("file"))
          .assertSuccess();
      for (String uri : new String[] {nbd.tcpUri("mem"), nbd.unixUri("file")}) {
        Path out = dir.resolve("out.raw");
        Files.deleteIfExists(out);
        ProcessRunner.run(TIMEOUT, "nbdcopy", uri, out.toString()).assertSuccess();
        assertThat(Files.mismatch(image, out)).as(uri).isEqualTo(-1);
      }
      assertThat(memory.allocatedBytes()).isEqualTo(8192 + (7L << 20));
      assertThat(Files.mismatch(image, backing)).isEqualTo(-1);
      assertThat(nbd.events())
          .filteredOn(e -> e instanceof dev.thinly.nbd.server.NbdEvent.ExportAttached)
          .hasSizeGreaterThan(4);
    } finally {
      file.close();
    }
  }
}
