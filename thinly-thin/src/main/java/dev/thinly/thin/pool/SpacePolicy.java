package dev.thinly.thin.pool;

import dev.thinly.pdata.error.NoSpaceException;
import dev.thinly.pdata.error.ReadOnlyException;
import dev.thinly.thin.metadata.PoolMetadata;
import dev.thinly.thin.metadata.WriteTarget;
import java.util.OptionalLong;

/**
 * Decides where writes land and what happens when space runs out (spec 9.3, 9.4).
 *
 * <ul>
 *   <li>Data: when no block is free the pool first commits (blocks freed in the current
 *       transaction become usable), then either fails the write at once or holds it until space
 *       appears or the timeout passes, by the pool's {@link PoolConfig.NoSpacePolicy}.
 *   <li>Metadata: provisioning stops, with a clear error, while a reserve of metadata blocks is
 *       still free, so the metadata never runs out in the middle of an operation (which would
 *       leave only an abort and a check); the pool goes read-only until the metadata is grown.
 * </ul>
 */
final class SpacePolicy {
  /** Outcome of one attempt to plan a write. */
  private enum Outcome {
    OK,
    NO_DATA,
    LOW_METADATA,
    /** The write needs new blocks and the pool is read-only: refused before anything changed. */
    READ_ONLY
  }

  private final GuardedMetadata md;
  private final PoolConfig config;
  private final SpaceWatcher watcher;
  private final String poolName;
  private Committer committer;

  SpacePolicy(GuardedMetadata md, PoolConfig config, SpaceWatcher watcher, String poolName) {
    this.md = md;
    this.config = config;
    this.watcher = watcher;
    this.poolName = poolName;
  }

  void setCommitter(Committer committer) {
    this.committer = committer;
  }

  /** Metadata blocks kept free for commits and for operations that free space. */
  static long metadataReserve(long nrMetadataBlocks) {
    return Math.max(64, Math.min(4096, nrMetadataBlocks / 10));
  }

  /**
   * Plans a write of thin blocks {@code [first, last]}, allocating what it needs. If a plan
   * allocated a block, the caller is inside the allocation window ({@link
   * GuardedMetadata#enterAllocation}) and must leave it once the mappings are inserted or the
   * blocks released.
   */
  WritePlan[] prepare(long thinId, long first, long last) {
    WritePlan[] plans = new WritePlan[(int) (last - first + 1)];
    long deadline = -1;
    for (int attempt = 0; ; attempt++) {
      Outcome o = tryPrepare(thinId, first, plans);
      if (o == Outcome.OK) {
        return plans;
      }
      if (o == Outcome.READ_ONLY) {
        throw new ReadOnlyException("pool " + poolName, md.modeReason());
      }
      if (attempt == 0) {
        committer.flush(); // frees what this transaction released, and lets counts settle
        continue;
      }
      if (o == Outcome.LOW_METADATA) {
        String msg =
            "out of metadata space: pool " + poolName + " keeps its last metadata blocks in reserve;"
                + " grow it with 'thinly pool grow --metadata-size'";
        md.setMode(PoolMode.RO, "metadata space exhausted; grow it with 'thinly pool grow --metadata-size'");
        throw new NoSpaceException(NoSpaceException.Space.METADATA, msg);
      }
      md.setMode(PoolMode.OUT_OF_DATA_SPACE, "no free data blocks");
      if (config.noSpacePolicy() == PoolConfig.NoSpacePolicy.ERROR) {
        throw outOfData();
      }
      long now = System.nanoTime();
      if (deadline < 0) {
        deadline = now + config.noSpaceTimeoutSeconds() * 1_000_000_000L;
      } else if (now - deadline >= 0) {
        throw outOfData();
      }
      awaitSpace(Math.min(1_000_000_000L, deadline - now));
    }
  }

  private NoSpaceException outOfData() {
    return new NoSpaceException(
        NoSpaceException.Space.DATA,
        "out of data space: pool " + poolName + " has no free data blocks; grow it with"
            + " 'thinly pool grow --data-size' or delete volumes");
  }

