package dev.thinly.thin.tools;

import dev.thinly.pdata.block.ArrayBlock;
import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.codec.BlockChecksum;
import dev.thinly.pdata.codec.LittleEndian;
import dev.thinly.pdata.spacemap.disk.MetadataIndexBlock;
import dev.thinly.thin.format.BlockTime;
import dev.thinly.thin.format.Superblock;
import dev.thinly.thin.metadata.PoolMetadata;
import dev.thinly.thin.tools.CheckReport.Kind;
import dev.thinly.thin.tools.CheckReport.Severity;

/**
 * The superblock checks. thin_check (both versions) only verifies the checksum; the kernel also
 * wants the magic, location 0 and no incompatible feature bits, so those are fatal here too, as are
 * sizes the format cannot have. Unknown flags and read-only-compatible feature bits are non-fatal:
 * the pool is readable, but not as this version would write it.
 */
final class CheckSuperblock {
  private CheckSuperblock() {}

  /** Receives problems; the superblock is checked before the rest of the context exists. */
  @FunctionalInterface
  interface Problems {
    void problem(Severity severity, Kind kind, long block, String message);
  }

  /**
   * Checks a superblock read from {@code block} (0, or the held snapshot's copy). Returns the
   * decoded superblock, or null if it is too damaged to go on (checksum or magic).
   */
  static Superblock check(byte[] b, long block, boolean held, Problems p, long deviceBlocks) {
    String what = held ? "metadata snapshot superblock" : "superblock";
    int wanted = BlockChecksum.compute(b, BlockChecksum.SUPERBLOCK_SALT);
    if (BlockChecksum.stored(b) != wanted) {
      p.problem(
          Severity.FATAL,
          Kind.CHECKSUM,
          block,
          "bad checksum in "
              + what
              + " (block "
              + block
              + "), wanted "
              + Integer.toUnsignedString(wanted));
      return null;
    }
    Superblock sb = Superblock.decode(new ArrayBlock(block, b));
    long magic = LittleEndian.getLong(b, 32);
    if (magic != Superblock.MAGIC) {
      p.problem(
          Severity.FATAL,
          Kind.SUPERBLOCK,
          block,
          what
              + " has bad magic "
              + Long.toUnsignedString(magic)
              + ", wanted "
              + Superblock.MAGIC
              + ": this is not thin-pool metadata");
      return null;
    }
    long self = LittleEndian.getLong(b, 8);
    if (self != block) {
      p.problem(
          Severity.FATAL,
          Kind.BLOCKNR,
          block,
          what + " says it is block " + Long.toUnsignedString(self) + ", but it is block " + block);
    }
    if (sb.version() != 1 && sb.version() != Superblock.VERSION) {
      p.problem(
          Severity.FATAL,
          Kind.SUPERBLOCK,
          block,
          what + " has unsupported version " + sb.version());
    }
    if ((sb.flags() & ~Superblock.FLAG_NEEDS_CHECK) != 0) {
      p.problem(
          Severity.NON_FATAL,
          Kind.SUPERBLOCK,
          block,
          what + " has unknown flags 0x" + Integer.toHexString(sb.flags()));
    }
    if (sb.incompatFlags() != 0) {
      p.problem(
          Severity.FATAL,
          Kind.SUPERBLOCK,
          block,
          what
              + " has incompatible feature flags 0x"
              + Integer.toHexString(sb.incompatFlags())
              + " (the kernel refuses to open it)");
    }
    if (sb.compatRoFlags() != 0) {
      p.problem(
          Severity.NON_FATAL,
          Kind.SUPERBLOCK,
          block,
          what
              + " has read-only compatible feature flags 0x"
              + Integer.toHexString(sb.compatRoFlags())
              + " (the kernel opens it read-only)");
    }
    if (sb.metadataBlockSizeSectors() != Superblock.METADATA_BLOCK_SIZE_SECTORS) {
      p.problem(
          Severity.FATAL,
          Kind.SUPERBLOCK,
          block,
          what + " has metadata block size " + sb.metadataBlockSizeSectors() + " sectors, not 8");
    }
    long dbs = sb.dataBlockSizeSectors();
    if (dbs < PoolMetadata.MIN_DATA_BLOCK_SECTORS
        || dbs > PoolMetadata.MAX_DATA_BLOCK_SECTORS
        || dbs % PoolMetadata.MIN_DATA_BLOCK_SECTORS != 0) {
      p.problem(
          Severity.FATAL,
          Kind.SUPERBLOCK,
          block,
          what
              + " has data block size "
              + dbs
              + " sectors; it must be a multiple of 128 from 128 to 2097152");
    }
    if (!held) {
      checkSpaceMapRoots(sb, p, deviceBlocks);
    } else if (sb.heldRoot() != 0) {
      p.problem(
          Severity.FATAL,
          Kind.SUPERBLOCK,
          block,
          what + " holds a metadata snapshot itself (block " + sb.heldRoot() + ")");
    }
    return sb;
  }

  private static void checkSpaceMapRoots(Superblock sb, Problems p, long deviceBlocks) {
    long nrMeta = sb.metadataSpaceMap().nrBlocks();
    if (nrMeta == 0 || nrMeta > MetadataIndexBlock.MAX_METADATA_BLOCKS) {
      p.problem(
          Severity.FATAL,
          Kind.SUPERBLOCK,
          0,
          "the metadata space map has "
              + Long.toUnsignedString(nrMeta)
              + " blocks; it must have 1 to "
              + MetadataIndexBlock.MAX_METADATA_BLOCKS);
    } else if (nrMeta > deviceBlocks) {
      p.problem(
          Severity.FATAL,
          Kind.SUPERBLOCK,
          0,
          "the metadata space map has "
              + nrMeta
              + " blocks, but the metadata device only "
              + deviceBlocks);
    }
    if (Long.compareUnsigned(sb.dataSpaceMap().nrBlocks(), BlockTime.MAX_DATA_BLOCKS) > 0) {
      p.problem(
          Severity.FATAL,
          Kind.SUPERBLOCK,
          0,
          "the data space map has "
              + Long.toUnsignedString(sb.dataSpaceMap().nrBlocks())
              + " blocks, more than 2^40");
    }
  }
}
