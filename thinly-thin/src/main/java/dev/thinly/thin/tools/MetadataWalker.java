package dev.thinly.thin.tools;

import com.carrotsearch.hppc.LongArrayList;
import com.carrotsearch.hppc.LongHashSet;
import dev.thinly.pdata.block.BlockManager;
import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.btree.BTree;
import dev.thinly.pdata.btree.BTreeWalker;
import dev.thinly.pdata.btree.Node;
import dev.thinly.pdata.btree.NodeValidator;
import dev.thinly.pdata.btree.ValueType;
import dev.thinly.pdata.error.CorruptMetadataException;
import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.pdata.io.FileBlockDevice;
import dev.thinly.pdata.tx.TransactionManager;
import dev.thinly.thin.format.BlockTime;
import dev.thinly.thin.format.DeviceDetails;
import dev.thinly.thin.format.Superblock;
import dev.thinly.thin.format.SuperblockValidator;
import dev.thinly.thin.ir.DeviceAttrs;
import dev.thinly.thin.ir.MetadataVisitor;
import dev.thinly.thin.ir.RunMerger;
import dev.thinly.thin.ir.SuperblockAttrs;
import dev.thinly.thin.ir.Visit;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads a pool's metadata without changing it (the file is opened read-only): the superblock or a
 * metadata snapshot's copy of it, the details tree, the top-level mapping tree and each device's
 * mapping subtree. Only the trees are read, never the space maps, so a held snapshot (whose space
 * map roots are zero) reads like a pool. Every block read is validated (checksum, location, node
 * header); damage is a {@link CorruptMetadataException}.
 */
public final class MetadataWalker implements AutoCloseable {
  /** Default block cache for the read-only tools. */
  public static final long CACHE_BYTES = 64L << 20;

  /** Receives one device's mappings in ascending order; returns false to stop. */
  @FunctionalInterface
  public interface MappingSink {
    boolean mapping(long thinBlock, long blockTime);
  }

  /** Receives devices from the details tree in ascending id order; returns false to stop. */
  @FunctionalInterface
  public interface DetailsSink {
    boolean device(long thinId, DeviceDetails details);
  }

  private final BlockManager bm;
  private final BTree topTree;
  private final BTree mappingTree;
  private final BTree detailsTree;
  private final Superblock sb;

  private MetadataWalker(BlockManager bm, OptionalLong snapshot) {
    this.bm = bm;
    TransactionManager tm = new TransactionManager(bm);
    this.topTree = new BTree(tm, ValueType.plain(8));
    this.mappingTree = new BTree(tm, ValueType.plain(8));
    this.detailsTree = new BTree(tm, ValueType.plain(DeviceDetails.SIZE));
    Superblock live = Superblock.decode(bm.read(0, SuperblockValidator.INSTANCE));
    if (snapshot.isEmpty()) {
      this.sb = live;
      return;
    }
    long at = snapshot.getAsLong() < 0 ? live.heldRoot() : snapshot.getAsLong();
    if (at == 0) {
      throw new InvalidRequestException("the metadata holds no metadata snapshot");
    }
    this.sb = Superblock.decode(bm.read(at, SuperblockValidator.INSTANCE));
  }

  /**
   * Opens {@code path} read-only. {@code snapshot}: empty for the live metadata, -1 for the held
   * metadata snapshot, or the block of a snapshot superblock.
   */
  public static MetadataWalker open(Path path, OptionalLong snapshot) {
    FileBlockDevice device = FileBlockDevice.open(path, true);
    try {
      if (device.sizeBytes() < BlockManager.BLOCK_SIZE) {
        throw new CorruptMetadataException(
            0, "superblock", "the metadata is " + device.sizeBytes() + " bytes, less than one block");
      }
      return new MetadataWalker(new BlockManager(device, CACHE_BYTES), snapshot);
    } catch (RuntimeException e) {
      device.close();
      throw e;
    }
  }

  public Superblock superblock() {
    return sb;
  }

  /** The superblock as dump shows it; a snapshot copy has no data space map: 0 data blocks. */
  public SuperblockAttrs superblockAttrs() {
    long nrDataBlocks = sb.dataSpaceMap() == null ? 0 : sb.dataSpaceMap().nrBlocks();
    return SuperblockAttrs.of(
        sb.time(), sb.transactionId(), Integer.toUnsignedLong(sb.flags()),
        Integer.toUnsignedLong(sb.version()), sb.dataBlockSizeSectors(), nrDataBlocks);
  }

  /** Device ids of the top-level mapping tree, ascending. */
  public long[] thinIds() {
    LongArrayList ids = new LongArrayList();
    BTreeWalker.forEach(
        topTree,
        sb.dataMappingRoot(),
        (k, leaf, off) -> {
          ids.add(k);
          return true;
        });
    return ids.toArray();
  }

