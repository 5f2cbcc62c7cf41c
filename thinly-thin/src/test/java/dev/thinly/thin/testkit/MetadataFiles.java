package dev.thinly.thin.testkit;

import dev.thinly.pdata.block.BlockManager;
import dev.thinly.pdata.btree.Node;
import dev.thinly.pdata.codec.BlockChecksum;
import dev.thinly.pdata.codec.LittleEndian;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * Raw access to metadata files for tests: read a block, find a device's subtree root, damage a
 * block and reseal its checksum (the Java twin of {@code mutate.py}).
 */
public final class MetadataFiles {
  private static final int BLOCK = BlockManager.BLOCK_SIZE;

  private MetadataFiles() {}

  public static byte[] read(Path file, long block) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate(BLOCK);
      ch.read(b, block * BLOCK);
      return b.array();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void write(Path file, long block, byte[] data) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(data), block * BLOCK);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Changes a btree node and reseals it. */
  public static void patchNode(Path file, long block, Consumer<byte[]> change) {
    byte[] b = read(file, block);
    change.accept(b);
    BlockChecksum.seal(b, BlockChecksum.BTREE_NODE_SALT);
    write(file, block, b);
  }

  public static int nrEntries(byte[] node) {
    return LittleEndian.getInt(node, Node.NR_ENTRIES);
  }

  public static boolean isLeaf(byte[] node) {
    return LittleEndian.getInt(node, Node.FLAGS) == Node.LEAF;
  }

  public static long key(byte[] node, int i) {
    return LittleEndian.getLong(node, Node.KEYS + 8 * i);
  }

  public static int valueOffset(byte[] node, int i) {
    return Node.KEYS
        + 8 * LittleEndian.getInt(node, Node.MAX_ENTRIES)
        + LittleEndian.getInt(node, Node.VALUE_SIZE) * i;
  }

  public static long value(byte[] node, int i) {
    return LittleEndian.getLong(node, valueOffset(node, i));
  }

  /** The superblock's top-level mapping root. */
  public static long mappingRoot(Path file) {
    return LittleEndian.getLong(read(file, 0), 320);
  }

  /** The root of a device's mapping subtree, found through the top-level tree. */
  public static long subtreeRoot(Path file, long thinId) {
    byte[] n = read(file, mappingRoot(file));
    while (true) {
      int nr = nrEntries(n);
      int found = -1;
      for (int i = 0; i < nr; i++) {
        if (Long.compareUnsigned(key(n, i), thinId) <= 0) {
          found = i;
        }
      }
      if (found < 0) {
        throw new IllegalArgumentException("no device " + thinId);
      }
      if (isLeaf(n)) {
        if (key(n, found) != thinId) {
          throw new IllegalArgumentException("no device " + thinId);
        }
        return value(n, found);
      }
      n = read(file, value(n, found));
    }
  }
}
