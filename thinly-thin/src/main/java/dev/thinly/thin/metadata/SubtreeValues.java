package dev.thinly.thin.metadata;

import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.btree.BTree;
import dev.thinly.pdata.btree.ValueType;
import dev.thinly.pdata.tx.TransactionManager;

/**
 * Values of the top-level mapping tree: the root of a device's mapping subtree, which holds one
 * metadata reference on that root. Dropping the value deletes the subtree as far as nobody else
 * shares it (spec 7.3).
 */
final class SubtreeValues implements ValueType {
  private final TransactionManager tm;
  private final BTree mappingTree;

  SubtreeValues(TransactionManager tm, BTree mappingTree) {
    this.tm = tm;
    this.mappingTree = mappingTree;
  }

  @Override
  public int sizeBytes() {
    return 8;
  }

  @Override
  public void inc(ReadBlock leaf, int offset) {
    tm.inc(leaf.getLong(offset));
  }

  @Override
  public void dec(ReadBlock leaf, int offset) {
    mappingTree.deleteTree(leaf.getLong(offset));
  }
}
