package dev.thinly.pdata.testkit;

import dev.thinly.pdata.block.BlockManager;
import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.block.SaltedValidator;
import dev.thinly.pdata.codec.BlockChecksum;
import dev.thinly.pdata.io.BlockDevice;
import dev.thinly.pdata.io.MemoryBlockDevice;
import dev.thinly.pdata.spacemap.disk.DiskSpaceMap;
import dev.thinly.pdata.spacemap.disk.MetadataSpaceMap;
import dev.thinly.pdata.spacemap.disk.SpaceMapRoot;
import dev.thinly.pdata.tx.TransactionManager;

/**
 * A minimal persistent-data "pool" for tests of the lower layers: a metadata space map, an
 * optional data space map, and up to 400 tree roots, recorded in a test superblock:
 *
 * <pre>
 * offset size field
 *     64   32 metadata space-map root
 *     96    4 number of tree roots
 *    104  8*n tree roots
 *   3584   32 data space-map root (all zero: none)
 * </pre>
 *
 * Commits follow the kernel's order: data space map, metadata space map, dirty blocks + flush,
 * superblock + flush. {@link #abort} is the pool's abort path (same block manager, caches
 * invalidated, space maps reopened); {@link #reopen} is a restart (new block manager).
 */
public final class PdataFixture {
  public static final SaltedValidator SUPERBLOCK =
      new SaltedValidator("test superblock", BlockChecksum.SUPERBLOCK_SALT);
  public static final int MAX_ROOTS = 400;
  private static final int SM_ROOT = 64;
  private static final int NR_ROOTS = 96;
  private static final int ROOTS = 104;
  private static final int DATA_SM_ROOT = 3584;

  private final BlockDevice device;
  private final BlockManager bm;
  private final TransactionManager tm;
  private MetadataSpaceMap sm;
  private DiskSpaceMap dataSm;
  private long[] committedRoots = new long[0];

  private PdataFixture(BlockDevice device, long cacheBytes, boolean format) {
    this.device = device;
    this.bm = new BlockManager(device, cacheBytes);
    this.tm = new TransactionManager(bm);
    if (format) {
      this.sm = MetadataSpaceMap.format(tm, bm.nrBlocks());
    } else {
      load();
    }
  }

  private void load() {
    ReadBlock sb = bm.read(0, SUPERBLOCK);
    sm = MetadataSpaceMap.open(tm, SpaceMapRoot.decode(sb, SM_ROOT));
    SpaceMapRoot dataRoot = SpaceMapRoot.decode(sb, DATA_SM_ROOT);
    dataSm = dataRoot.bitmapRoot() == 0 ? null : DiskSpaceMap.open(tm, dataRoot);
    int n = sb.getInt(NR_ROOTS);
    committedRoots = new long[n];
    for (int i = 0; i < n; i++) {
      committedRoots[i] = sb.getLong(ROOTS + 8 * i);
    }
  }

  /** A fresh fixture on a memory device of {@code nrBlocks} metadata blocks. */
  public static PdataFixture create(long nrBlocks, long cacheBytes) {
    return create(new MemoryBlockDevice("meta", nrBlocks * BlockManager.BLOCK_SIZE), cacheBytes);
  }

  /** Formats {@code device} (nothing is committed until {@link #commit}). */
  public static PdataFixture create(BlockDevice device, long cacheBytes) {
    return new PdataFixture(device, cacheBytes, true);
  }

  /** Opens the committed state of {@code device}. */
  public static PdataFixture open(BlockDevice device, long cacheBytes) {
    return new PdataFixture(device, cacheBytes, false);
  }

  public BlockDevice device() {
    return device;
  }

  public BlockManager bm() {
    return bm;
  }

  public TransactionManager tm() {
    return tm;
  }

  public MetadataSpaceMap sm() {
    return sm;
  }

  /** The data space map, or null if none was created. */
  public DiskSpaceMap dataSm() {
    return dataSm;
  }

  /** Creates the data space map in the current transaction. */
  public DiskSpaceMap createDataSpaceMap(long nrDataBlocks) {
    if (dataSm != null) {
      throw new IllegalStateException("the fixture has a data space map already");
    }
    dataSm = DiskSpaceMap.create(tm, nrDataBlocks);
    return dataSm;
  }

  /** Commits with the given tree roots. */
  public void commit(long... roots) {
    if (roots.length > MAX_ROOTS) {
      throw new IllegalArgumentException("at most " + MAX_ROOTS + " roots");
    }
    SpaceMapRoot dataRoot = dataSm == null ? new SpaceMapRoot(0, 0, 0, 0) : dataSm.commit();
    SpaceMapRoot smRoot = sm.commit();
    tm.commit(
        SUPERBLOCK,
        sb -> {
          smRoot.encode(sb, SM_ROOT);
          sb.putInt(NR_ROOTS, roots.length);
          for (int i = 0; i < roots.length; i++) {
            sb.putLong(ROOTS + 8 * i, roots[i]);
          }
          dataRoot.encode(sb, DATA_SM_ROOT);
        });
    if (dataSm != null) {
      dataSm.endTransaction();
    }
    sm.endTransaction();
    committedRoots = roots.clone();
  }

  /** Roots of the last commit. */
  public long[] committedRoots() {
    return committedRoots.clone();
  }

  /** Forgets the current transaction (the pool's abort): back to the last commit. */
  public void abort() {
    tm.abort();
    load();
  }

  /** A new fixture over the same device, at the last commit (a restart). */
  public PdataFixture reopen() {
    return open(device, bm.capacityBlocks() * (long) BlockManager.BLOCK_SIZE);
  }
}
