package dev.thinly.it.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.nbd.testkit.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ext4 end to end on {@code thinly serve}: nbdfuse exposes a volume as a file, ext4 is made and
 * loop-mounted on it, files are written, the file system is frozen and snapshotted through the
 * control socket while mounted, then thawed and changed further. The snapshot, mounted read-only
 * through its own export, holds exactly the files of the moment of the freeze, and e2fsck finds
 * both file systems clean. Needs root, FUSE and loop devices (as CI has).
 */
class ServeExt4SnapshotIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  @TempDir Path tmp;

  @Test
  void aSnapshotOfAFrozenMountedExt4HoldsExactlyTheFilesOfThatMoment() throws Exception {
    Path pool = tmp.resolve("pool");
    ThinlyCli.ok("pool", "create", "--pool", pool.toString(), "--data-size", "2G");
    ThinlyCli.ok("create", "fs", "--size", "256M", "--pool", pool.toString());
    Random random = new Random(42);
    Map<String, String> atSnapshot = new TreeMap<>();
    Map<String, String> atEnd;
    try (ServeProcess serve = ServeProcess.start(pool, tmp.resolve("nbd.sock"))) {
      try (FuseDisk disk = FuseDisk.attach(tmp.resolve("origin"), serve.unixUri("fs"), false)) {
        FuseDisk.run("mkfs.ext4", "-q", "-F", disk.file().toString());
        Path mnt = disk.mount(tmp.resolve("origin/mnt"), "");
        for (int i = 0; i < 12; i++) {
          write(mnt, "dir" + i % 3 + "/file" + i, 4096 + random.nextInt(2 << 20), random, atSnapshot);
        }
        FuseDisk.run("sync");
        disk.freeze(mnt);
        ThinlyCli.ok("snapshot", "fs", "fs-frozen", "--read-only", "--pool", pool.toString());
        disk.thaw(mnt);

        // the origin goes on: a file rewritten, one deleted, new ones
        atEnd = new TreeMap<>(atSnapshot);
        write(mnt, "dir0/file0", 1 << 20, random, atEnd);
        Files.delete(mnt.resolve("dir1/file1"));
        atEnd.remove("dir1/file1");
        for (int i = 12; i < 16; i++) {
          write(mnt, "later/file" + i, 65536 + random.nextInt(1 << 20), random, atEnd);
        }
        FuseDisk.run("sync");
        // discards reach the volume as TRIM; they unmap the origin's blocks, not the snapshot's
        FuseDisk.run("fstrim", mnt.toString());
        assertThat(checksums(mnt)).isEqualTo(atEnd);
        disk.unmount(mnt);
        FuseDisk.run("e2fsck", "-fn", disk.file().toString());
      }

      try (FuseDisk snap = FuseDisk.attach(tmp.resolve("snap"), serve.unixUri("fs-frozen"), true)) {
        Path mnt = snap.mount(tmp.resolve("snap/mnt"), "ro,noload");
        assertThat(checksums(mnt)).isEqualTo(atSnapshot);
        snap.unmount(mnt);
        ProcessRunner.run(TIMEOUT, "e2fsck", "-fn", snap.file().toString()).assertSuccess();
      }

      // and the origin, mounted again over TCP this time, holds the later state
      try (FuseDisk disk = FuseDisk.attach(tmp.resolve("again"), serve.tcpUri("fs"), false)) {
        Path mnt = disk.mount(tmp.resolve("again/mnt"), "ro");
        assertThat(checksums(mnt)).isEqualTo(atEnd);
      }
      assertThat(serve.stop()).as(serve.describe()).isZero();
    }
  }

  private static void write(Path mnt, String name, int length, Random random, Map<String, String> sums)
      throws IOException {
    byte[] data = new byte[length];
    random.nextBytes(data);
    Path file = mnt.resolve(name);
    Files.createDirectories(file.getParent());
    Files.write(file, data);
    sums.put(name, sha256(data));
  }

  /** Every regular file under {@code mnt} (lost+found aside) with its SHA-256. */
  private static Map<String, String> checksums(Path mnt) throws IOException {
    Map<String, String> sums = new TreeMap<>();
    try (Stream<Path> files = Files.walk(mnt)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        sums.put(mnt.relativize(f).toString(), sha256(FuseDisk.read(f)));
      }
    }
    return sums;
  }

  private static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
