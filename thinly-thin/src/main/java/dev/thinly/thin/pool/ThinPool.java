package dev.thinly.thin.pool;

import dev.thinly.pdata.error.CorruptMetadataException;
import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.pdata.error.NotFoundException;
import dev.thinly.pdata.error.StorageIoException;
import dev.thinly.pdata.io.BlockDevice;
import dev.thinly.pdata.io.FileBlockDevice;
import dev.thinly.thin.metadata.PoolMetadata;
import dev.thinly.thin.tools.Check;
import dev.thinly.thin.tools.CheckOptions;
import dev.thinly.thin.tools.CheckReport;
import dev.thinly.thin.tools.CheckResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A thin pool: a directory holding dm-thin metadata, a sparse data file (or the names of block
 * devices holding them), the settings and the catalog of named volumes.
 *
 * <pre>
 * DIR/pool.json         settings ({@link PoolConfig}); its presence marks a pool
 * DIR/metadata          dm-thin v2 metadata (or a block device named in pool.json)
 * DIR/data              data blocks, a sparse file (or a block device)
 * DIR/catalog/          catalog versions ({@link Catalog}), the newest ten
 * DIR/lock              owner lock ({@link PoolLock})
 * </pre>
 *
 * One process owns a pool at a time. All methods are thread-safe; volume I/O goes through {@link
 * Volume} handles.
 */
public final class ThinPool implements AutoCloseable {
  private final Path dir;
  private final PoolConfig config;
  private final PoolLock lock;
  private final BlockDevice metadataDevice;
  private final BlockDevice dataDevice;
  private final PoolMetadata pm;
  private final GuardedMetadata md;
  private final SpacePolicy space;
  private final Committer committer;
  private final DataPath dataPath;
  private final PoolEvents events;
  private final VolumeCatalog volumes;

  private ThinPool(
      Path dir,
      PoolConfig config,
      PoolLock lock,
      BlockDevice metadataDevice,
      BlockDevice dataDevice,
      PoolMetadata pm,
      PoolOptions options) {
    this.dir = dir;
    this.config = config;
    this.lock = lock;
    this.metadataDevice = metadataDevice;
    this.dataDevice = dataDevice;
    this.pm = pm;
    this.events = options.events();
    this.md = new GuardedMetadata(pm, dataDevice, events);
    SpaceWatcher watcher = new SpaceWatcher(dir, config.thresholdsPercent(), config.hook(), events);
    this.space = new SpacePolicy(md, config, watcher, dir.toString());
    this.committer = new Committer(md, events, options.commitPeriodMillis());
    space.setCommitter(committer);
    this.dataPath = new DataPath(md, dataDevice, config.blockSizeBytes(), config.zeroNewBlocks(), space);
    this.volumes = new VolumeCatalog(this, new CatalogStore(dir.resolve("catalog")));
  }

  // ---------------------------------------------------------------- create and open

  /** Creates a new pool in {@code dir} (which must not hold one) and opens it. */
  public static ThinPool create(Path dir, PoolCreateOptions o, PoolOptions options) {
    if (Files.exists(dir.resolve("pool.json"))) {
      throw new InvalidRequestException("a pool already exists at " + dir);
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StorageIoException(dir.toString(), -1, "create directory", e);
    }
    PoolConfig config =
        new PoolConfig(
            PoolConfig.FORMAT_VERSION, o.metadataDevice(), o.dataDevice(), o.blockSizeBytes(),
            o.zeroNewBlocks(), o.noSpacePolicy(), o.noSpaceTimeoutSeconds(), o.thresholdsPercent(),
            o.hook(), Instant.now());
    long nrDataBlocks;
    try (BlockDevice data = createOrOpen(dir, o.dataDevice(), "data", o.dataSizeBytes())) {
      nrDataBlocks = data.sizeBytes() / o.blockSizeBytes();
    }
    if (nrDataBlocks == 0) {
      throw new InvalidRequestException("the data size must hold at least one block of " + o.blockSizeBytes() + " bytes");
    }
    long metadataBytes =
        o.metadataSizeBytes() > 0 ? o.metadataSizeBytes() : PoolCreateOptions.estimateMetadataBytes(nrDataBlocks);
    BlockDevice meta = createOrOpen(dir, o.metadataDevice(), "metadata", metadataBytes);
    // allocated whole, like a metadata volume: a commit never makes the host file system allocate
    // (a journal commit inside its fdatasync) nor fails for lack of space there; format flushes it
    meta.allocate(0, meta.sizeBytes());
    PoolMetadata.format(meta, config.blockSizeSectors(), nrDataBlocks, options.cacheBytes()).close();
    CatalogStore.create(dir.resolve("catalog"));
    config.write(dir.resolve("pool.json"));
    return open(dir, options);
  }

