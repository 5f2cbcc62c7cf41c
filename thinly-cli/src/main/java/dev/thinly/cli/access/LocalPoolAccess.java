package dev.thinly.cli.access;

import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.pdata.error.NotFoundException;
import dev.thinly.thin.pool.PoolCreateOptions;
import dev.thinly.thin.pool.PoolEvents;
import dev.thinly.thin.pool.PoolOptions;
import dev.thinly.thin.pool.PoolStatus;
import dev.thinly.thin.pool.ThinPool;
import dev.thinly.thin.pool.Volume;
import dev.thinly.thin.pool.VolumeInfo;
import dev.thinly.thin.pool.VolumeUsage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link PoolAccess} by opening the pool directory in this process (which then owns the pool). */
public final class LocalPoolAccess implements PoolAccess {
  /** dm-thin metadata blocks are 4 KiB whatever the data block size. */
  private static final long METADATA_BLOCK_BYTES = 4096;

  private final ThinPool pool;

  private LocalPoolAccess(ThinPool pool) {
    this.pool = pool;
  }

  static LocalPoolAccess open(Path dir, String role, Notices notices) {
    return new LocalPoolAccess(ThinPool.open(dir, options(role, notices)));
  }

  /** Creates a pool in {@code dir} and returns its status. */
  public static PoolStatus create(Path dir, PoolCreateOptions o, String role, Notices notices) {
    try (ThinPool pool = ThinPool.create(dir, o, options(role, notices))) {
      return pool.status();
    }
  }

  private static PoolOptions options(String role, Notices notices) {
    return PoolOptions.defaults(role)
        .withEvents(
            new PoolEvents() {
              @Override
              public void info(String message) {
                notices.notice(false, message);
              }

              @Override
              public void warning(String message) {
                notices.notice(true, message);
              }
            });
  }

  @Override
  public Path location() {
    return pool.directory();
  }

  @Override
  public PoolStatus status() {
    return pool.status();
  }

  @Override
  public long metadataSizeBytes() {
    return pool.metadataSizeBytes();
  }

  @Override
  public void grow(long dataSizeBytes, long metadataSizeBytes) {
    pool.grow(dataSizeBytes, metadataSizeBytes);
  }

  @Override
  public VolumeInfo create(String name, long sizeBytes, Map<String, String> labels) {
    return pool.create(name, sizeBytes, labels);
  }

  @Override
  public VolumeInfo snapshot(String source, String name, boolean readOnly) {
    return pool.snapshot(source, name, readOnly);
  }

  @Override
  public void delete(String name, boolean force) {
    pool.delete(name, force);
  }

  @Override
  public VolumeInfo resize(String name, long sizeBytes, boolean force) {
    return pool.resize(name, sizeBytes);
  }

  @Override
  public Optional<VolumeInfo> find(String name) {
    try {
      return Optional.of(pool.info(name));
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  @Override
  public List<VolumeUsage> list() {
    return pool.list().stream().sorted(Comparator.comparing(VolumeUsage::name)).toList();
  }

  @Override
  public VolumeIo open(String name) {
    return new LocalVolumeIo(pool.open(name));
  }

  @Override
  public void close() {
    pool.close();
  }

  /** A {@link Volume} as {@link VolumeIo}. */
  private record LocalVolumeIo(Volume volume) implements VolumeIo {

    @Override
    public String name() {
      return volume.name();
    }

    @Override
    public long sizeBytes() {
      return volume.sizeBytes();
    }

    @Override
    public long blockSizeBytes() {
      return volume.blockSizeBytes();
    }

    @Override
    public void read(long offsetBytes, ByteBuffer dst) {
      volume.read(offsetBytes, dst);
    }

    @Override
    public void write(long offsetBytes, ByteBuffer src) {
      volume.write(offsetBytes, src, false);
    }

    @Override
    public void zero(long offsetBytes, long lengthBytes) {
      volume.writeZeroes(offsetBytes, lengthBytes, false, false);
    }

    @Override
    public void blockStatus(long offsetBytes, long lengthBytes, ExtentSink sink) {
      volume.blockStatus(offsetBytes, lengthBytes, sink::extent);
    }

    @Override
    public void flush() {
      volume.flush();
    }

    @Override
    public void close() {
      volume.close();
    }
  }
}