  /** The root of a device's mapping subtree, if the top-level tree has the device. */
  public OptionalLong subtreeRoot(long thinId) {
    return topTree.lookupLong(sb.dataMappingRoot(), thinId);
  }

  public Optional<DeviceDetails> details(long thinId) {
    return detailsTree.lookup(sb.deviceDetailsRoot(), thinId).map(b -> DeviceDetails.decode(b, 0));
  }

  /** Every entry of the details tree, ascending. */
  public void forEachDetails(DetailsSink sink) {
    byte[] buf = new byte[DeviceDetails.SIZE];
    BTreeWalker.forEach(
        detailsTree,
        sb.deviceDetailsRoot(),
        (k, leaf, off) -> {
          leaf.copyTo(off, buf, 0, buf.length);
          return sink.device(k, DeviceDetails.decode(buf, 0));
        });
  }

  /** The mappings under {@code subtreeRoot}, ascending; false if the sink stopped. */
  public boolean forEachMapping(long subtreeRoot, MappingSink sink) {
    boolean[] completed = {true};
    BTreeWalker.forEach(
        mappingTree,
        subtreeRoot,
        (k, leaf, off) -> {
          boolean more = sink.mapping(k, leaf.getLong(off));
          completed[0] = more;
          return more;
        });
    return completed[0];
  }

  /**
   * Like {@link #forEachMapping}, but skips every node already in {@code seen} (and adds the nodes
   * it visits): across several devices, a node they share is visited under the first one only, as
   * thin_rmap's walk does.
   */
  public void forEachMappingOnce(long subtreeRoot, LongHashSet seen, MappingSink sink) {
    walkOnce(subtreeRoot, seen, sink, 0);
  }

  private boolean walkOnce(long block, LongHashSet seen, MappingSink sink, int depth) {
    if (depth > 64) {
      throw new CorruptMetadataException(block, "btree", "tree deeper than 64 levels (a cycle?)");
    }
    if (!seen.add(block)) {
      return true;
    }
    ReadBlock n = bm.read(block, NodeValidator.INSTANCE);
    int nr = Node.nrEntries(n);
    for (int i = 0; i < nr; i++) {
      boolean more =
          Node.isLeaf(n)
              ? sink.mapping(Node.key(n, i), n.getLong(Node.valueOffset(n, i)))
              : walkOnce(Node.child(n, i), seen, sink, depth + 1);
      if (!more) {
        return false;
      }
    }
    return true;
  }

  /**
   * Feeds the pool to {@code v} as thin_dump does: devices in the order of the top-level tree
   * (optionally only {@code onlyThinId}), each with its details and its mappings merged into runs.
   */
  public void walk(MetadataVisitor v, OptionalLong onlyThinId, boolean skipMappings) {
    if (v.superblockBegin(superblockAttrs()) == Visit.STOP) {
      return;
    }
    boolean[] go = {true};
    BTreeWalker.forEach(
        topTree,
        sb.dataMappingRoot(),
        (thinId, leaf, off) -> {
          if (onlyThinId.isPresent() && onlyThinId.getAsLong() != thinId) {
            return true;
          }
          go[0] = device(v, thinId, leaf, off, skipMappings);
          return go[0];
        });
    if (go[0] && v.superblockEnd() == Visit.CONTINUE) {
      v.eof();
    }
  }

  private boolean device(MetadataVisitor v, long thinId, ReadBlock leaf, int off, boolean skipMappings) {
    long root = leaf.getLong(off);
    DeviceDetails d =
        details(thinId)
            .orElseThrow(
                () ->
                    new CorruptMetadataException(
                        sb.deviceDetailsRoot(), "device details tree",
                        "mappings present for device " + thinId + ", but it isn't present in the device tree"));
    DeviceAttrs attrs =
        new DeviceAttrs(thinId, d.mappedBlocks(), d.transactionId(), d.creationTime(), d.snapshottedTime());
    if (v.deviceBegin(attrs) == Visit.STOP) {
      return false;
    }
    if (!skipMappings) {
      RunMerger runs = new RunMerger(v);
      boolean completed =
          forEachMapping(
              root,
              (thinBlock, bt) ->
                  runs.add(thinBlock, BlockTime.dataBlock(bt), BlockTime.time(bt)) == Visit.CONTINUE);
      if (!completed || runs.flush() == Visit.STOP) {
        return false;
      }
    }
    return v.deviceEnd() == Visit.CONTINUE;
  }

  /** Closes the metadata file. */
  @Override
  public void close() {
    bm.close();
  }
}
