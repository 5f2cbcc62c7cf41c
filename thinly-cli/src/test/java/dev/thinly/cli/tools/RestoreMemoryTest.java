package dev.thinly.cli.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.thin.testkit.ThinTools;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restore streams: ten million mappings go through a child JVM limited to a 256 MiB heap (the
 * restore's block cache is 64 MiB of it). Data blocks are shared between devices, so the data
 * space map needs its ref-count tree, as in a pool with snapshots.
 */
class RestoreMemoryTest {
  private static final int DEVICES = 20;
  private static final int RUNS_PER_DEVICE = 125_000;
  private static final int RUN_LENGTH = 4;
  private static final long NR_DATA_BLOCKS = 10_000_000;

  @TempDir Path dir;

  private static void writePool(Path xml) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(xml, StandardCharsets.US_ASCII)) {
      w.write("<superblock uuid=\"\" time=\"1\" transaction=\"1\" flags=\"0\" version=\"2\" data_block_size=\"128\" nr_data_blocks=\""
          + NR_DATA_BLOCKS + "\">\n");
      for (int d = 0; d < DEVICES; d++) {
        w.write("  <device dev_id=\"" + d + "\" mapped_blocks=\"" + RUNS_PER_DEVICE * RUN_LENGTH
            + "\" transaction=\"1\" creation_time=\"0\" snap_time=\"1\">\n");
        for (long r = 0; r < RUNS_PER_DEVICE; r++) {
          long data = (r * RUN_LENGTH + d * 1_000_003L) % (NR_DATA_BLOCKS - RUN_LENGTH);
          w.write("    <range_mapping origin_begin=\"" + r * 5 + "\" data_begin=\"" + data + "\" length=\""
              + RUN_LENGTH + "\" time=\"" + (d & 1) + "\"/>\n");
        }
        w.write("  </device>\n");
      }
      w.write("</superblock>\n");
    }
  }

  @Test
  void tenMillionMappingsRestoreInA256MiBHeap() throws Exception {
    Path xml = dir.resolve("big.xml");
    Path meta = dir.resolve("big.bin");
    writePool(xml);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                List.of(java, "-Xmx256m", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), "dev.thinly.cli.Main",
                    "restore", "-i", xml.toString(), "-o", meta.toString()))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("restore.log").toFile())
            .start();
    long start = System.nanoTime();
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    long ms = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("RestoreMemoryTest: 10,000,000 mappings restored with -Xmx256m in %d ms%n", ms);
    assertThat(p.exitValue()).as(Files.readString(dir.resolve("restore.log"))).isZero();
    ThinTools.Result check = ThinTools.thinCheck(meta);
    assertThat(check.exitCode()).as(check.all()).isZero();
    CliRunner.Run ls = CliRunner.run("ls", "--no-headers", "-o", "MAPPED_BLOCKS", meta.toString());
    assertThat(ls.out().lines().mapToLong(l -> Long.parseLong(l.strip())).sum())
        .isEqualTo((long) DEVICES * RUNS_PER_DEVICE * RUN_LENGTH);
  }
}
