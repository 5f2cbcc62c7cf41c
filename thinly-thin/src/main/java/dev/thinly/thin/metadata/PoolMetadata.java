package dev.thinly.thin.metadata;

import com.carrotsearch.hppc.LongArrayList;
import dev.thinly.pdata.block.BlockManager;
import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.block.WriteBlock;
import dev.thinly.pdata.btree.BTree;
import dev.thinly.pdata.btree.BTreeWalker;
import dev.thinly.pdata.btree.Node;
import dev.thinly.pdata.btree.NodeValidator;
import dev.thinly.pdata.btree.ValueType;
import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.pdata.io.BlockDevice;
import dev.thinly.pdata.spacemap.disk.DiskSpaceMap;
import dev.thinly.pdata.spacemap.disk.MetadataIndexBlock;
import dev.thinly.pdata.spacemap.disk.MetadataSpaceMap;
import dev.thinly.pdata.spacemap.disk.SpaceMapRoot;
import dev.thinly.pdata.tx.TransactionManager;
import dev.thinly.thin.format.BlockTime;
import dev.thinly.thin.format.DeviceDetails;
import dev.thinly.thin.format.Superblock;
import dev.thinly.thin.format.SuperblockValidator;
import java.util.OptionalLong;

/**
 * The metadata of one thin pool in the dm-thin v2 format: thin devices, their mappings, the two
 * space maps, the metadata snapshot, transactions. This is the userspace equivalent of the
 * kernel's {@code dm-thin-metadata.c}; the operations, their reference counting and the commit
 * order follow it (spec sections 7.1 to 7.9).
 *
 * <p>Opening reads the superblock and the metadata space map's index block, nothing else: trees and
 * bitmaps are read when an operation needs them, through a bounded block cache.
 *
 * <p>Changes accumulate in the current transaction until {@link #commit}; {@link #abort} returns to
 * the last commit. Nothing the last commit references is ever overwritten, so a crash at any point
 * leaves the last committed state.
 *
 * <p>Not thread-safe: the owner (the pool) serializes all calls.
 */
public final class PoolMetadata implements AutoCloseable {
  /** Returned by lookups when the block is not mapped. */
  public static final long NO_MAPPING = -1;
  /** The largest thin id the kernel accepts in messages. */
  public static final long MAX_THIN_ID = (1L << 24) - 1;
  /** Data block size limits in sectors: 64 KiB to 1 GiB, a multiple of 64 KiB. */
  public static final long MIN_DATA_BLOCK_SECTORS = 128;
  public static final long MAX_DATA_BLOCK_SECTORS = 2097152;

  private final BlockManager bm;
  private final TransactionManager tm;
  private final boolean readOnly;
  private final BTree mappingTree;
  private final BTree topTree;
  private final BTree detailsTree;
  private final DeviceTable devices;

  private MetadataSpaceMap metadataSm;
  private DataSpace data;
  private Superblock committed;
  private long mappingRoot;
  private long detailsRoot;
  private long time;
  private long transactionId;
  private long heldRoot;
  private int flags;
  private boolean changed;

