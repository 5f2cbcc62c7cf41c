package dev.thinly.thin.metadata;

import dev.thinly.pdata.block.BlockManager;
import dev.thinly.pdata.btree.BTreeBuilder;
import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.pdata.io.BlockDevice;
import dev.thinly.pdata.spacemap.disk.MetadataIndexBlock;
import dev.thinly.pdata.spacemap.disk.SpaceMapRoot;
import dev.thinly.pdata.tx.TransactionManager;
import dev.thinly.thin.format.BlockTime;
import dev.thinly.thin.format.DeviceDetails;
import dev.thinly.thin.format.Superblock;
import dev.thinly.thin.format.SuperblockValidator;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes a complete pool in one pass, bottom-up, the way a restore does (spec 10.2): each
 * device's mappings arrive in ascending order and become leaves as they come, shared defs are
 * built once and linked into every device that refers to them, and at the end the top-level and
 * details trees, both space maps and finally the superblock are written. No node is written twice
 * and nothing is inserted into an existing tree.
 *
 * <p>Memory: a few leaves of pending mappings, one leaf list per device being built, the
 * devices' roots and details, metadata reference counts (4 bytes per metadata block) and data
 * reference counts ({@link DataBlockCounts}, about one byte per data block in use). Blocks go to
 * the device through the bounded block cache as they are completed.
 *
 * <p>Usage: {@link #start}, then for each def {@link #beginDef} / {@link #map}... / {@link #endDef}
 * (defs first), then for each device {@link #beginDevice} / ({@link #map} | {@link #refDef})... /
 * {@link #endDevice}, then {@link #commit}. Until the commit writes the superblock, block 0 holds
 * zeros, so an interrupted build never looks like valid metadata. Not thread-safe.
 */
public final class PoolBuilder implements AutoCloseable {
  /** Superblock fields taken from the input. */
  public record Header(
      long dataBlockSizeSectors, long nrDataBlocks, long time, long transactionId, int flags) {}

  /** What was written. */
  public record Summary(
      long metadataBlocks, long metadataBlocksUsed, long devices, long mappings, long dataBlocksUsed) {}

  private final BlockManager bm;
  private final TransactionManager tm;
  private final BulkSpaceMap sm;
  private final Header header;
  private final DataBlockCounts dataCounts = new DataBlockCounts();
  private final Map<String, SharedLeaves> defs = new HashMap<>();
  private final DeviceList devices = new DeviceList();
  private SharedLeaves currentDef;
  private LeafPacker defPacker;
  private SubtreeBuilder currentDevice;
  private long currentThinId;
  private DeviceDetails currentDetails;
  private long mappings;

  private PoolBuilder(BlockDevice device, boolean growable, long cacheBytes, Header header) {
    this.header = header;
    device.write(0, ByteBuffer.allocate(BlockManager.BLOCK_SIZE));
    device.flush();
    this.bm = new BlockManager(device, cacheBytes);
    this.tm = new TransactionManager(bm);
    this.sm = new BulkSpaceMap(device, growable);
    tm.setSpaceMap(sm);
  }

  /**
   * Starts building on {@code device}, whose first block is zeroed at once. A {@code growable}
   * device (a regular file) is extended as needed and sized at the end (see {@link #commit});
   * otherwise the pool must fit the device as it is.
   */
  public static PoolBuilder start(BlockDevice device, boolean growable, long cacheBytes, Header header) {
    if (header.nrDataBlocks() < 0 || header.nrDataBlocks() > BlockTime.MAX_DATA_BLOCKS) {
      throw new InvalidRequestException("a pool holds at most 2^40 data blocks");
    }
    if (device.sizeBytes() < BlockManager.BLOCK_SIZE) {
      device.grow(BlockManager.BLOCK_SIZE);
    }
    return new PoolBuilder(device, growable, cacheBytes, header);
  }

  // ---------------------------------------------------------------- defs

  public void beginDef(String name) {
    checkIdle();
    if (defs.containsKey(name)) {
      throw new InvalidRequestException("def " + name + " is defined twice");
    }
    currentDef = new SharedLeaves(name);
    defPacker = new LeafPacker(tm, null);
  }

  public void endDef() {
    if (currentDef == null) {
      throw new IllegalStateException("no def is open");
    }
    defPacker.flush(currentDef::add);
    defs.put(currentDef.name, currentDef);
    currentDef = null;
    defPacker = null;
  }

  // ---------------------------------------------------------------- devices

  public void beginDevice(long thinId, long transactionId, long creationTime, long snapshottedTime) {
    checkIdle();
    currentThinId = thinId;
    currentDetails = new DeviceDetails(0, transactionId, creationTime, snapshottedTime);
    currentDevice = new SubtreeBuilder(tm, dataCounts);
  }

  /** Maps {@code thinBlock} (above the current device's or def's previous one) to a data block. */
  public void map(long thinBlock, long dataBlock, long time) {
    if (dataBlock < 0 || dataBlock >= header.nrDataBlocks()) {
      throw new InvalidRequestException(
          "data block " + dataBlock + " is beyond the " + header.nrDataBlocks() + " blocks of the pool");
    }
    long value = BlockTime.pack(dataBlock, time);
    if (currentDevice != null) {
      currentDevice.add(thinBlock, value);
    } else if (currentDef != null) {
      defPacker.push(thinBlock, value, currentDef::add);
    } else {
      throw new IllegalStateException("a mapping outside a device or def");
    }
    mappings++;
  }

  /** Maps {@code lenBlocks} consecutive thin blocks to consecutive data blocks. */
  public void mapRun(long thinBegin, long dataBegin, long lenBlocks, long time) {
    for (long i = 0; i < lenBlocks; i++) {
      map(thinBegin + i, dataBegin + i, time);
    }
  }

  /** Includes the def {@code name} in the current device. */
  public void refDef(String name) {
    if (currentDevice == null) {
      throw new IllegalStateException("a ref outside a device");
    }
    SharedLeaves def = defs.get(name);
    if (def == null) {
      throw new InvalidRequestException("no def named " + name);
    }
    currentDevice.addShared(def);
  }

  public void endDevice() {
    if (currentDevice == null) {
      throw new IllegalStateException("no device is open");
    }
    long root = currentDevice.finish();
    devices.add(currentThinId, root, currentDetails.withMappedBlocks(currentDevice.mappedBlocks()));
    currentDevice = null;
  }

  private void checkIdle() {
    if (currentDevice != null || currentDef != null) {
      throw new IllegalStateException("a device or def is still open");
    }
  }

  // ---------------------------------------------------------------- the end

  /**
   * Writes the top-level and details trees, both space maps, flushes, and writes the superblock
   * last. On a growable device the metadata ends up {@code max(estimateBlocks, 1.25 x the blocks
   * used)} blocks long, rounded up to whole MiB; otherwise it is the device's size.
   */
  public Summary commit(long estimateBlocks) {
    checkIdle();
    devices.sort();
    BTreeBuilder top = new BTreeBuilder(tm, 8);
    BTreeBuilder details = new BTreeBuilder(tm, DeviceDetails.SIZE);
    for (int i = 0; i < devices.size(); i++) {
      top.addLong(devices.thinId(i), devices.root(i));
      details.add(devices.thinId(i), devices.details(i).encode());
    }
    long mappingRoot = top.build();
    long detailsRoot = details.build();
    for (SharedLeaves def : defs.values()) {
      for (int i = 0; i < def.nrLeaves(); i++) {
        tm.dec(def.blocks.get(i)); // the def's own hold; linked leaves keep their parents'
      }
    }
    SpaceMapRoot dataRoot = SpaceMapWriter.writeDataSpaceMap(tm, dataCounts, header.nrDataBlocks());
    long nrMetadataBlocks = finalSize(estimateBlocks);
    SpaceMapRoot metadataRoot = SpaceMapWriter.writeMetadataSpaceMap(tm, sm, nrMetadataBlocks);
    Superblock sb =
        new Superblock(
            header.flags(), new byte[16], Superblock.VERSION, header.time(), header.transactionId(),
            0, dataRoot, metadataRoot, mappingRoot, detailsRoot, header.dataBlockSizeSectors(),
            Superblock.METADATA_BLOCK_SIZE_SECTORS, nrMetadataBlocks, 0, 0, 0);
    tm.commit(SuperblockValidator.INSTANCE, sb::encode);
    return new Summary(
        nrMetadataBlocks, metadataRoot.nrAllocated(), devices.size(), mappings, dataRoot.nrAllocated());
  }

  /**
   * The size of the metadata space map. A fixed device is used whole. A growable one gets room to
   * spare: the space map's own blocks still have to be allocated, and a kernel keeps a reserve.
   */
  private long finalSize(long estimateBlocks) {
    if (sm.growable()) {
      long wanted = Math.max(estimateBlocks, sm.used() * 5 / 4 + 64);
      wanted = Math.min((wanted + 255) / 256 * 256, MetadataIndexBlock.MAX_METADATA_BLOCKS);
      sm.resizeFinal(wanted);
    }
    return sm.nrBlocks();
  }

  /**
   * The metadata size thin_metadata_size suggests (spec 8.7) for a pool of {@code nrDataBlocks}
   * and {@code nrDevices} thin devices, in 4 KiB blocks: one leaf entry per data block in half-full
   * leaves, plus a root per device and the superblock.
   */
  public static long estimateBlocks(long nrDataBlocks, long nrDevices) {
    long blocks = 1 + (nrDataBlocks + 125) / 126 + nrDevices;
    return Math.min(blocks, MetadataIndexBlock.MAX_METADATA_BLOCKS);
  }

  /** Releases the block cache and closes the device (whatever was not committed is lost). */
  @Override
  public void close() {
    bm.close();
  }
}
