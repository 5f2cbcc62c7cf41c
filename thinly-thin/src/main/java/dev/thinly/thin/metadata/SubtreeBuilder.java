package dev.thinly.thin.metadata;

import com.carrotsearch.hppc.IntArrayList;
import com.carrotsearch.hppc.LongArrayList;
import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.block.WriteBlock;
import dev.thinly.pdata.btree.Node;
import dev.thinly.pdata.btree.NodeValidator;
import dev.thinly.pdata.tx.TransactionManager;
import dev.thinly.thin.format.BlockTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds one device's mapping subtree bottom-up from its own mappings and the leaves of shared
 * defs, writing every node once.
 *
 * <p>The format wants every node but the subtree root at least a third full, which 0.9.0
 * thin_check enforces for leaves too. Own mappings are packed at least half full; a shared leaf is
 * linked as it is, so the only risk is a short run of own mappings between shared leaves. Such a
 * run absorbs a neighbouring shared leaf instead (its mappings are copied, the rest of the def
 * stays shared), and a def smaller than a third of a leaf is shared only when it is the device's
 * whole tree. Internal levels are rebuilt per device, split evenly so each node is at least half
 * full.
 *
 * <p>Reference counts: own nodes start with the one reference of their parent; each link of a
 * shared leaf adds one; a shared leaf's mappings add their data references once, when the first
 * device links the leaf.
 */
final class SubtreeBuilder {
  private static final int OWN = -1;

  private final TransactionManager tm;
  private final DataBlockCounts dataCounts;
  private final LeafPacker packer;
  private final LongArrayList leafBlocks = new LongArrayList();
  private final LongArrayList leafFirstKeys = new LongArrayList();
  /** For each leaf: index into {@link #defs} of its def, or {@link #OWN}. */
  private final IntArrayList leafDef = new IntArrayList();
  private final IntArrayList leafIndexInDef = new IntArrayList();
  private final List<SharedLeaves> defs = new ArrayList<>();
  private SharedLeaves candidate;
  private long mappedBlocks;
  private boolean any;
  private long highest;

  SubtreeBuilder(TransactionManager tm, DataBlockCounts dataCounts) {
    this.tm = tm;
    this.dataCounts = dataCounts;
    this.packer = new LeafPacker(tm, dataCounts);
  }

  private void ownLeaf(long block, long firstKey, long lastKey, int entries) {
    leafBlocks.add(block);
    leafFirstKeys.add(firstKey);
    leafDef.add(OWN);
    leafIndexInDef.add(0);
  }

  long mappedBlocks() {
    return mappedBlocks;
  }

  /** Keys must ascend across own mappings and defs alike, or the tree would be unsorted. */
  private void ascend(long first, long last) {
    if (any && Long.compareUnsigned(first, highest) <= 0) {
      throw new IllegalArgumentException(
          "mappings must ascend: thin block " + Long.toUnsignedString(first) + " after "
              + Long.toUnsignedString(highest));
    }
    any = true;
    highest = last;
  }

  /** Adds the next own mapping ({@code thinBlock} above everything added so far). */
  void add(long thinBlock, long blockTime) {
    ascend(thinBlock, thinBlock);
    resolveCandidate();
    packer.push(thinBlock, blockTime, this::ownLeaf);
    mappedBlocks++;
  }

  /** Includes a def's mappings (above everything added so far). */
  void addShared(SharedLeaves def) {
    if (def.nrLeaves() == 0) {
      return;
    }
    ascend(def.firstKeys.get(0), def.lastKey);
    mappedBlocks += def.entries;
    if (def.isSmall()) {
      if (candidate == null && leafBlocks.isEmpty() && packer.pending() == 0) {
        candidate = def; // shared if nothing else follows, see finish()
        return;
      }
      resolveCandidate();
      inline(def, 0);
      return;
    }
    resolveCandidate();
    int first = 0;
    if (packer.pending() > 0 && packer.pending() < LeafPacker.MIN) {
      inline(def, 0); // too few own mappings for a leaf: they take the def's first leaf along
      first = 1;
      if (first == def.nrLeaves()) {
        return; // all copied; the pending entries stay open for what follows
      }
    }
    packer.flush(this::ownLeaf);
    int d = defs.indexOf(def);
    if (d < 0) {
      d = defs.size();
      defs.add(def);
    }
    for (int i = first; i < def.nrLeaves(); i++) {
      leafBlocks.add(def.blocks.get(i));
      leafFirstKeys.add(def.firstKeys.get(i));
      leafDef.add(d);
      leafIndexInDef.add(i);
    }
  }

