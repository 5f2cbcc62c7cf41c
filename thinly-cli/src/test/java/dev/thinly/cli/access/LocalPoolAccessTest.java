package dev.thinly.cli.access;

import dev.thinly.thin.pool.PoolCreateOptions;
import java.nio.file.Path;

class LocalPoolAccessTest extends PoolAccessContract {
  @Override
  PoolAccess newPool(Path dir) {
    LocalPoolAccess.create(dir, PoolCreateOptions.ofSize(64 * MIB), "test", PoolAccess.Notices.NONE);
    return PoolAccess.open(dir, "test", PoolAccess.Notices.NONE);
  }
}
