package dev.thinly.thin.pool;

import com.carrotsearch.hppc.LongIntHashMap;
import dev.thinly.pdata.error.BusyException;
import dev.thinly.pdata.error.CorruptMetadataException;
import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.pdata.error.NoSpaceException;
import dev.thinly.pdata.error.NotFoundException;
import dev.thinly.pdata.error.ReadOnlyException;
import dev.thinly.thin.format.BlockTime;
import dev.thinly.thin.metadata.PoolMetadata;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The named volumes of a pool, kept in step with the thin devices of its metadata.
 *
 * <p>Every change follows one protocol (the one LVM uses with thin pools): write the next catalog
 * version, which expects the pool's transaction id to be one higher; then make the metadata change
 * and advance the transaction id in one committed transaction. A crash in between leaves a catalog
 * version one ahead of the pool; on open that version is dropped (the change never happened and was
 * never acknowledged) with one log line, so the catalog and the pool always agree.
 */
final class VolumeCatalog {
  private final ThinPool pool;
  private final CatalogStore store;
  private final Map<String, VolumeState> states = new ConcurrentHashMap<>();
  private volatile Catalog catalog = Catalog.empty();

  VolumeCatalog(ThinPool pool, CatalogStore store) {
    this.pool = pool;
    this.store = store;
  }

  /** Reads the newest catalog version that matches the pool's transaction id. */
  void load() {
    long poolTx = pool.metadata().read(PoolMetadata::transactionId);
    List<Long> versions = store.versions();
    Catalog found = null;
    List<Long> newer = new ArrayList<>();
    for (long v : versions) {
      Optional<Catalog> c = store.read(v);
      if (c.isPresent() && c.get().transactionId() == poolTx) {
        found = c.get();
        break;
      }
      newer.add(v);
    }
    if (found == null) {
      throw new CorruptMetadataException(
          -1, "catalog", "no catalog version matches the pool's transaction id " + poolTx
              + " (versions " + versions + "); the pool and its catalog disagree");
    }
    for (long v : newer) {
      pool.events().info(
          "catalog: dropped version " + v + ", a change that did not reach the pool before it stopped"
              + " (pool transaction " + poolTx + ")");
      store.discard(v);
    }
    catalog = found;
    for (VolumeInfo v : found.volumes()) {
      boolean exists = pool.metadata().read(p -> p.exists(v.thinId()));
      if (!exists) {
        throw new CorruptMetadataException(
            -1, "catalog", "volume " + v.name() + " names thin device " + v.thinId() + ", which the pool does not have");
      }
      states.put(v.name(), new VolumeState(v.name(), v.thinId(), v.sizeBytes(), v.readOnly()));
    }
  }

  List<VolumeInfo> all() {
    return catalog.volumes();
  }

  int count() {
    return catalog.volumes().size();
  }

  VolumeState state(String name) {
    VolumeInfo.checkName(name);
    VolumeState s = states.get(name);
    if (s == null) {
      throw noSuch(name);
    }
    return s;
  }

  VolumeInfo info(String name) {
    VolumeInfo.checkName(name);
    return catalog.find(name).orElseThrow(() -> noSuch(name));
  }

  private static NotFoundException noSuch(String name) {
    return new NotFoundException("volume", "no volume named '" + name + "'");
  }

  synchronized VolumeInfo create(String name, long sizeBytes, Map<String, String> labels) {
    VolumeInfo.checkName(name);
    checkFree(name);
    checkSize(sizeBytes);
    long thinId = freeThinId();
    VolumeInfo v = new VolumeInfo(name, thinId, sizeBytes, false, null, Instant.now(), labels);
    apply(catalog.with(v, thinId + 1), p -> p.createThin(thinId));
    states.put(name, new VolumeState(name, thinId, sizeBytes, false));
    return v;
  }

  synchronized VolumeInfo snapshot(String source, String name, boolean readOnly) {
    VolumeInfo src = info(source);
    VolumeInfo.checkName(name);
    checkFree(name);
    VolumeState srcState = state(source);
    long thinId = freeThinId();
    VolumeInfo v =
        new VolumeInfo(name, thinId, src.sizeBytes(), readOnly, source, Instant.now(), src.labels());
    // drain the source's writes in flight: the snapshot must hold each of them whole, or none
    srcState.quiesce.writeLock().lock();
    try {
      apply(catalog.with(v, thinId + 1), p -> p.createSnap(thinId, src.thinId()));
    } finally {
      srcState.quiesce.writeLock().unlock();
    }
    states.put(name, new VolumeState(name, thinId, v.sizeBytes(), readOnly));
    return v;
  }

  synchronized void delete(String name, boolean force) {
    VolumeInfo v = info(name);
    VolumeState s = state(name);
    int open = s.openHandles.get();
    if (open > 0 && !force) {
      throw new BusyException(
          "volume '" + name + "' is in use (" + open + " open handle" + (open == 1 ? "" : "s")
              + ", e.g. connected NBD clients); disconnect them first or use --force");
    }
    s.quiesce.writeLock().lock();
    try {
      s.deleted = true;
      try {
        apply(catalog.without(name), p -> p.deleteThin(v.thinId()), false);
      } catch (RuntimeException e) {
        s.deleted = false;
        throw e;
      }
      states.remove(name);
    } finally {
      s.quiesce.writeLock().unlock();
    }
  }

