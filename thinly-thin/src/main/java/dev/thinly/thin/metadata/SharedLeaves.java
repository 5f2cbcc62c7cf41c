package dev.thinly.thin.metadata;

import com.carrotsearch.hppc.IntArrayList;
import com.carrotsearch.hppc.LongArrayList;
import java.util.BitSet;

/**
 * The leaves built for one {@code <def>}: written once, linked into every device that refers to
 * the def. While the pool is being built the def itself holds one reference on each leaf, dropped
 * at the end, so a leaf no device links ends up free. A leaf's mappings add data references only
 * when the first device links it (a leaf is one holder of its data blocks however many parents it
 * has).
 */
final class SharedLeaves {
  final String name;
  final LongArrayList blocks = new LongArrayList();
  final LongArrayList firstKeys = new LongArrayList();
  final IntArrayList sizes = new IntArrayList();
  final BitSet dataCounted = new BitSet();
  long entries;
  /** The def's highest thin block (valid when it has leaves). */
  long lastKey;

  SharedLeaves(String name) {
    this.name = name;
  }

  void add(long block, long firstKey, long leafLastKey, int size) {
    lastKey = leafLastKey;
    blocks.add(block);
    firstKeys.add(firstKey);
    sizes.add(size);
    entries += size;
  }

  int nrLeaves() {
    return blocks.size();
  }

  /**
   * True if the def is one leaf below the minimum fill of a non-root node: it can only be shared
   * as the whole tree of a device, and is copied into devices that map anything else.
   */
  boolean isSmall() {
    return entries < LeafPacker.MIN;
  }
}
