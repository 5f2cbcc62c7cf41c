package dev.thinly.thin.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared fixtures and Python helpers that live next to the repository ({@code ../shared} from
 * its root, or {@code $THINLY_SHARED}): dm-thin images with the real tools' outputs, and the
 * mutators that make corrupt images.
 */
public final class SharedTools {
  private SharedTools() {}

  /** The shared directory. */
  public static Path sharedDir() {
    String env = System.getenv("THINLY_SHARED");
    if (env != null) {
      return Path.of(env);
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException(
          "cannot find the repository root above " + Path.of("").toAbsolutePath());
    }
    // the repository root of a worktree may be nested deeper than the shared directory's sibling
    for (Path d = dir; d != null; d = d.getParent()) {
      Path s = d.resolveSibling("shared");
      if (Files.isDirectory(s.resolve("tools/dm-thin"))) {
        return s;
      }
    }
    throw new IllegalStateException("no shared/tools/dm-thin next to " + dir);
  }

  /** A file of {@code shared/fixtures/dm-thin}. */
  public static Path fixture(String name) {
    return sharedDir().resolve("fixtures/dm-thin").resolve(name);
  }

  /** Runs {@code python3 shared/tools/dm-thin/SCRIPT ARGS} and fails if it fails. */
  public static void python(String script, Object... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of("python3", sharedDir().resolve("tools/dm-thin").resolve(script).toString()));
    for (Object a : args) {
      cmd.add(String.valueOf(a));
    }
    ThinTools.Result r = ThinTools.run(cmd.toArray(String[]::new));
    if (r.exitCode() != 0) {
      throw new IllegalStateException(cmd + " failed: " + r.all());
    }
  }

  /** Copies a fixture into {@code dir} (tests may then damage the copy). */
  public static Path copyFixture(String name, Path dir) {
    try {
      return Files.copy(fixture(name), dir.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
