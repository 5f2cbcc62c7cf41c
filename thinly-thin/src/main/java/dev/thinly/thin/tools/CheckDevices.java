package dev.thinly.thin.tools;

import com.carrotsearch.hppc.LongHashSet;
import dev.thinly.pdata.codec.LittleEndian;
import dev.thinly.thin.format.BlockTime;
import dev.thinly.thin.tools.CheckContext.Role;
import dev.thinly.thin.tools.CheckReport.Kind;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The device-level checks: the details tree and the top-level mapping tree of each view (the live
 * superblock, and the held metadata snapshot) must name the same devices; every device's mapping
 * subtree is walked once however many devices and views share it, each mapping's data block must
 * lie within the data device and is counted once per distinct leaf; {@code mapped_blocks} in the
 * details must equal the number of mappings found.
 *
 * <p>The two small trees are remembered (keys and values per leaf, children per internal node) as
 * they are walked, so a view that shares their nodes with the other can still be enumerated without
 * reading them again.
 */
final class CheckDevices {
  /** One consistent view of the pool: the live superblock, or the held metadata snapshot. */
  record View(String prefix, long detailsRoot, long mappingRoot) {}

  /** What a view's two trees say about its devices. */
  static final class Devices {
    final View view;
    final TreeMap<Long, Long> roots = new TreeMap<>(Long::compareUnsigned);
    final TreeMap<Long, Long> mappedBlocks = new TreeMap<>(Long::compareUnsigned);
    boolean rootsComplete;
    boolean detailsComplete;

    Devices(View view) {
      this.view = view;
    }
  }

  private final CheckContext ctx;
  private final CheckTreeWalker walker;
  private final DataRefCounts dataCounts;
  private final long nrDataBlocks;
  private final Map<Long, long[][]> leaves = new HashMap<>();
  private final Map<Long, long[]> children = new HashMap<>();

  /** Subtree roots that a top-level entry referenced but that cannot be walked as mapping trees. */
  private final LongHashSet refusedRoots = new LongHashSet();

  /**
   * @param dataCounts where data references are counted, or null not to count them
   * @param nrDataBlocks mappings must point below this
   */
  CheckDevices(
      CheckContext ctx, CheckTreeWalker walker, DataRefCounts dataCounts, long nrDataBlocks) {
    this.ctx = ctx;
    this.walker = walker;
    this.dataCounts = dataCounts;
    this.nrDataBlocks = nrDataBlocks;
    walker.onLeaf(Role.DETAILS, (block, n, nr, what) -> remember(block, n, nr, false));
    walker.onLeaf(Role.TOP_LEVEL, this::topLevelLeaf);
    walker.onLeaf(Role.MAPPING, this::mappingLeaf);
    walker.onInternal(Role.DETAILS, children::put);
    walker.onInternal(Role.TOP_LEVEL, children::put);
  }

  /** References and walks the view's details tree and the top level of its mapping tree. */
  void walkDeviceTrees(View v, String from) {
    if (ctx.reference(v.detailsRoot(), Role.DETAILS, from)) {
      walker.walkRoot(v.detailsRoot(), Role.DETAILS, v.prefix() + "device details tree");
    }
    if (ctx.reference(v.mappingRoot(), Role.TOP_LEVEL, from)) {
      walker.walkRoot(v.mappingRoot(), Role.TOP_LEVEL, v.prefix() + "top-level mapping tree");
    }
  }

  /** The view's devices per tree, and a problem for each device that only one tree names. */
  Devices devices(View v) {
    Devices d = new Devices(v);
    d.rootsComplete = collect(v.mappingRoot(), d.roots, 0);
    d.detailsComplete = collect(v.detailsRoot(), d.mappedBlocks, 0);
    if (d.rootsComplete && d.detailsComplete) {
      for (long id : d.mappedBlocks.keySet()) {
        if (!d.roots.containsKey(id)) {
          ctx.fatal(
              Kind.DEVICE_TREES_DIFFER,
              -1,
              v.prefix()
                  + "thin device "
                  + Long.toUnsignedString(id)
                  + " is in the device details tree but not in the top-level mapping tree");
        }
      }
      for (long id : d.roots.keySet()) {
        if (!d.mappedBlocks.containsKey(id)) {
          ctx.fatal(
              Kind.DEVICE_TREES_DIFFER,
              -1,
              v.prefix()
                  + "thin device "
                  + Long.toUnsignedString(id)
                  + " is in the top-level mapping tree but not in the device details tree");
        }
      }
    }
    return d;
  }

