package dev.thinly.bench.tool;

import dev.thinly.pdata.io.FileBlockDevice;
import dev.thinly.thin.metadata.PoolBuilder;
import dev.thinly.thin.metadata.PoolMetadata;
import dev.thinly.thin.pool.PoolCreateOptions;
import dev.thinly.thin.pool.PoolOptions;
import dev.thinly.thin.pool.ThinPool;
import dev.thinly.thin.pool.Volume;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/** Pools for the experiments, made through the library (what {@code thinly} itself runs). */
final class BenchPools {
  static final long BLOCK_BYTES = PoolCreateOptions.DEFAULT_BLOCK_SIZE;
  static final long BLOCK_SECTORS = BLOCK_BYTES / 512;
  static final long CACHE_BYTES = PoolOptions.DEFAULT_CACHE_BYTES;

  private BenchPools() {}

  static PoolOptions options() {
    return PoolOptions.defaults("thinly bench");
  }

  /**
   * A new pool with a sparse data file of {@code dataBytes} and a (sparse) metadata file big enough
   * for snapshots that diverge: the default estimate assumes few of them.
   */
  static ThinPool create(Path dir, long dataBytes) {
    long metadataBytes = Math.max(PoolCreateOptions.estimateMetadataBytes(dataBytes / BLOCK_BYTES), 1L << 30);
    return ThinPool.create(dir, PoolCreateOptions.ofSize(dataBytes).withMetadataSize(metadataBytes), options());
  }

  static ThinPool open(Path dir) {
    return ThinPool.open(dir, options());
  }

  /**
   * Writes every block of a volume with pseudo-random bytes (1 MiB at a time), so that each block
   * is provisioned and holds data on the data file.
   */
  static void fill(ThinPool pool, String volume, long seed) {
    try (Volume v = pool.open(volume)) {
      ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
      SplittableRandom r = new SplittableRandom(seed);
      while (buf.hasRemaining()) {
        buf.putLong(r.nextLong());
      }
      for (long off = 0; off < v.sizeBytes(); off += buf.capacity()) {
        buf.clear().limit((int) Math.min(buf.capacity(), v.sizeBytes() - off));
        buf.putLong(0, off); // every MiB differs
        v.write(off, buf, false);
      }
      v.flush();
    }
  }

  /** Writes one whole pool block of volume {@code v} (block index {@code block}). */
  static void writeBlock(Volume v, long block, ByteBuffer pattern) {
    ByteBuffer b = pattern.duplicate().clear().limit((int) BLOCK_BYTES);
    v.write(block * BLOCK_BYTES, b, false);
  }

  /**
   * A pool whose volume {@code origin} (thin 0) maps {@code mappings} blocks that were never
   * written: the pool is created and the volume added through the library, then its metadata is
   * rebuilt bottom-up with {@link PoolBuilder} (as {@code thinly restore} does) so that blocks 0..n-1
   * map data blocks 0..n-1. The data file stays sparse. Returns the build time in nanoseconds.
   */
  static long mappedPool(Path dir, long mappings, long spareDataBytes) {
    long start = System.nanoTime();
    long volumeBytes = mappings * BLOCK_BYTES;
    try (ThinPool pool = create(dir, volumeBytes + spareDataBytes)) {
      pool.create("origin", volumeBytes, Map.of());
    }
    Path metadata = dir.resolve("metadata");
    long transactionId;
    long nrDataBlocks;
    long metadataBlocks;
    try (PoolMetadata pm = PoolMetadata.open(FileBlockDevice.open(metadata), CACHE_BYTES, true)) {
      transactionId = pm.transactionId();
      nrDataBlocks = pm.nrDataBlocks();
      metadataBlocks = pm.nrMetadataBlocks();
      if (!pm.exists(0)) {
        throw new IllegalStateException("the origin volume is not thin 0");
      }
    }
    PoolBuilder.Header header = new PoolBuilder.Header(BLOCK_SECTORS, nrDataBlocks, 0, transactionId, 0);
    try (PoolBuilder b = PoolBuilder.start(FileBlockDevice.open(metadata), true, CACHE_BYTES, header)) {
      b.beginDevice(0, transactionId, 0, 0);
      b.mapRun(0, 0, mappings, 0);
      b.endDevice();
      b.commit(metadataBlocks);
    }
    return System.nanoTime() - start;
  }

  /** Used metadata blocks of a closed pool. */
  static long metadataBlocksUsed(Path dir) {
    try (PoolMetadata pm =
        PoolMetadata.open(FileBlockDevice.open(dir.resolve("metadata"), true), CACHE_BYTES, true)) {
      return pm.nrMetadataBlocks() - pm.nrFreeMetadataBlocks();
    }
  }
}
