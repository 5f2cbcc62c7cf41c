package dev.thinly.nbd.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.nbd.export.MemoryExport;
import dev.thinly.nbd.testkit.NbdTestServer;
import dev.thinly.nbd.testkit.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file system on a MemoryExport: nbdfuse exposes the export as a file, ext4 is made and mounted
 * on it through a loop device, a file is written, trimmed and read back, and e2fsck finds the
 * result clean. Needs root (mount), FUSE and loop devices, like the integration module's fuller
 * test; unmounts innermost first and kills nbdfuse by PID.
 */
class NbdfuseExt4SmokeTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void ext4OnAMemoryExportSurvivesAMountCycle() throws Exception {
    MemoryExport memory = MemoryExport.builder("disk", 256L << 20).build();
    Path fuseDir = Files.createDirectory(dir.resolve("fuse"));
    Path mountDir = Files.createDirectory(dir.resolve("mnt"));
    Path disk = fuseDir.resolve("disk.raw");
    Path pidFile = dir.resolve("nbdfuse.pid");
    try (NbdTestServer nbd = NbdTestServer.start(dir, memory)) {
      Process fuse =
          new ProcessBuilder(
                  "nbdfuse", "-P", pidFile.toString(), disk.toString(), nbd.unixUri("disk"))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("nbdfuse.log").toFile())
              .start();
      boolean fuseMounted = false;
      boolean ext4Mounted = false;
      try {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!(Files.exists(pidFile) && Files.size(pidFile) > 0)) {
          assertThat(fuse.isAlive()).as("nbdfuse is running").isTrue();
          assertThat(System.nanoTime()).as("nbdfuse ready in time").isLessThan(deadline);
          Thread.sleep(50);
        }
        fuseMounted = true;
        ProcessRunner.run(TIMEOUT, "mkfs.ext4", "-q", "-F", disk.toString()).assertSuccess();
        ProcessRunner.run(TIMEOUT, "mount", "-o", "loop", disk.toString(), mountDir.toString())
            .assertSuccess();
        ext4Mounted = true;
        byte[] data = new byte[8 << 20];
        new Random(11).nextBytes(data);
        Files.write(mountDir.resolve("data.bin"), data);
        Files.write(mountDir.resolve("gone.bin"), data);
        Files.delete(mountDir.resolve("gone.bin"));
        ProcessRunner.run(TIMEOUT, "sync").assertSuccess();
        ProcessRunner.run(TIMEOUT, "fstrim", mountDir.toString()).assertSuccess();
        ProcessRunner.run(TIMEOUT, "umount", mountDir.toString()).assertSuccess();
        ext4Mounted = false;
        ProcessRunner.run(TIMEOUT, "mount", "-o", "loop", disk.toString(), mountDir.toString())
            .assertSuccess();
        ext4Mounted = true;
        assertThat(Files.readAllBytes(mountDir.resolve("data.bin"))).isEqualTo(data);
        ProcessRunner.run(TIMEOUT, "umount", mountDir.toString()).assertSuccess();
        ext4Mounted = false;
        ProcessRunner.run(TIMEOUT, "e2fsck", "-fn", disk.toString()).assertSuccess();
        // TRIM reached the export: far less than the 16 MiB written stays allocated
        assertThat(memory.allocatedBytes()).isLessThan(48L << 20);
      } finally {
        if (ext4Mounted) {
          ProcessRunner.run(TIMEOUT, "umount", "-l", mountDir.toString());
        }
        if (fuseMounted) {
          ProcessRunner.run(TIMEOUT, "umount", fuseDir.toString());
        }
        if (!fuse.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          ProcessRunner.kill(fuse);
        }
      }
    }
  }
}
