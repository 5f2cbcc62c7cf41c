package dev.thinly.thin.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared dm-thin fixtures ({@code ../shared/fixtures/dm-thin} from the repository root), found
 * from the working directory upwards, since Maven runs each module's tests in the module's
 * directory. Missing fixtures are a failure, not a skip.
 */
public final class Fixtures {
  private Fixtures() {}

  public static Path dir() {
    Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (; p != null; p = p.getParent()) {
      Path candidate = p.resolve("../shared/fixtures/dm-thin").normalize();
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "no ../shared/fixtures/dm-thin above " + System.getProperty("user.dir"));
  }

  public static Path file(String name) {
    Path f = dir().resolve(name);
    if (!Files.isRegularFile(f)) {
      throw new IllegalStateException("missing fixture " + f);
    }
    return f;
  }

  public static String text(String name) {
    try {
      return Files.readString(file(name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
