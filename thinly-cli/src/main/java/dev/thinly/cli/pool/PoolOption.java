package dev.thinly.cli.pool;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --pool DIR}, shared by every pool and volume command. */
public final class PoolOption {
  @Option(
      names = "--pool",
      paramLabel = "DIR",
      description = {"The pool directory. Default: $THINLY_POOL, else", "~/.local/share/thinly/default"})
  Path dir;

  /** True if the user named no pool, so the per-user default is meant. */
  public boolean isDefault() {
    String env = System.getenv("THINLY_POOL");
    return dir == null && (env == null || env.isBlank());
  }

  /** The pool directory: {@code --pool}, else {@code $THINLY_POOL}, else the per-user default. */
  public Path dir() {
    if (dir != null) {
      return dir;
    }
    String env = System.getenv("THINLY_POOL");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("user.home"), ".local", "share", "thinly", "default");
  }
}
