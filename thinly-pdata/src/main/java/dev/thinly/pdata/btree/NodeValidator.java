package dev.thinly.pdata.btree;

import dev.thinly.pdata.block.BlockManager;
import dev.thinly.pdata.block.SaltedValidator;
import dev.thinly.pdata.codec.BlockChecksum;
import dev.thinly.pdata.codec.LittleEndian;
import dev.thinly.pdata.error.CorruptMetadataException;

/**
 * Validates btree nodes: checksum and location (inherited), then a header that could not lead a
 * reader out of the block: exactly one of INTERNAL/LEAF, {@code max_entries} a multiple of 3 that
 * fits, {@code nr_entries <= max_entries}, value size 8 in internal nodes. Key order and fill are
 * the checker's business (they need the parent's context).
 */
public final class NodeValidator extends SaltedValidator {
  public static final NodeValidator INSTANCE = new NodeValidator();

  private NodeValidator() {
    super("btree node", BlockChecksum.BTREE_NODE_SALT);
  }

  @Override
  protected void checkContent(long blocknr, byte[] data) {
    int flags = LittleEndian.getInt(data, Node.FLAGS);
    int nr = LittleEndian.getInt(data, Node.NR_ENTRIES);
    int max = LittleEndian.getInt(data, Node.MAX_ENTRIES);
    int vs = LittleEndian.getInt(data, Node.VALUE_SIZE);
    if (flags != Node.INTERNAL && flags != Node.LEAF) {
      throw new CorruptMetadataException(
          blocknr,
          name(),
          flags == (Node.INTERNAL | Node.LEAF) ? "node is both internal and leaf" : "unknown node type");
    }
    if (max <= 0 || max % 3 != 0) {
      throw new CorruptMetadataException(blocknr, name(), "max entries is not divisible by 3: " + max);
    }
    if (vs <= 0 || (long) Node.KEYS + (8L + vs) * max > BlockManager.BLOCK_SIZE) {
      throw new CorruptMetadataException(
          blocknr, name(), "value size " + vs + " with " + max + " entries does not fit a block");
    }
    if (nr < 0 || nr > max) {
      throw new CorruptMetadataException(
          blocknr, name(), "nr_entries " + nr + " exceeds max_entries " + max);
    }
    if (flags == Node.INTERNAL && vs != 8) {
      throw new CorruptMetadataException(blocknr, name(), "internal node with value size " + vs);
    }
  }
}
