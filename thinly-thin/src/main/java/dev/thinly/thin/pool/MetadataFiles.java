package dev.thinly.thin.pool;

import dev.thinly.pdata.io.BlockDevice;
import java.nio.ByteBuffer;

/**
 * A pool's metadata file is written whole with zeros when it is created or grown, as a metadata
 * logical volume is allocated whole: the host filesystem then has its storage, so a commit never
 * fails for lack of space there, and a commit's fdatasync never waits for a filesystem journal
 * commit to allocate blocks (on ext4 that made a snapshot's commit several times slower than its
 * syncs; see docs/benchmarks.md, experiment 2). Data files stay sparse: that is thin provisioning.
 */
final class MetadataFiles {
  private static final int CHUNK_BYTES = 1 << 20;

  private MetadataFiles() {}

  /** Writes zeros over {@code [fromBytes, toBytes)} of a metadata file and syncs them. */
  static void allocate(BlockDevice metadata, long fromBytes, long toBytes) {
    if (toBytes <= fromBytes) {
      return;
    }
    ByteBuffer zeros = ByteBuffer.allocateDirect(CHUNK_BYTES);
    for (long pos = fromBytes; pos < toBytes; pos += CHUNK_BYTES) {
      zeros.clear().limit((int) Math.min(CHUNK_BYTES, toBytes - pos));
      metadata.write(pos, zeros);
    }
    metadata.flush();
  }
}