  private PoolMetadata(BlockDevice device, long cacheBytes, boolean readOnly) {
    this.bm = new BlockManager(device, cacheBytes);
    this.tm = new TransactionManager(bm);
    this.readOnly = readOnly;
    this.mappingTree = new BTree(tm, new MappingValues(this));
    this.topTree = new BTree(tm, new SubtreeValues(tm, mappingTree));
    this.detailsTree = new BTree(tm, ValueType.plain(DeviceDetails.SIZE));
    this.devices =
        new DeviceTable(id -> detailsTree.lookup(detailsRoot, id).map(b -> DeviceDetails.decode(b, 0)));
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Writes a new, empty pool onto {@code device}: all of it becomes metadata (up to the format's
   * limit of 4,161,600 blocks), with a data space map of {@code nrDataBlocks} blocks of {@code
   * dataBlockSizeSectors} sectors. The result is committed.
   */
  public static PoolMetadata format(
      BlockDevice device, long dataBlockSizeSectors, long nrDataBlocks, long cacheBytes) {
    if (dataBlockSizeSectors < MIN_DATA_BLOCK_SECTORS
        || dataBlockSizeSectors > MAX_DATA_BLOCK_SECTORS
        || dataBlockSizeSectors % MIN_DATA_BLOCK_SECTORS != 0) {
      throw new InvalidRequestException(
          "data block size must be 64 KiB to 1 GiB and a multiple of 64 KiB, not "
              + dataBlockSizeSectors * 512 + " bytes");
    }
    if (nrDataBlocks < 0 || nrDataBlocks > BlockTime.MAX_DATA_BLOCKS) {
      throw new InvalidRequestException("a pool holds at most 2^40 data blocks");
    }
    PoolMetadata pm = new PoolMetadata(device, cacheBytes, false);
    long nrMetadataBlocks = Math.min(pm.bm.nrBlocks(), MetadataIndexBlock.MAX_METADATA_BLOCKS);
    pm.metadataSm = MetadataSpaceMap.format(pm.tm, nrMetadataBlocks);
    pm.data = new DataSpace(DiskSpaceMap.create(pm.tm, nrDataBlocks));
    pm.mappingRoot = pm.topTree.createEmpty();
    pm.detailsRoot = pm.detailsTree.createEmpty();
    pm.committed =
        new Superblock(
            0, new byte[16], Superblock.VERSION, 0, 0, 0, null, null, 0, 0, dataBlockSizeSectors,
            Superblock.METADATA_BLOCK_SIZE_SECTORS, nrMetadataBlocks, 0, 0, 0);
    pm.changed = true;
    pm.commit();
    return pm;
  }

  /**
   * Opens the pool on {@code device} at its last commit. Reads the superblock and the metadata space
   * map's index block.
   *
   * @throws dev.thinly.pdata.error.CorruptMetadataException if the superblock is not valid dm-thin
   *     metadata
   */
  public static PoolMetadata open(BlockDevice device, long cacheBytes, boolean readOnly) {
    PoolMetadata pm = new PoolMetadata(device, cacheBytes, readOnly);
    pm.load();
    if (!readOnly && pm.committed.compatRoFlags() != 0) {
      throw new MetadataStateException(
          MetadataStateException.Kind.READ_ONLY,
          "the metadata has read-only compatible feature flags 0x"
              + Integer.toHexString(pm.committed.compatRoFlags())
              + " this version does not know; it can only be opened read-only");
    }
    return pm;
  }

  /** (Re)reads the committed state: the superblock, then the space maps' roots. */
  private void load() {
    ReadBlock b0 = bm.read(0, SuperblockValidator.INSTANCE);
    committed = Superblock.decode(b0);
    metadataSm = MetadataSpaceMap.open(tm, committed.metadataSpaceMap());
    data = new DataSpace(DiskSpaceMap.open(tm, committed.dataSpaceMap()));
    mappingRoot = committed.dataMappingRoot();
    detailsRoot = committed.deviceDetailsRoot();
    time = committed.time();
    transactionId = committed.transactionId();
    heldRoot = committed.heldRoot();
    flags = committed.flags();
    devices.clear();
    changed = false;
  }

  /**
   * Makes the current transaction durable (spec 7.4): device details into their tree, then the data
   * space map, then the metadata space map, then every dirty block with a flush, then the
   * superblock with a flush. The caller must have flushed the data device first, so that no
   * mapping committed here points at data that is not durable. Does nothing if nothing changed.
   */
  public void commit() {
    if (!changed) {
      return;
    }
    checkWritable();
    devices.flushChanged(
        (id, d) -> detailsRoot = detailsTree.insert(detailsRoot, id, d.encode()).root());
    SpaceMapRoot dataRoot = data.map().commit();
    SpaceMapRoot metadataRoot = metadataSm.commit();
    Superblock sb =
        new Superblock(
            flags, committed.uuid(), Superblock.VERSION, time, transactionId, heldRoot, dataRoot,
            metadataRoot, mappingRoot, detailsRoot, committed.dataBlockSizeSectors(),
            Superblock.METADATA_BLOCK_SIZE_SECTORS, committed.metadataNrBlocks(), 0, 0, 0);
    tm.commit(SuperblockValidator.INSTANCE, sb::encode);
    data.map().endTransaction();
    metadataSm.endTransaction();
    committed = sb;
    data.committed();
    devices.markClean();
    changed = false;
  }

  /** Discards the current transaction: everything returns to the last commit. */
  public void abort() {
    tm.abort();
    load();
  }

  /** True if the current transaction has changes. */
  public boolean hasChanges() {
    return changed;
  }

  @Override
  public void close() {
    bm.close();
  }

  // ---------------------------------------------------------------- devices

  /** Creates an empty thin device (spec 7.7, create_thin). */
  public void createThin(long thinId) {
    checkNewId(thinId);
    long subtree = mappingTree.createEmpty();
    mappingRoot = topTree.insertLong(mappingRoot, thinId, subtree).root();
    devices.put(thinId, new DeviceDetails(0, transactionId, time, time));
    changed = true;
    boundDirtyBlocks();
  }

  /**
   * Creates {@code thinId} as a snapshot of {@code originId} in O(1): the new device shares the
   * origin's whole mapping subtree (one more reference on its root); the pool's time advances and
   * both devices record it as their snapshot time. The caller must have quiesced the origin.
   */
  public void createSnap(long thinId, long originId) {
    checkNewId(thinId);
    long originRoot = subtreeRoot(originId);
    DeviceDetails origin = details(originId);
    tm.inc(originRoot);
    mappingRoot = topTree.insertLong(mappingRoot, thinId, originRoot).root();
    time++;
    devices.put(thinId, new DeviceDetails(origin.mappedBlocks(), transactionId, time, time));
    devices.put(originId, origin.withSnapshottedTime(time));
    changed = true;
    boundDirtyBlocks();
  }

  /**
   * Deletes a device: its details, its entry in the top-level tree, and every node and data block
   * of its subtree that no other device shares.
   */
  public void deleteThin(long thinId) {
    checkWritable();
    subtreeRoot(thinId);
    mappingRoot = topTree.remove(mappingRoot, thinId).root();
    detailsRoot = detailsTree.remove(detailsRoot, thinId).root();
    devices.remove(thinId);
    changed = true;
    boundDirtyBlocks();
  }

  public boolean exists(long thinId) {
    return topTree.lookupLong(mappingRoot, thinId).isPresent();
  }

  /** The current details of a device. */
  public DeviceDetails details(long thinId) {
    return devices
        .get(thinId)
        .orElseThrow(() -> new ThinDeviceException(thinId, ThinDeviceException.Problem.UNKNOWN));
  }

  /** Every device id, ascending. */
  public long[] thinIds() {
    LongArrayList ids = new LongArrayList();
    BTreeWalker.forEach(
        topTree,
        mappingRoot,
        (k, leaf, off) -> {
          ids.add(k);
          return true;
        });
    return ids.toArray();
  }

  private void checkNewId(long thinId) {
    checkWritable();
    if (thinId < 0 || thinId > MAX_THIN_ID) {
      throw new ThinDeviceException(thinId, ThinDeviceException.Problem.OUT_OF_RANGE);
    }
    if (exists(thinId)) {
      throw new ThinDeviceException(thinId, ThinDeviceException.Problem.EXISTS);
    }
  }

  /** The root of the device's mapping subtree. */
  long subtreeRoot(long thinId) {
    OptionalLong r = topTree.lookupLong(mappingRoot, thinId);
    if (r.isEmpty()) {
      throw new ThinDeviceException(thinId, ThinDeviceException.Problem.UNKNOWN);
    }
    return r.getAsLong();
  }

  // ---------------------------------------------------------------- mappings

  /** The packed {@link BlockTime} of {@code thinBlock}, or {@link #NO_MAPPING}. */
  public long lookup(long thinId, long thinBlock) {
    return mappingTree.lookupLong(subtreeRoot(thinId), thinBlock).orElse(NO_MAPPING);
  }

  /**
   * Looks a block up for writing: its mapping, and whether it may be written in place (see {@link
   * WriteTargets} for how that is decided exactly).
   */
  public WriteTarget lookupForWrite(long thinId, long thinBlock) {
    return new WriteTargets(tm, metadataSm, data)
        .lookup(mappingRoot, thinId, subtreeRoot(thinId), thinBlock);
  }

  /**
   * Maps {@code thinBlock} to {@code dataBlock} at the current time. The data block must hold a
   * reference for this mapping already (from {@link #allocateDataBlock}); a data block it replaces
   * loses one. Returns true if the block was not mapped before.
   */
  public boolean insert(long thinId, long thinBlock, long dataBlock) {
    checkWritable();
    data.checkBlock(dataBlock);
    subtreeRoot(thinId);
    long value = BlockTime.pack(dataBlock, time);
    boolean[] added = new boolean[1];
    mappingRoot =
        topTree.update(
            mappingRoot,
            thinId,
            root -> {
              BTree.Insert r = mappingTree.insertLong(root, thinBlock, value);
              added[0] = r.added();
              return r.root();
            });
    if (added[0]) {
      adjustMapped(thinId, 1);
    }
    changed = true;
    boundDirtyBlocks();
    return added[0];
  }

  /** Unmaps one block; its data block loses a reference. Returns true if it was mapped. */
  public boolean remove(long thinId, long thinBlock) {
    return removeRange(thinId, thinBlock, thinBlock + 1) > 0;
  }

  /** Unmaps {@code [beginBlock, endBlock)}; returns how many mappings were removed. */
  public long removeRange(long thinId, long beginBlock, long endBlock) {
    checkWritable();
    long root = subtreeRoot(thinId);
    if (Long.compareUnsigned(beginBlock, endBlock) >= 0
        || mappingTree.lookupGreaterOrEqual(root, beginBlock).orElse(endBlock) >= endBlock) {
      return 0;
    }
    long[] removed = new long[1];
    mappingRoot =
        topTree.update(
            mappingRoot,
            thinId,
            r -> {
              BTree.Removal rm = mappingTree.removeRange(r, beginBlock, endBlock);
              removed[0] = rm.removed();
              return rm.root();
            });
    adjustMapped(thinId, -removed[0]);
    changed = true;
    boundDirtyBlocks();
    return removed[0];
  }

  private void adjustMapped(long thinId, long delta) {
    DeviceDetails d = details(thinId);
    devices.put(thinId, d.withMappedBlocks(d.mappedBlocks() + delta));
  }

  /** Receives a device's mappings in ascending order; returns false to stop. */
  @FunctionalInterface
  public interface MappingVisitor {
    boolean visit(long thinBlock, long blockTime);
  }

  /** Visits the device's mappings at or above {@code fromBlock}, in ascending order. */
  public void forEachMapping(long thinId, long fromBlock, MappingVisitor visitor) {
    BTreeWalker.forEachFrom(
        mappingTree,
        subtreeRoot(thinId),
        fromBlock,
        (k, leaf, off) -> visitor.visit(k, leaf.getLong(off)));
  }

  /** The highest mapped block of a device, or empty if it maps nothing. */
  public OptionalLong highestMappedBlock(long thinId) {
    ReadBlock n = tm.read(subtreeRoot(thinId), NodeValidator.INSTANCE);
    while (Node.nrEntries(n) > 0) {
      int last = Node.nrEntries(n) - 1;
      if (Node.isLeaf(n)) {
        return OptionalLong.of(Node.key(n, last));
      }
      n = tm.read(Node.child(n, last), NodeValidator.INSTANCE);
    }
    return OptionalLong.empty();
  }

  // ---------------------------------------------------------------- data space

  /**
   * Allocates a data block that is free now and was free at the last commit, with one reference;
   * empty when the data device is full.
   */
  public OptionalLong allocateDataBlock() {
    checkWritable();
    OptionalLong b = data.allocate();
    if (b.isPresent()) {
      changed = true;
      boundDirtyBlocks();
    }
    return b;
  }

  /** Drops one reference on a data block (e.g. an allocation that was not used). */
  public void releaseDataBlock(long dataBlock) {
    data.release(dataBlock);
    changed = true;
  }

  /** The reference count of a data block. */
  public long dataBlockCount(long dataBlock) {
    return data.count(dataBlock);
  }

  /**
   * The data blocks whose count dropped to zero since the last call, once they are no longer
   * referenced by the committed state either: call right after {@link #commit}. Their storage may
   * be released before anything allocates them again.
   */
  public long[] takeFreedDataBlocks() {
    if (changed) {
      throw new IllegalStateException("freed data blocks are only final after a commit");
    }
    return data.takeFreed();
  }

  DataSpace dataSpace() {
    return data;
  }

  /** Grows the data space map to {@code nrBlocks} (the data device must already be that big). */
  public void resizeData(long nrBlocks) {
    checkWritable();
    if (data.grow(nrBlocks)) {
      changed = true;
    }
  }

  /** Grows the metadata space map to the metadata device's size (capped at the format's limit). */
  public void resizeMetadata() {
    checkWritable();
    long n = Math.min(bm.nrBlocks(), MetadataIndexBlock.MAX_METADATA_BLOCKS);
    if (n > metadataSm.nrBlocks()) {
      metadataSm.extend(n);
      changed = true;
    }
  }

  // ---------------------------------------------------------------- transaction id, flags, held root

  public long transactionId() {
    return transactionId;
  }

  /** Compare-and-swap of the userspace transaction id (persisted at the next commit). */
  public void setTransactionId(long expected, long newId) {
    checkWritable();
    if (transactionId != expected) {
      throw new MetadataStateException(
          MetadataStateException.Kind.TRANSACTION_ID_MISMATCH,
          "transaction id is " + transactionId + ", not " + expected);
    }
    transactionId = newId;
    changed = true;
  }

  public boolean needsCheck() {
    return (flags & Superblock.FLAG_NEEDS_CHECK) != 0;
  }

  /**
   * Sets or clears NEEDS_CHECK in the committed superblock right away (no other change is
   * committed: call after {@link #abort} when marking a failure).
   */
  public void writeNeedsCheck(boolean needsCheck) {
    if (readOnly) {
      throw new MetadataStateException(MetadataStateException.Kind.READ_ONLY, "metadata is open read-only");
    }
    if (changed) {
      throw new IllegalStateException("commit or abort before changing the needs_check flag");
    }
    flags = needsCheck ? flags | Superblock.FLAG_NEEDS_CHECK : flags & ~Superblock.FLAG_NEEDS_CHECK;
    Superblock sb = committed.withFlags(flags);
    tm.commit(SuperblockValidator.INSTANCE, sb::encode);
    committed = sb;
  }

  /** The held metadata snapshot's superblock location, or 0. */
  public long heldRoot() {
    return heldRoot;
  }

  /**
   * Takes the metadata snapshot (spec 7.9): commits, then keeps a copy of the superblock whose
   * trees stay readable (dump -m, delta -m) however the live metadata changes. The caller commits
   * afterwards.
   */
  public long reserveMetadataSnap() {
    checkWritable();
    if (heldRoot != 0) {
      throw new MetadataStateException(
          MetadataStateException.Kind.SNAPSHOT_HELD,
          "a metadata snapshot is already held at block " + heldRoot);
    }
    changed = true;
    commit();
    tm.inc(0);
    TransactionManager.Shadow copy = tm.shadow(0, SuperblockValidator.INSTANCE);
    WriteBlock held = copy.block();
    Superblock.decode(held).asHeldCopy().encode(held);
    tm.inc(mappingRoot);
    tm.inc(detailsRoot);
    heldRoot = held.blocknr();
    // the commit above cleared it; without this the caller's commit would drop the snapshot
    changed = true;
    return heldRoot;
  }

  /** Drops the metadata snapshot and everything only it referenced. The caller commits. */
  public void releaseMetadataSnap() {
    checkWritable();
    if (heldRoot == 0) {
      throw new MetadataStateException(
          MetadataStateException.Kind.SNAPSHOT_NOT_HELD, "no metadata snapshot is held");
    }
    Superblock held = Superblock.decode(tm.read(heldRoot, SuperblockValidator.INSTANCE));
    topTree.deleteTree(held.dataMappingRoot());
    detailsTree.deleteTree(held.deviceDetailsRoot());
    tm.dec(heldRoot);
    heldRoot = 0;
    changed = true;
  }

  // ---------------------------------------------------------------- state for status and tools

  public Superblock committedSuperblock() {
    return committed;
  }

  public long time() {
    return time;
  }

  public long dataBlockSizeSectors() {
    return committed.dataBlockSizeSectors();
  }

  public long nrDataBlocks() {
    return data.map().nrBlocks();
  }

  public long nrFreeDataBlocks() {
    return data.map().nrFree();
  }

  public long nrMetadataBlocks() {
    return metadataSm.nrBlocks();
  }

  public long nrFreeMetadataBlocks() {
    return metadataSm.nrFree();
  }

  public boolean isReadOnly() {
    return readOnly;
  }

  /** Reads a btree node of this metadata (for tools and tests that walk trees themselves). */
  public ReadBlock blockManagerRead(long blocknr) {
    return tm.read(blocknr, NodeValidator.INSTANCE);
  }

  /** The block manager, for I/O statistics. */
  public BlockManager blockManager() {
    return bm;
  }

  /**
   * Writes dirty blocks back early when the cache is full, so a long transaction (a bulk load, a
   * huge discard) never needs its metadata in the heap. Safe: they are blocks of this transaction,
   * which the committed superblock does not reference.
   */
  private void boundDirtyBlocks() {
    tm.writeBackIfOverCapacity();
  }

  private void checkWritable() {
    if (readOnly) {
      throw new MetadataStateException(
          MetadataStateException.Kind.READ_ONLY, "metadata is open read-only");
    }
  }
}
