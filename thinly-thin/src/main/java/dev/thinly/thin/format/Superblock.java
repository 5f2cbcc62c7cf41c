package dev.thinly.thin.format;

import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.block.WriteBlock;
import dev.thinly.pdata.spacemap.disk.SpaceMapRoot;

/**
 * The thin-pool superblock (metadata block 0; also the held metadata-snapshot copy).
 *
 * <pre>
 * offset size field
 *      0    4 csum                    salted CRC-32C (salt 160774), set at write-back
 *      4    4 flags                   bit 0 = NEEDS_CHECK
 *      8    8 blocknr                 own location (0, or the held copy's location)
 *     16   16 uuid                    unused by the kernel; kept as read
 *     32    8 magic                   27022010
 *     40    4 version                 2
 *     44    4 time                    snapshots ever taken
 *     48    8 trans_id                userspace transaction id
 *     56    8 held_root               location of the held superblock copy, 0 = none
 *     64  128 data_space_map_root     32-byte {@link SpaceMapRoot} + 96 zero bytes
 *    192  128 metadata_space_map_root 32-byte {@link SpaceMapRoot} + 96 zero bytes
 *    320    8 data_mapping_root       top-level mapping tree (thin id to subtree root)
 *    328    8 device_details_root     details tree (thin id to {@link DeviceDetails})
 *    336    4 data_block_size         in 512-byte sectors
 *    340    4 metadata_block_size     8 (sectors)
 *    344    8 metadata_nr_blocks      metadata blocks at format time (not updated on growth)
 *    352    4 compat_flags            0
 *    356    4 compat_ro_flags         0 (non-zero: read-only access only)
 *    360    4 incompat_flags          0 (non-zero: refuse to open)
 * </pre>
 *
 * The structure is 364 bytes, under one sector, so its write is atomic; the rest of the block is
 * zero.
 */