  /** Walks every distinct subtree root of the views once, in location order. */
  void walkSubtrees(List<Devices> views) {
    TreeMap<Long, String> roots = new TreeMap<>();
    for (Devices d : views) {
      for (Map.Entry<Long, Long> e : d.roots.entrySet()) {
        roots.putIfAbsent(
            e.getValue(), d.view.prefix() + "thin device " + Long.toUnsignedString(e.getKey()));
      }
    }
    for (Map.Entry<Long, String> r : roots.entrySet()) {
      if (!refusedRoots.contains(r.getKey())) {
        walker.walkRoot(r.getKey(), Role.MAPPING, r.getValue());
      }
    }
  }

  /** Compares each device's {@code mapped_blocks} with the mappings its subtree holds. */
  void checkMappedBlocks(Devices d) {
    CheckNodeTable nodes = walker.nodes();
    for (Map.Entry<Long, Long> e : d.roots.entrySet()) {
      Long details = d.mappedBlocks.get(e.getKey());
      long root = e.getValue();
      if (details == null
          || refusedRoots.contains(root)
          || root < 0
          || root >= ctx.nrMetadataBlocks) {
        continue;
      }
      int id = nodes.idOf(root);
      if (id < 0 || !nodes.complete(id)) {
        continue;
      }
      long found = nodes.entries(id);
      if (found != details) {
        ctx.fatal(
            Kind.MAPPED_BLOCKS,
            root,
            d.view.prefix()
                + "thin device "
                + Long.toUnsignedString(e.getKey())
                + " has unexpected number of mappings: the details say "
                + Long.toUnsignedString(details)
                + ", its mapping tree holds "
                + found);
      }
    }
  }

  // ---------------------------------------------------------------- leaf handlers

  private void topLevelLeaf(long block, byte[] n, int nr, String what) {
    remember(block, n, nr, true);
    for (int i = 0; i < nr; i++) {
      long root = CheckTreeWalker.longValue(n, i);
      if (!ctx.reference(root, Role.MAPPING, what + ", btree node " + block)) {
        refusedRoots.add(root);
      }
    }
  }

  private void mappingLeaf(long block, byte[] n, int nr, String what) {
    for (int i = 0; i < nr; i++) {
      long dataBlock = BlockTime.dataBlock(CheckTreeWalker.longValue(n, i));
      if (Long.compareUnsigned(dataBlock, nrDataBlocks) >= 0) {
        ctx.fatal(
            Kind.DATA_BLOCK_RANGE,
            block,
            what
                + " maps block "
                + Long.toUnsignedString(CheckTreeWalker.key(n, i))
                + " to data block "
                + dataBlock
                + ", beyond the "
                + nrDataBlocks
                + " data blocks (btree node "
                + block
                + ")");
      } else if (dataCounts != null) {
        dataCounts.inc(dataBlock);
      }
    }
  }

  /** Keeps a details or top-level leaf: keys, and mapped_blocks or subtree roots. */
  private void remember(long block, byte[] n, int nr, boolean topLevel) {
    long[] keys = new long[nr];
    long[] values = new long[nr];
    for (int i = 0; i < nr; i++) {
      keys[i] = CheckTreeWalker.key(n, i);
      int off = CheckTreeWalker.valueOffset(n, i);
      // details: mapped_blocks is the first field; top level: the subtree root
      values[i] = LittleEndian.getLong(n, off);
    }
    leaves.put(block, new long[][] {keys, values});
  }

  /** Enumerates a remembered tree into {@code out}; false if part of it could not be walked. */
  private boolean collect(long block, Map<Long, Long> out, int depth) {
    long[][] leaf = leaves.get(block);
    if (leaf != null) {
      for (int i = 0; i < leaf[0].length; i++) {
        out.put(leaf[0][i], leaf[1][i]);
      }
      return true;
    }
    long[] kids = children.get(block);
    if (kids == null || depth > 64) {
      return false;
    }
    boolean complete = true;
    for (long c : Arrays.copyOf(kids, kids.length)) {
      complete &= collect(c, out, depth + 1);
    }
    return complete;
  }
}