  private Outcome tryPrepare(long thinId, long first, WritePlan[] plans) {
    md.enterAllocation();
    boolean keepWindow = false;
    md.lock().writeLock().lock();
    try {
      if (md.mode() == PoolMode.NEEDS_CHECK) {
        md.checkWritable();
      }
      Outcome o = md.guarded(pm -> plan(pm, thinId, first, plans));
      keepWindow = o == Outcome.OK && WritePlan.anyAllocated(plans);
      return o;
    } finally {
      md.lock().writeLock().unlock();
      if (!keepWindow) {
        md.exitAllocation();
      }
    }
  }

  private Outcome plan(PoolMetadata pm, long thinId, long first, WritePlan[] plans) {
    int needed = 0;
    for (int i = 0; i < plans.length; i++) {
      WriteTarget t = pm.lookupForWrite(thinId, first + i);
      if (t.exclusive()) {
        plans[i] = new WritePlan(WritePlan.Kind.IN_PLACE, first + i, t.dataBlock(), -1);
      } else {
        plans[i] =
            t.mapped()
                ? new WritePlan(WritePlan.Kind.COPY, first + i, -1, t.dataBlock())
                : new WritePlan(WritePlan.Kind.FRESH, first + i, -1, -1);
        needed++;
      }
    }
    if (needed == 0) {
      return Outcome.OK;
    }
    if (md.mode() == PoolMode.RO) {
      return Outcome.READ_ONLY;
    }
    if (pm.nrFreeMetadataBlocks() < metadataReserve(pm.nrMetadataBlocks())) {
      return Outcome.LOW_METADATA;
    }
    for (int i = 0; i < plans.length; i++) {
      WritePlan p = plans[i];
      if (p.kind() == WritePlan.Kind.IN_PLACE) {
        continue;
      }
      OptionalLong b = pm.allocateDataBlock();
      if (b.isEmpty()) {
        for (int j = 0; j < i; j++) {
          if (plans[j].allocated()) {
            pm.releaseDataBlock(plans[j].dataBlock());
          }
        }
        return Outcome.NO_DATA;
      }
      plans[i] = new WritePlan(p.kind(), p.thinBlock(), b.getAsLong(), p.sourceBlock());
    }
    if (md.mode() == PoolMode.OUT_OF_DATA_SPACE) {
      md.setMode(PoolMode.RW, "");
    }
    observe(pm);
    return Outcome.OK;
  }

  /** Gives back the blocks a plan allocated (its data write failed). */
  void release(WritePlan[] plans) {
    md.lock().writeLock().lock();
    try {
      md.guarded(
          pm -> {
            for (WritePlan p : plans) {
              if (p != null && p.allocated() && p.dataBlock() >= 0) {
                pm.releaseDataBlock(p.dataBlock());
              }
            }
            return null;
          });
    } finally {
      md.lock().writeLock().unlock();
    }
  }

  /** Before unmapping: commit first if the metadata reserve is reached, to make room. */
  void ensureMetadataForUnmap() {
    boolean low =
        md.read(pm -> pm.nrFreeMetadataBlocks() < metadataReserve(pm.nrMetadataBlocks()));
    if (low) {
      committer.flush();
    }
  }

  /** Reports threshold crossings for both resources (metadata lock held). */
  void observe(PoolMetadata pm) {
    watcher.observe(SpaceWatcher.Resource.DATA, pm.nrDataBlocks() - pm.nrFreeDataBlocks(), pm.nrDataBlocks());
    watcher.observe(
        SpaceWatcher.Resource.METADATA,
        pm.nrMetadataBlocks() - pm.nrFreeMetadataBlocks(),
        pm.nrMetadataBlocks());
  }

  private synchronized void awaitSpace(long nanos) {
    try {
      wait(Math.max(1, nanos / 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw outOfData();
    }
  }

  /** Space was added or freed: wake writes held by the QUEUE policy. */
  synchronized void spaceChanged() {
    notifyAll();
  }
}
