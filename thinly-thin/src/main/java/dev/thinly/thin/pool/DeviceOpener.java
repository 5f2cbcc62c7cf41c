package dev.thinly.thin.pool;

import dev.thinly.pdata.io.BlockDevice;
import dev.thinly.pdata.io.FileBlockDevice;
import java.nio.file.Path;

/**
 * How a pool opens its metadata and data devices. The default opens files and block devices; tests
 * put a fault-injecting layer in between to simulate power cuts.
 */
@FunctionalInterface
public interface DeviceOpener {
  DeviceOpener FILES = FileBlockDevice::open;

  BlockDevice open(Path path);
}
