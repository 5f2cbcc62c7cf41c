package dev.thinly.pdata.testkit;

import dev.thinly.pdata.block.BlockManager;
import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.block.SaltedValidator;
import dev.thinly.pdata.codec.BlockChecksum;
import dev.thinly.pdata.io.BlockDevice;
import dev.thinly.pdata.io.MemoryBlockDevice;
import dev.thinly.pdata.spacemap.disk.MetadataSpaceMap;
import dev.thinly.pdata.spacemap.disk.SpaceMapRoot;
import dev.thinly.pdata.tx.TransactionManager;

/**
 * A minimal persistent-data "pool" for tests of the lower layers: a metadata space map plus up to
 * 400 tree roots recorded in a test superblock (offset 64: metadata space-map root; offset 96: the
 * number of roots; offset 104: the roots).
 */
public final class PdataFixture {
  public static final SaltedValidator SUPERBLOCK =
      new SaltedValidator("test superblock", BlockChecksum.SUPERBLOCK_SALT);

  public final BlockDevice device;
  public final BlockManager bm;
  public final TransactionManager tm;
  public final MetadataSpaceMap sm;
  private long[] committedRoots = new long[0];

  private PdataFixture(BlockDevice device, long cacheBytes, boolean format) {
    this.device = device;
    this.bm = new BlockManager(device, cacheBytes);
    this.tm = new TransactionManager(bm);
    if (format) {
      this.sm = MetadataSpaceMap.format(tm, bm.nrBlocks());
    } else {
      ReadBlock sb = bm.read(0, SUPERBLOCK);
      this.sm = MetadataSpaceMap.open(tm, SpaceMapRoot.decode(sb, 64));
      int n = sb.getInt(96);
      committedRoots = new long[n];
      for (int i = 0; i < n; i++) {
        committedRoots[i] = sb.getLong(104 + 8 * i);
      }
    }
  }

  /** A fresh fixture on a memory device of {@code nrBlocks} metadata blocks. */
  public static PdataFixture create(long nrBlocks, long cacheBytes) {
    return create(new MemoryBlockDevice("meta", nrBlocks * BlockManager.BLOCK_SIZE), cacheBytes);
  }

  public static PdataFixture create(BlockDevice device, long cacheBytes) {
    return new PdataFixture(device, cacheBytes, true);
  }

  /** Opens the committed state of {@code device}. */
  public static PdataFixture open(BlockDevice device, long cacheBytes) {
    return new PdataFixture(device, cacheBytes, false);
  }

  /** Commits with the given tree roots. */
  public void commit(long... roots) {
    SpaceMapRoot smRoot = sm.commit();
    tm.commit(
        SUPERBLOCK,
        sb -> {
          smRoot.encode(sb, 64);
          sb.putInt(96, roots.length);
          for (int i = 0; i < roots.length; i++) {
            sb.putLong(104 + 8 * i, roots[i]);
          }
        });
    sm.endTransaction();
    committedRoots = roots.clone();
  }

  /** Roots of the last commit. */
  public long[] committedRoots() {
    return committedRoots.clone();
  }

  /** A new fixture over the same device, at the last commit (the abort path). */
  public PdataFixture reopen() {
    return open(device, bm.capacityBlocks() * (long) BlockManager.BLOCK_SIZE);
  }
}
