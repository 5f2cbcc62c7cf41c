package dev.thinly.it.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.nbd.testkit.ProcessRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An NBD export as a file, through nbdfuse (there is no kernel NBD client on the build machines),
 * and ext4 loop mounts on that file. Closing unmounts innermost first: loop mounts (thawing a
 * frozen one), then the FUSE mount, then waits for nbdfuse to exit and kills it by PID if it does
 * not.
 */
final class FuseDisk implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private final Process nbdfuse;
  private final Path fuseDir;
  private final Path file;
  private final List<Path> mounts = new ArrayList<>();
  private final List<Path> frozen = new ArrayList<>();
  private boolean fuseMounted;

  private FuseDisk(Process nbdfuse, Path fuseDir, Path file) {
    this.nbdfuse = nbdfuse;
    this.fuseDir = fuseDir;
    this.file = file;
  }

  /** Runs nbdfuse on {@code uri} with its mount point in {@code dir}; returns once it is ready. */
  static FuseDisk attach(Path dir, String uri, boolean readOnly) throws IOException {
    Path fuseDir = Files.createDirectories(dir.resolve("fuse"));
    Path pidFile = dir.resolve("nbdfuse.pid");
    Path file = fuseDir.resolve("disk.raw");
    List<String> cmd = new ArrayList<>(List.of("nbdfuse"));
    if (readOnly) {
      cmd.add("-r");
    }
    cmd.addAll(List.of("-P", pidFile.toString(), file.toString(), uri));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("nbdfuse.log").toFile())
            .start();
    FuseDisk disk = new FuseDisk(p, fuseDir, file);
    try {
      // nbdfuse writes its PID file once the file system is mounted and serving
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (!(Files.exists(pidFile) && Files.size(pidFile) > 0)) {
        assertThat(p.isAlive()).as("nbdfuse is running: " + Files.readString(dir.resolve("nbdfuse.log"))).isTrue();
        assertThat(System.nanoTime()).as("nbdfuse ready in time").isLessThan(deadline);
        Thread.sleep(20);
      }
      disk.fuseMounted = true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      disk.close();
      throw new AssertionError(e);
    } catch (RuntimeException | Error e) {
      disk.close();
      throw e;
    }
    return disk;
  }

  /** The export as a file. */
  Path file() {
    return file;
  }

  /** {@code mount -o OPTIONS,loop FILE DIR}. */
  Path mount(Path dir, String options) throws IOException {
    Files.createDirectories(dir);
    run("mount", "-o", options.isEmpty() ? "loop" : options + ",loop", file.toString(), dir.toString());
    mounts.add(dir);
    return dir;
  }

  void unmount(Path dir) {
    run("umount", dir.toString());
    mounts.remove(dir);
  }

  /** {@code fsfreeze -f}: the file system flushes everything and stops writing. */
  void freeze(Path dir) {
    run("fsfreeze", "-f", dir.toString());
    frozen.add(dir);
  }

  void thaw(Path dir) {
    run("fsfreeze", "-u", dir.toString());
    frozen.remove(dir);
  }

  static ProcessRunner.Result run(String... command) {
    return ProcessRunner.run(TIMEOUT, command).assertSuccess();
  }

  @Override
  public void close() {
    for (Path dir : List.copyOf(frozen)) {
      ProcessRunner.run(TIMEOUT, "fsfreeze", "-u", dir.toString());
    }
    for (Path dir : List.copyOf(mounts).reversed()) {
      if (ProcessRunner.run(TIMEOUT, "umount", dir.toString()).exitCode() != 0) {
        ProcessRunner.run(TIMEOUT, "umount", "-l", dir.toString());
      }
    }
    if (fuseMounted) {
      ProcessRunner.run(TIMEOUT, "umount", fuseDir.toString());
    }
    try {
      // after the unmount nbdfuse exits by itself
      if (!nbdfuse.waitFor(30, TimeUnit.SECONDS)) {
        ProcessRunner.kill(nbdfuse);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ProcessRunner.kill(nbdfuse);
    }
  }

  /** Reads a whole file; a helper so tests need not catch. */
  static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