  synchronized VolumeInfo resize(String name, long sizeBytes) {
    VolumeInfo v = info(name);
    checkSize(sizeBytes);
    if (v.readOnly()) {
      throw new ReadOnlyException("volume " + name, "a read-only snapshot keeps its size");
    }
    VolumeState s = state(name);
    long bs = pool.config().blockSizeBytes();
    s.quiesce.writeLock().lock();
    try {
      if (sizeBytes < v.sizeBytes() && sizeBytes % bs != 0) {
        // the tail of the new last block must read as zeros if the volume grows again
        try (Volume handle = pool.open(name)) {
          long end = Math.min(v.sizeBytes(), (sizeBytes / bs + 1) * bs);
          handle.writeZeroes(sizeBytes, end - sizeBytes, false, false);
        }
      }
      long firstGone = (sizeBytes + bs - 1) / bs;
      VolumeInfo resized = v.withSize(sizeBytes);
      apply(
          catalog.with(resized, catalog.nextThinId()),
          p -> {
            if (sizeBytes < v.sizeBytes()) {
              p.removeRange(v.thinId(), firstGone, Long.MAX_VALUE);
            }
          });
      s.sizeBytes = sizeBytes;
      return resized;
    } finally {
      s.quiesce.writeLock().unlock();
    }
  }

  /** Space usage per volume, computed like thin_ls: a block is exclusive if no other device maps it. */
  List<VolumeUsage> usage() {
    Catalog c = catalog;
    LongIntHashMap users = new LongIntHashMap();
    for (VolumeInfo v : c.volumes()) {
      forEachDataBlock(v.thinId(), b -> users.addTo(b, 1));
    }
    long bs = pool.config().blockSizeBytes();
    List<VolumeUsage> out = new ArrayList<>();
    for (VolumeInfo v : c.volumes()) {
      long[] counts = new long[2];
      forEachDataBlock(
          v.thinId(),
          b -> {
            counts[0]++;
            if (users.get(b) == 1) {
              counts[1]++;
            }
          });
      out.add(
          new VolumeUsage(
              v.name(), v.thinId(), v.sizeBytes(), counts[0] * bs, counts[1] * bs,
              (counts[0] - counts[1]) * bs, v.origin(), v.readOnly(), v.created(), v.labels()));
    }
    return out;
  }

  private void forEachDataBlock(long thinId, Consumer<Long> fn) {
    pool.metadata()
        .read(
            p -> {
              p.forEachMapping(
                  thinId,
                  0,
                  (thinBlock, blockTime) -> {
                    fn.accept(BlockTime.dataBlock(blockTime));
                    return true;
                  });
              return null;
            });
  }

  // ---------------------------------------------------------------- the change protocol

  private void apply(Catalog next, Consumer<PoolMetadata> change) {
    apply(next, change, true);
  }

  /**
   * @param needsReserve false for changes that free space (deletion), which may use the metadata
   *     reserve: it is kept exactly so that space can be given back
   */
  private void apply(Catalog next, Consumer<PoolMetadata> change, boolean needsReserve) {
    if (needsReserve && metadataLow()) {
      pool.commitNow(); // blocks freed in the current transaction become usable
      if (metadataLow()) {
        throw new NoSpaceException(
            NoSpaceException.Space.METADATA,
            "out of metadata space: the pool keeps its last metadata blocks in reserve; grow it with"
                + " 'thinly pool grow --metadata-size' or delete volumes");
      }
    }
    store.write(next);
    GuardedMetadata md = pool.metadata();
    md.lock().writeLock().lock();
    try {
      md.checkWritable();
      long expected = catalog.transactionId();
      md.guarded(
          p -> {
            change.accept(p);
            p.setTransactionId(expected, next.transactionId());
            return null;
          });
    } catch (RuntimeException e) {
      store.discard(next.version());
      throw e;
    } finally {
      md.lock().writeLock().unlock();
    }
    catalog = next;
    pool.commitNow();
  }

  private boolean metadataLow() {
    return pool.metadata()
        .read(p -> p.nrFreeMetadataBlocks() < SpacePolicy.metadataReserve(p.nrMetadataBlocks()));
  }

  private void checkFree(String name) {
    if (catalog.find(name).isPresent()) {
      throw new InvalidRequestException("a volume named '" + name + "' already exists");
    }
  }

  private static void checkSize(long sizeBytes) {
    if (sizeBytes <= 0 || sizeBytes % 512 != 0) {
      throw new InvalidRequestException(
          "a volume size must be a positive multiple of 512 bytes, not " + sizeBytes);
    }
  }

  private long freeThinId() {
    long id = catalog.nextThinId();
    for (long tries = 0; tries <= PoolMetadata.MAX_THIN_ID; tries++, id++) {
      if (id > PoolMetadata.MAX_THIN_ID) {
        id = 0;
      }
      long candidate = id;
      if (catalog.findByThinId(candidate).isEmpty()
          && !pool.metadata().read(p -> p.exists(candidate))) {
        return candidate;
      }
    }
    throw new InvalidRequestException("the pool has no free thin device id left");
  }
}