  private void inline(SharedLeaves def, int leaf) {
    packer.pushAll(read(def.blocks.get(leaf)), this::ownLeaf);
  }

  private ReadBlock read(long block) {
    return tm.read(block, NodeValidator.INSTANCE);
  }

  private void resolveCandidate() {
    if (candidate != null) {
      SharedLeaves c = candidate;
      candidate = null;
      inline(c, 0);
    }
  }

  /** Writes what is pending and the internal levels; returns the root, holding one reference. */
  long finish() {
    if (candidate != null && leafBlocks.isEmpty() && packer.pending() == 0) {
      long root = candidate.blocks.get(0);
      link(candidate, 0);
      return root;
    }
    resolveCandidate();
    int pending = packer.pending();
    if (pending > 0 && pending < LeafPacker.MIN && !leafBlocks.isEmpty()) {
      // own leaves are only ever followed by more than a leaf's worth pending, or by shared
      // leaves: so the last leaf is shared, and it absorbs the short tail
      int last = leafBlocks.size() - 1;
      if (leafDef.get(last) == OWN) {
        throw new IllegalStateException("a short tail after an own leaf");
      }
      packer.prependAll(read(leafBlocks.get(last)));
      leafBlocks.removeAt(last);
      leafFirstKeys.removeAt(last);
      leafDef.removeAt(last);
      leafIndexInDef.removeAt(last);
    }
    packer.flush(this::ownLeaf);
    if (leafBlocks.isEmpty()) {
      return packer.writeEmpty();
    }
    for (int i = 0; i < leafBlocks.size(); i++) {
      if (leafDef.get(i) != OWN) {
        link(defs.get(leafDef.get(i)), leafIndexInDef.get(i));
      }
    }
    return buildInternal(leafBlocks, leafFirstKeys);
  }

  /** One more parent for a shared leaf; its data references count from the first link on. */
  private void link(SharedLeaves def, int leaf) {
    long block = def.blocks.get(leaf);
    tm.inc(block);
    if (!def.dataCounted.get(leaf)) {
      def.dataCounted.set(leaf);
      ReadBlock n = read(block);
      int count = Node.nrEntries(n);
      for (int i = 0; i < count; i++) {
        dataCounts.inc(BlockTime.dataBlock(n.getLong(Node.valueOffset(n, i))));
      }
    }
  }

  /** Builds internal levels over {@code blocks} until one node remains. */
  private long buildInternal(LongArrayList blocks, LongArrayList firstKeys) {
    while (blocks.size() > 1) {
      int total = blocks.size();
      int nodes = (total + LeafPacker.MAX - 1) / LeafPacker.MAX;
      LongArrayList upBlocks = new LongArrayList(nodes);
      LongArrayList upKeys = new LongArrayList(nodes);
      int from = 0;
      for (int j = 0; j < nodes; j++) {
        int count = total / nodes + (j < total % nodes ? 1 : 0);
        WriteBlock node = tm.newBlock(NodeValidator.INSTANCE);
        Node.init(node, Node.INTERNAL, 8, Node.INTERNAL_MAX_ENTRIES);
        for (int i = 0; i < count; i++) {
          Node.setKey(node, i, firstKeys.get(from + i));
          Node.setChild(node, i, blocks.get(from + i));
        }
        Node.setNrEntries(node, count);
        upBlocks.add(node.blocknr());
        upKeys.add(firstKeys.get(from));
        from += count;
        tm.writeBackIfOverCapacity();
      }
      blocks = upBlocks;
      firstKeys = upKeys;
    }
    return blocks.get(0);
  }
}
