package dev.thinly.bench.tool;

import com.carrotsearch.hppc.LongHashSet;
import dev.thinly.pdata.block.ReadBlock;
import dev.thinly.pdata.btree.Node;
import dev.thinly.pdata.io.FileBlockDevice;
import dev.thinly.pdata.spacemap.disk.Bitmap;
import dev.thinly.thin.format.BlockTime;
import dev.thinly.thin.metadata.PoolBuilder;
import dev.thinly.thin.metadata.PoolMetadata;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Experiment 6: metadata blocks written by one transaction (its early write-backs, when its dirty
 * blocks overfill the cache, and its commit) against the number of mappings changed in it, on a device with {@code mappings} mappings. For each batch size k, k random
 * mapped blocks are remapped to new data blocks (a write to a snapshot-shared block does exactly
 * this) and the transaction is committed. The comparison is the least the format lets a commit
 * write: every distinct node on the paths from the root to the changed leaves (counted on the tree
 * before the change), and every data space map bitmap whose counts changed (the old and the new
 * data block of each remap).
 *
 * <pre>file=META mappings=1000000 batches=1,10,100,1000,10000,100000 [repeats=3]</pre>
 */
final class CommitCost {
  private CommitCost() {}

  static void run(Args a) {
    Path file = a.path("file");
    long mappings = Long.parseLong(a.string("mappings"));
    long[] batches = a.sizes("batches");
    int repeats = a.integer("repeats", 3);
    a.checkAllUsed();
    long spare = 0;
    for (long k : batches) {
      spare += 2 * k * repeats;
    }
    long nrDataBlocks = mappings + spare + 1024;
    PoolBuilder.Header header = new PoolBuilder.Header(BenchPools.BLOCK_SECTORS, nrDataBlocks, 0, 1, 0);
    try (PoolBuilder b = PoolBuilder.start(FileBlockDevice.create(file, 1L << 20), true, BenchPools.CACHE_BYTES, header)) {
      b.beginDevice(0, 1, 0, 0);
      b.mapRun(0, 0, mappings, 0);
      b.endDevice();
      b.commit(PoolBuilder.estimateBlocks(nrDataBlocks, 1) * 2);
    }
    List<Object> rows = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(11);
    try (PoolMetadata pm = PoolMetadata.open(FileBlockDevice.open(file), BenchPools.CACHE_BYTES, false)) {
      for (long k : batches) {
        for (int rep = 0; rep < repeats; rep++) {
          long[] keys = SnapshotChain.sample(r, mappings, (int) k);
          long pathNodes = pathNodes(pm, keys);
          LongHashSet bitmaps = new LongHashSet();
          // from here: a big transaction writes dirty blocks back early when they overfill the cache
          long writes0 = pm.blockManager().deviceWrites();
          for (long key : keys) {
            long fresh = pm.allocateDataBlock().orElseThrow();
            bitmaps.add(BlockTime.dataBlock(pm.lookup(0, key)) / Bitmap.ENTRIES);
            bitmaps.add(fresh / Bitmap.ENTRIES);
            pm.insert(0, key, fresh);
          }
          long t0 = System.nanoTime();
          pm.commit();
          long nanos = System.nanoTime() - t0;
          long written = pm.blockManager().deviceWrites() - writes0;
          rows.add(
              Map.of(
                  "changed", k, "blocksWritten", written, "pathNodes", pathNodes,
                  "dataBitmaps", (long) bitmaps.size(), "commitMillis", Out.millis(nanos)));
          Out.progress("k=%d: %d blocks written (%d path nodes), %.2f ms", k, written, pathNodes, Out.millis(nanos));
        }
      }
    }
    new Out().put("mappings", mappings).put("commits", rows).print();
  }

  /** Distinct mapping-tree nodes on the root-to-leaf paths of {@code keys} in device 0's tree. */
  private static long pathNodes(PoolMetadata pm, long[] keys) {
    ReadBlock top = pm.blockManagerRead(pm.committedSuperblock().dataMappingRoot());
    if (!Node.isLeaf(top) || Node.key(top, 0) != 0) {
      throw new IllegalStateException("expected a one-leaf top-level tree with device 0");
    }
    long root = Node.child(top, 0);
    LongHashSet nodes = new LongHashSet();
    for (long key : keys) {
      long block = root;
      while (true) {
        nodes.add(block);
        ReadBlock n = pm.blockManagerRead(block);
        if (Node.isLeaf(n)) {
          break;
        }
        block = Node.child(n, Math.max(0, Node.lowerBound(n, key)));
      }
    }
    return nodes.size();
  }
}
