package dev.thinly.thin.tools;

import dev.thinly.pdata.block.BlockManager;
import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.btree.Node;
import dev.thinly.pdata.btree.NodeValidator;
import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.pdata.io.BlockDevice;
import dev.thinly.pdata.io.FileBlockDevice;
import dev.thinly.thin.format.Superblock;
import dev.thinly.thin.format.SuperblockValidator;
import dev.thinly.thin.metadata.MetadataStateException;
import dev.thinly.thin.metadata.ThinDeviceException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;

/**
 * Compares the mappings of two thin devices, with the output of thin_delta 0.9.0 (spec 8.5): per
 * virtual block, both map the same data block ({@code same}), different ones ({@code different}),
 * or only one side maps it ({@code left_only}, {@code right_only}); ranges of one kind are joined
 * (and, verbose, split where a side's data blocks stop being consecutive, with their data blocks).
 *
 * <p>Subtrees the two devices share (a snapshot and its origin share all but the paths to what
 * changed) are not read: see {@link DeltaWalker}. Their mappings are printed as {@code same} over
 * their key range when that is provably exact: each side's {@code mapped_blocks} minus the mappings
 * read must equal the total width of the shared ranges, which can only hold when every shared range
 * is fully mapped. Otherwise (sparse devices), and always with {@code --verbose} (which prints
 * their data blocks), the shared subtrees' leaves are read afterwards, still without comparing
 * anything. So the cost follows what differs for densely mapped devices, and the output is always
 * 0.9.0's.
 */
public final class Delta {
  private Delta() {}

  /** What the walk cost. */
  public record Result(long blocksRead, long sharedWidth, boolean readSharedLeaves) {}

  public static Result run(Path metadata, DeltaOptions options, Writer out) {
    try (BlockDevice device = FileBlockDevice.open(metadata, true)) {
      return run(device, options, out);
    }
  }

  /**
   * Writes the delta to {@code out}.
   *
   * @throws ThinDeviceException if a device does not exist
   * @throws MetadataStateException if a metadata snapshot is asked for and none is held
   * @throws dev.thinly.pdata.error.CorruptMetadataException if the trees are damaged
   */
  public static Result run(BlockDevice device, DeltaOptions options, Writer out) {
    BlockManager bm = new BlockManager(device, options.cacheBytes());
    Superblock live = Superblock.decode(bm.read(0, SuperblockValidator.INSTANCE));
    Superblock sb = live;
    if (options.metadataSnap()) {
      if (live.heldRoot() == 0) {
        throw new MetadataStateException(
            MetadataStateException.Kind.SNAPSHOT_NOT_HELD, "no current metadata snap");
      }
      if (options.metadataSnapBlock() != null && options.metadataSnapBlock() != live.heldRoot()) {
        throw new InvalidRequestException(
            "metadata snapshot does not match that in superblock (it is block "
                + live.heldRoot()
                + ")");
      }
      sb = Superblock.decode(bm.read(live.heldRoot(), SuperblockValidator.INSTANCE));
    }
    long leftRoot = subtreeRoot(bm, sb, options.thin1());
    long rightRoot = subtreeRoot(bm, sb, options.thin2());
    DeltaPieces pieces = new DeltaPieces();
    DeltaWalker walker = new DeltaWalker(bm, leftRoot, rightRoot, pieces);
    walker.run();
    boolean dense =
        !options.verbose()
            && pieces.anyShared()
            && mappedBlocks(bm, sb, options.thin1()) - walker.leftEntries() == pieces.sharedWidth()
            && mappedBlocks(bm, sb, options.thin2()) - walker.rightEntries()
                == pieces.sharedWidth();
    boolean readShared = pieces.anyShared() && !dense;
    try {
      DeltaXml xml = new DeltaXml(out, options.verbose());
      xml.begin(
          sb,
          options.metadataSnap() ? 0 : live.dataSpaceMap().nrBlocks(),
          options.metadataSnap() ? 0 : live.heldRoot(),
          options.thin1(),
          options.thin2());
      DeltaPieces.Merger merger = new DeltaPieces.Merger(options.verbose(), xml::range);
      pieces.replay(
          new DeltaPieces.Sink() {
            @Override
            public void piece(byte kind, long begin, long length, long leftData, long rightData) {
              merger.add(kind, begin, length, leftData, rightData);
            }

            @Override
            public void shared(long block, long lowKey, long highKey) {
              if (readShared) {
                walker.enumerate(block, merger::add, 0);
              } else {
                merger.add(DeltaPieces.SAME, lowKey, highKey - lowKey, 0, 0);
              }
            }
          });
      merger.flush();
      xml.end();
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Result(bm.deviceReads(), pieces.sharedWidth(), readShared);
  }

  private static long subtreeRoot(BlockManager bm, Superblock sb, long thinId) {
    ReadBlock leaf = find(bm, sb.dataMappingRoot(), thinId);
    if (leaf == null) {
      throw new ThinDeviceException(thinId, ThinDeviceException.Problem.UNKNOWN);
    }
    return leaf.getLong(Node.valueOffset(leaf, Node.indexOf(leaf, thinId)));
  }

  /** The device's mapped_blocks from the details tree, or -1 if it has no details. */
  private static long mappedBlocks(BlockManager bm, Superblock sb, long thinId) {
    ReadBlock leaf = find(bm, sb.deviceDetailsRoot(), thinId);
    return leaf == null ? -1 : leaf.getLong(Node.valueOffset(leaf, Node.indexOf(leaf, thinId)));
  }

  /** The leaf holding {@code key}, or null. */
  private static ReadBlock find(BlockManager bm, long root, long key) {
    ReadBlock n = bm.read(root, NodeValidator.INSTANCE);
    for (int depth = 0; depth < 64; depth++) {
      int i = Node.lowerBound(n, key);
      if (i < 0) {
        return null;
      }
      if (Node.isLeaf(n)) {
        return Node.key(n, i) == key ? n : null;
      }
      n = bm.read(Node.child(n, i), NodeValidator.INSTANCE);
    }
    return null;
  }
}