  private static BlockDevice createOrOpen(Path dir, String device, String file, long sizeBytes) {
    if (device != null) {
      return FileBlockDevice.open(Path.of(device));
    }
    return FileBlockDevice.create(dir.resolve(file), sizeBytes);
  }

  /**
   * Opens the pool in {@code dir}: takes its lock, opens the metadata at its last commit and brings
   * the catalog in line with it (see {@link Catalog}).
   */
  public static ThinPool open(Path dir, PoolOptions options) {
    Path configFile = dir.resolve("pool.json");
    if (!Files.exists(configFile)) {
      throw new NotFoundException("pool", "no pool at " + dir + " (create one with 'thinly pool create')");
    }
    PoolLock lock = PoolLock.acquire(dir.resolve("lock"), options.role());
    try {
      lock.previousOwner()
          .ifPresent(o -> options.events().info("took over the lock left by " + o + ", which is no longer running"));
      PoolConfig config = PoolConfig.read(configFile);
      BlockDevice meta = options.devices().open(devicePath(dir, config.metadataDevice(), "metadata"));
      BlockDevice data = options.devices().open(devicePath(dir, config.dataDevice(), "data"));
      PoolMetadata pm = PoolMetadata.open(meta, options.cacheBytes(), false);
      if (pm.dataBlockSizeSectors() * 512 != config.blockSizeBytes()) {
        throw new CorruptMetadataException(
            0, "superblock", "data block size " + pm.dataBlockSizeSectors() * 512
                + " differs from pool.json's " + config.blockSizeBytes());
      }
      if (data.sizeBytes() / config.blockSizeBytes() < pm.nrDataBlocks()) {
        throw new CorruptMetadataException(
            0, "data device", data.name() + " holds " + data.sizeBytes() / config.blockSizeBytes()
                + " blocks but the pool has " + pm.nrDataBlocks());
      }
      ThinPool pool = new ThinPool(dir, config, lock, meta, data, pm, options);
      pool.volumes.load();
      return pool;
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  private static Path devicePath(Path dir, String device, String file) {
    return device != null ? Path.of(device) : dir.resolve(file);
  }

  // ---------------------------------------------------------------- volumes

  /** Opens a volume for I/O. */
  public Volume open(String name) {
    VolumeState s = volumes.state(name);
    s.openHandles.incrementAndGet();
    return new Volume(this, s, dataPath);
  }

  /** Creates an empty volume of {@code sizeBytes}. */
  public VolumeInfo create(String name, long sizeBytes, Map<String, String> labels) {
    return volumes.create(name, sizeBytes, labels);
  }

  /**
   * Snapshots {@code source} as {@code name} in O(1): a writable clone unless {@code readOnly}. The
   * snapshot holds every write to the source acknowledged before the call and none after.
   */
  public VolumeInfo snapshot(String source, String name, boolean readOnly) {
    return volumes.snapshot(source, name, readOnly);
  }

  /**
   * Deletes a volume and frees every block no other volume shares. Refused while handles are open,
   * unless {@code force} (they then fail with "deleted").
   */
  public void delete(String name, boolean force) {
    volumes.delete(name, force);
  }

  /** Changes a volume's size; shrinking unmaps (and so frees) everything past the new end. */
  public VolumeInfo resize(String name, long sizeBytes) {
    return volumes.resize(name, sizeBytes);
  }

  public VolumeInfo info(String name) {
    return volumes.info(name);
  }

  /** Every volume as the catalog records it, sorted by name (cheap: no mapping walk). */
  public List<VolumeInfo> volumes() {
    return volumes.all();
  }

  /** Every volume with its space usage (walks every volume's mappings). */
  public List<VolumeUsage> list() {
    return volumes.usage();
  }

  /** Number of open handles of a volume (connected clients). */
  public int openHandles(String name) {
    return volumes.state(name).openHandles.get();
  }

  // ---------------------------------------------------------------- pool

  /** Returns once everything written before the call is durable. */
  public void flush() {
    committer.flush();
  }

  public PoolStatus status() {
    return md.read(
        p ->
            new PoolStatus(
                dir.toString(),
                config.blockSizeBytes(),
                p.nrDataBlocks() - p.nrFreeDataBlocks(),
                p.nrDataBlocks(),
                p.nrMetadataBlocks() - p.nrFreeMetadataBlocks(),
                p.nrMetadataBlocks(),
                p.transactionId(),
                md.mode().label(),
                md.modeReason(),
                p.heldRoot() == 0 ? null : p.heldRoot(),
                volumes.count(),
                config.noSpacePolicy().name().toLowerCase(java.util.Locale.ROOT),
                config.zeroNewBlocks()));
  }

  /**
   * Grows the data and/or metadata space (0 = leave as is). Writes waiting for space resume; a pool
   * that went read-only for lack of metadata space returns to read-write.
   */
  public void grow(long dataSizeBytes, long metadataSizeBytes) {
    if (dataSizeBytes > 0) {
      long nr = dataSizeBytes / config.blockSizeBytes();
      if (nr < md.read(PoolMetadata::nrDataBlocks)) {
        throw new InvalidRequestException("the data size cannot shrink (requested " + dataSizeBytes + " bytes)");
      }
      if (dataDevice.growable()) {
        dataDevice.grow(nr * config.blockSizeBytes());
      } else if (dataDevice.sizeBytes() < nr * config.blockSizeBytes()) {
        throw new InvalidRequestException(
            "the data device " + dataDevice.name() + " is only " + dataDevice.sizeBytes() + " bytes");
      }
      md.write(
          p -> {
            p.resizeData(nr);
            return null;
          });
    }
    if (metadataSizeBytes > 0) {
      if (metadataSizeBytes < metadataDevice.sizeBytes()) {
        throw new InvalidRequestException(
            "the metadata size cannot shrink (it is " + metadataDevice.sizeBytes() + " bytes)");
      }
      if (metadataDevice.growable()) {
        long oldSizeBytes = metadataDevice.sizeBytes();
        metadataDevice.grow(metadataSizeBytes);
        metadataDevice.allocate(oldSizeBytes, metadataDevice.sizeBytes() - oldSizeBytes);
        metadataDevice.flush(); // here, not in the next commit, which would wait for all of it
      }
      md.lock().writeLock().lock();
      try {
        md.guarded(
            p -> {
              p.resizeMetadata();
              return null;
            });
        if (md.mode() == PoolMode.RO) {
          resumeAfterMetadataGrowth();
        }
      } finally {
        md.lock().writeLock().unlock();
      }
    }
    committer.flush();
    if (md.mode() == PoolMode.OUT_OF_DATA_SPACE) {
      md.setMode(PoolMode.RW, "");
    }
    space.spaceChanged();
  }

  /** The size of the metadata device (what {@code pool grow --metadata-size +N} adds to). */
  public long metadataSizeBytes() {
    return metadataDevice.sizeBytes();
  }

  /**
   * A pool that went read-only for lack of metadata space returns to read-write, as dm-thin allows,
   * once its metadata has grown and passes a full check (write lock held): the growth is committed
   * first, then the committed metadata is checked as it is on disk.
   */
  private void resumeAfterMetadataGrowth() {
    dataDevice.flush();
    md.guarded(
        p -> {
          p.commit();
          return null;
        });
    List<CheckReport.Problem> problems = new ArrayList<>();
    CheckResult r = Check.run(metadataDevice, CheckOptions.full(), CheckReport.collecting(problems));
    if (r.passed()) {
      md.setMode(PoolMode.RW, "");
      events.info("metadata grown and checked clean: the pool is read-write again");
    } else {
      md.setMode(
          PoolMode.RO,
          "metadata grown, but its check failed (" + problems.getFirst().message()
              + "); run 'thinly check' on the stopped pool");
    }
  }

  public Path directory() {
    return dir;
  }

  public PoolConfig config() {
    return config;
  }

  // ---------------------------------------------------------------- for the catalog

  GuardedMetadata metadata() {
    return md;
  }

  DataPath dataPath() {
    return dataPath;
  }

  PoolEvents events() {
    return events;
  }

  /** Commits now (after a catalog change), returning when durable. */
  void commitNow() {
    committer.flush();
  }

  /** Commits what is pending and closes everything. */
  @Override
  public void close() {
    RuntimeException failure = null;
    try {
      committer.close();
    } catch (RuntimeException e) {
      failure = e;
    }
    md.close();
    pm.close();
    dataDevice.close();
    lock.close();
    if (failure != null) {
      throw failure;
    }
  }
}
