package dev.thinly.thin.metadata;

import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.btree.Node;
import dev.thinly.pdata.btree.NodeValidator;
import dev.thinly.pdata.error.CorruptMetadataException;
import dev.thinly.pdata.spacemap.disk.MetadataSpaceMap;
import dev.thinly.pdata.tx.TransactionManager;
import dev.thinly.thin.format.BlockTime;

/**
 * Decides, exactly from reference counts, whether a mapped block may be written in place (dm-thin
 * approximates the same with mapping times). In place is allowed only if:
 *
 * <ul>
 *   <li>every top-level tree node on the way to the device's entry has one reference: a held
 *       metadata snapshot shares the top-level tree, not the subtrees below it, until a change
 *       copies the path, so until then a subtree root with one reference is still seen by it;
 *   <li>every node from the device's subtree root to the leaf, and the data block, has one
 *       reference now (a node shared with a snapshot makes everything below it shared; a leaf
 *       copied when sharing broke holds its own reference on each data block, so the data count
 *       tells whether another leaf maps it);
 *   <li>and none of them lost a reference in this transaction: such a block may still be reachable
 *       from another device in the last committed state (say the other device broke sharing a
 *       moment ago), and after a crash that state is what the pool returns to, so the block must
 *       stay as it was until the next commit.
 * </ul>
 *
 * Reads only; cost: two root-to-leaf walks and one count lookup per node.
 */
final class WriteTargets {
  private static final int MAX_DEPTH = 64;

  private final TransactionManager tm;
  private final MetadataSpaceMap metadataSm;
  private final DataSpace data;

  WriteTargets(TransactionManager tm, MetadataSpaceMap metadataSm, DataSpace data) {
    this.tm = tm;
    this.metadataSm = metadataSm;
    this.data = data;
  }

  WriteTarget lookup(long mappingRoot, long thinId, long subtreeRoot, long thinBlock) {
    long block = subtreeRoot;
    boolean exclusive = topLevelPathUnshared(mappingRoot, thinId);
    for (int depth = 0; depth <= MAX_DEPTH; depth++) {
      exclusive &= metadataSm.count(block) == 1 && !metadataSm.decreasedThisTransaction(block);
      ReadBlock n = tm.read(block, NodeValidator.INSTANCE);
      int i = Node.lowerBound(n, thinBlock);
      if (i < 0) {
        return WriteTarget.UNMAPPED;
      }
      if (Node.isLeaf(n)) {
        if (Node.key(n, i) != thinBlock) {
          return WriteTarget.UNMAPPED;
        }
        long blockTime = n.getLong(Node.valueOffset(n, i));
        long dataBlock = BlockTime.dataBlock(blockTime);
        exclusive &= data.count(dataBlock) == 1 && !data.decreasedThisTransaction(dataBlock);
        return new WriteTarget(blockTime, exclusive);
      }
      block = Node.child(n, i);
    }
    throw new CorruptMetadataException(subtreeRoot, "btree node", "mapping tree deeper than " + MAX_DEPTH + " levels");
  }

  private boolean topLevelPathUnshared(long mappingRoot, long thinId) {
    long block = mappingRoot;
    for (int depth = 0; depth <= MAX_DEPTH; depth++) {
      if (metadataSm.count(block) != 1) {
        return false;
      }
      ReadBlock n = tm.read(block, NodeValidator.INSTANCE);
      if (Node.isLeaf(n)) {
        return true;
      }
      block = Node.child(n, Math.max(0, Node.lowerBound(n, thinId)));
    }
    throw new CorruptMetadataException(mappingRoot, "btree node", "top-level mapping tree deeper than " + MAX_DEPTH + " levels");
  }
}