public record Superblock(
    int flags,
    byte[] uuid,
    int version,
    long time,
    long transactionId,
    long heldRoot,
    SpaceMapRoot dataSpaceMap,
    SpaceMapRoot metadataSpaceMap,
    long dataMappingRoot,
    long deviceDetailsRoot,
    long dataBlockSizeSectors,
    long metadataBlockSizeSectors,
    long metadataNrBlocks,
    int compatFlags,
    int compatRoFlags,
    int incompatFlags) {

  public static final long MAGIC = 27022010L;
  public static final int VERSION = 2;
  public static final int FLAG_NEEDS_CHECK = 1;
  public static final int METADATA_BLOCK_SIZE_SECTORS = 8;
  /** Bytes of the superblock that carry fields; the rest of the block is zero. */
  public static final int SIZE = 364;

  static final int FLAGS = 4;
  static final int UUID = 16;
  static final int MAGIC_OFFSET = 32;
  static final int VERSION_OFFSET = 40;
  static final int TIME = 44;
  static final int TRANS_ID = 48;
  static final int HELD_ROOT = 56;
  static final int DATA_SM_ROOT = 64;
  static final int METADATA_SM_ROOT = 192;
  static final int SM_ROOT_AREA = 128;
  static final int DATA_MAPPING_ROOT = 320;
  static final int DEVICE_DETAILS_ROOT = 328;
  static final int DATA_BLOCK_SIZE = 336;
  static final int METADATA_BLOCK_SIZE = 340;
  static final int METADATA_NR_BLOCKS = 344;
  static final int COMPAT_FLAGS = 352;
  static final int COMPAT_RO_FLAGS = 356;
  static final int INCOMPAT_FLAGS = 360;

  public Superblock {
    uuid = uuid.clone();
  }

  @Override
  public byte[] uuid() {
    return uuid.clone();
  }

  public boolean needsCheck() {
    return (flags & FLAG_NEEDS_CHECK) != 0;
  }

  /** Reads the fields; the validator has already checked checksum, location and magic. */
  public static Superblock decode(ReadBlock b) {
    byte[] uuid = new byte[16];
    b.copyTo(UUID, uuid, 0, 16);
    return new Superblock(
        b.getInt(FLAGS),
        uuid,
        b.getInt(VERSION_OFFSET),
        b.getU32(TIME),
        b.getLong(TRANS_ID),
        b.getLong(HELD_ROOT),
        SpaceMapRoot.decode(b, DATA_SM_ROOT),
        SpaceMapRoot.decode(b, METADATA_SM_ROOT),
        b.getLong(DATA_MAPPING_ROOT),
        b.getLong(DEVICE_DETAILS_ROOT),
        b.getU32(DATA_BLOCK_SIZE),
        b.getU32(METADATA_BLOCK_SIZE),
        b.getLong(METADATA_NR_BLOCKS),
        b.getInt(COMPAT_FLAGS),
        b.getInt(COMPAT_RO_FLAGS),
        b.getInt(INCOMPAT_FLAGS));
  }

  /** Writes every field into a zero-filled block (checksum and location come at write-back). */
  public void encode(WriteBlock b) {
    b.putInt(FLAGS, flags);
    b.copyFrom(UUID, uuid, 0, 16);
    b.putLong(MAGIC_OFFSET, MAGIC);
    b.putInt(VERSION_OFFSET, version);
    b.putInt(TIME, (int) time);
    b.putLong(TRANS_ID, transactionId);
    b.putLong(HELD_ROOT, heldRoot);
    b.zero(DATA_SM_ROOT, SM_ROOT_AREA);
    if (dataSpaceMap != null) {
      dataSpaceMap.encode(b, DATA_SM_ROOT);
    }
    b.zero(METADATA_SM_ROOT, SM_ROOT_AREA);
    if (metadataSpaceMap != null) {
      metadataSpaceMap.encode(b, METADATA_SM_ROOT);
    }
    b.putLong(DATA_MAPPING_ROOT, dataMappingRoot);
    b.putLong(DEVICE_DETAILS_ROOT, deviceDetailsRoot);
    b.putInt(DATA_BLOCK_SIZE, (int) dataBlockSizeSectors);
    b.putInt(METADATA_BLOCK_SIZE, (int) metadataBlockSizeSectors);
    b.putLong(METADATA_NR_BLOCKS, metadataNrBlocks);
    b.putInt(COMPAT_FLAGS, compatFlags);
    b.putInt(COMPAT_RO_FLAGS, compatRoFlags);
    b.putInt(INCOMPAT_FLAGS, incompatFlags);
  }

  public Superblock withFlags(int newFlags) {
    return new Superblock(
        newFlags, uuid, version, time, transactionId, heldRoot, dataSpaceMap, metadataSpaceMap,
        dataMappingRoot, deviceDetailsRoot, dataBlockSizeSectors, metadataBlockSizeSectors,
        metadataNrBlocks, compatFlags, compatRoFlags, incompatFlags);
  }

  /** The copy kept as a metadata snapshot: no space maps (it is not a usable pool), no held root. */
  public Superblock asHeldCopy() {
    return new Superblock(
        flags, uuid, version, time, transactionId, 0, null, null, dataMappingRoot,
        deviceDetailsRoot, dataBlockSizeSectors, metadataBlockSizeSectors, metadataNrBlocks,
        compatFlags, compatRoFlags, incompatFlags);
  }

  /** Data block size in bytes. */
  public long dataBlockSizeBytes() {
    return dataBlockSizeSectors * 512;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Superblock s
        && flags == s.flags
        && java.util.Arrays.equals(uuid, s.uuid)
        && version == s.version
        && time == s.time
        && transactionId == s.transactionId
        && heldRoot == s.heldRoot
        && java.util.Objects.equals(dataSpaceMap, s.dataSpaceMap)
        && java.util.Objects.equals(metadataSpaceMap, s.metadataSpaceMap)
        && dataMappingRoot == s.dataMappingRoot
        && deviceDetailsRoot == s.deviceDetailsRoot
        && dataBlockSizeSectors == s.dataBlockSizeSectors
        && metadataBlockSizeSectors == s.metadataBlockSizeSectors
        && metadataNrBlocks == s.metadataNrBlocks
        && compatFlags == s.compatFlags
        && compatRoFlags == s.compatRoFlags
        && incompatFlags == s.incompatFlags;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(transactionId, dataMappingRoot, deviceDetailsRoot, time);
  }

  @Override
  public String toString() {
    return "Superblock[time=" + time + ", trans_id=" + transactionId + ", flags=" + flags
        + ", held_root=" + heldRoot + ", mapping_root=" + dataMappingRoot + ", details_root="
        + deviceDetailsRoot + ", data_block_size=" + dataBlockSizeSectors + ", data_sm="
        + dataSpaceMap + ", metadata_sm=" + metadataSpaceMap + "]";
  }
}
