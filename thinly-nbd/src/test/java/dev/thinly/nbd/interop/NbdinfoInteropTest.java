package dev.thinly.nbd.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.nbd.export.ExportCapability;
import dev.thinly.nbd.export.MemoryExport;
import dev.thinly.nbd.testkit.NbdTestServer;
import dev.thinly.nbd.testkit.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NbdinfoInteropTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void listShowsEveryExportWithItsDescription() {
    try (NbdTestServer nbd =
        NbdTestServer.start(
            dir,
            MemoryExport.builder("vol-a", 1 << 20).description("first volume").build(),
            MemoryExport.builder("vol-b", 2 << 20).description("second volume").build())) {
      for (String uri : new String[] {nbd.unixUri(""), nbd.tcpUri("")}) {
        String out = ProcessRunner.run(TIMEOUT, "nbdinfo", "--list", uri).assertSuccess().stdout();
        assertThat(out)
            .contains("export=\"vol-a\"", "description: first volume")
            .contains("export=\"vol-b\"", "description: second volume");
      }
    }
  }

  @Test
  void jsonReportsSizeFlagsAndBaseAllocation() {
    try (NbdTestServer nbd =
        NbdTestServer.start(
            dir,
            MemoryExport.builder("rw", 8 << 20).build(),
            MemoryExport.builder("ro", 4 << 20).readOnly(true).build(),
            MemoryExport.builder("plain", 4 << 20)
                .without(ExportCapability.MULTI_CONN, ExportCapability.FAST_ZERO)
                .build())) {
      String rw = json(nbd.unixUri("rw"));
      assertThat(rw)
          .contains("\"export-size\": 8388608")
          .contains("\"is_read_only\": false")
          .contains("\"can_trim\": true", "\"can_zero\": true", "\"can_fast_zero\": true")
          .contains("\"can_fua\": true", "\"can_multi_conn\": true", "\"can_cache\": true")
          .contains("\"can_flush\": true", "\"can_df\": true")
          .contains("base:allocation");
      String ro = json(nbd.tcpUri("ro"));
      assertThat(ro)
          .contains("\"is_read_only\": true", "\"can_trim\": false", "\"can_zero\": false");
      String plain = json(nbd.unixUri("plain"));
      assertThat(plain).contains("\"can_multi_conn\": false", "\"can_fast_zero\": false");
    }
  }

  @Test
  void mapShowsHolesExactlyWhereNothingWasWritten() throws Exception {
    java.nio.file.Path image =
        dev.thinly.nbd.testkit.TestImages.sparse(
            dir.resolve("src.raw"), 16L << 20, 5, 1L << 20, 4096, 8L << 20, 4L << 20);
    try (NbdTestServer nbd =
        NbdTestServer.start(dir, MemoryExport.builder("disk", 16L << 20).build())) {
      ProcessRunner.run(TIMEOUT, "nbdcopy", image.toString(), nbd.unixUri("disk")).assertSuccess();
      String map =
          ProcessRunner.run(TIMEOUT, "nbdinfo", "--map", nbd.tcpUri("disk"))
              .assertSuccess()
              .stdout();
      assertThat(map.lines().map(l -> l.trim().replaceAll("\\s+", " ")).toList())
          .containsExactly(
              "0 1048576 3 hole,zero",
              "1048576 4096 0 data",
              "1052672 7335936 3 hole,zero",
              "8388608 4194304 0 data",
              "12582912 4194304 3 hole,zero");
    }
  }

  private static String json(String uri) {
    return ProcessRunner.run(TIMEOUT, "nbdinfo", "--json", uri).assertSuccess().stdout();
  }
}
