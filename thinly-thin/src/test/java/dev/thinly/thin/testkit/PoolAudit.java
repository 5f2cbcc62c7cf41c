package dev.thinly.thin.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * An independent recount of a metadata image, written from the spec (sections 2-5) without the
 * production code: decodes blocks itself, walks every tree, recomputes both space maps' counts
 * (metadata: one per referencing place, shared nodes' children once; data: one per mapping value
 * in each distinct leaf) and compares them with the bitmaps, ref-count trees, nr_allocated and the
 * index hints (kernel convention). Also checks node shape (checksums, self location, key order,
 * capacity, one-third fill for non-roots), data blocks below nr_data_blocks, mapped_blocks, and that
 * the details and top-level trees name the same devices. thin_check 0.9.0 checks only part of this.
 */
public final class PoolAudit {
  private static final int BLOCK = 4096;
  private static final int ENTRIES = 16320;
  private static final int SB_SALT = 160774;
  private static final int NODE_SALT = 121107;
  private static final int BITMAP_SALT = 240779;
  private static final int INDEX_SALT = 160478;

  private enum Kind { TOP, MAPPING, DETAILS, DATA_INDEX, REFCOUNT }

  private final FileChannel ch;
  private final List<String> problems = new ArrayList<>();
  private final Map<Long, Long> meta = new HashMap<>();
  private final Map<Long, Long> data = new HashMap<>();
  private final Set<Long> visited = new HashSet<>();
  private final Map<Long, Long> entriesUnder = new HashMap<>();
  private final TreeMap<Long, Long> topLevel = new TreeMap<>();
  private final TreeMap<Long, Long> mappedBlocks = new TreeMap<>();
  private final List<long[]> dataIndex = new ArrayList<>();
  private final Map<Long, Long> refValues = new HashMap<>();
  private long nrDataBlocks;
  /** Shared-leaf statistics: leaves referenced by more than one parent. */
  private long sharedNodes;

  private PoolAudit(FileChannel ch) {
    this.ch = ch;
  }

  /** Problems found in the image at {@code path}; empty when everything is exact. */
  public static Result audit(Path path) {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      PoolAudit a = new PoolAudit(ch);
      a.run();
      return new Result(List.copyOf(a.problems), a.sharedNodes, Map.copyOf(a.meta));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The findings: problems, number of nodes with several parents, recomputed metadata counts. */
  public record Result(List<String> problems, long sharedNodes, Map<Long, Long> metadataCounts) {}

  private ByteBuffer read(long block, int salt) {
    ByteBuffer b = ByteBuffer.allocate(BLOCK).order(ByteOrder.LITTLE_ENDIAN);
    try {
      ch.read(b, block * BLOCK);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 4, BLOCK - 4);
    int wanted = (int) (crc.getValue() ^ 0xFFFFFFFFL ^ salt);
    if (b.getInt(0) != wanted) {
      problems.add("block " + block + ": bad checksum for salt " + salt);
    }
    if (b.getLong(8) != block) {
      problems.add("block " + block + ": self location " + b.getLong(8));
    }
    return b;
  }

  private void incMeta(long b) {
    meta.merge(b, 1L, Long::sum);
  }

  private void run() {
    incMeta(0);
    ByteBuffer sb = read(0, SB_SALT);
    nrDataBlocks = sb.getLong(64);
    long metaNrBlocks = sb.getLong(192);
    long heldRoot = sb.getLong(56);
    long mappingRoot = sb.getLong(320);
    long detailsRoot = sb.getLong(328);
    incMeta(mappingRoot);
    walk(mappingRoot, Kind.TOP, true, 0);
    incMeta(detailsRoot);
    walk(detailsRoot, Kind.DETAILS, true, 0);
    if (heldRoot != 0) {
      incMeta(heldRoot);
      ByteBuffer held = read(heldRoot, SB_SALT);
      incMeta(held.getLong(320));
      walk(held.getLong(320), Kind.TOP, true, 0);
      incMeta(held.getLong(328));
      walk(held.getLong(328), Kind.DETAILS, true, 0);
    }
    // data space map
    incMeta(sb.getLong(80));
    walk(sb.getLong(80), Kind.DATA_INDEX, true, 0);
    long dataRefRoot = sb.getLong(88);
    incMeta(dataRefRoot);
    Map<Long, Long> dataRefs = refTree(dataRefRoot);
    // metadata space map
    long indexBlock = sb.getLong(208);
    incMeta(indexBlock);
    ByteBuffer index = read(indexBlock, INDEX_SALT);
    int metaBitmaps = (int) ((metaNrBlocks + ENTRIES - 1) / ENTRIES);
    List<long[]> metaIndex = new ArrayList<>();
    for (int i = 0; i < metaBitmaps; i++) {
      long bitmap = index.getLong(16 + 16 * i);
      incMeta(bitmap);
      metaIndex.add(new long[] {bitmap, Integer.toUnsignedLong(index.getInt(24 + 16 * i)),
          Integer.toUnsignedLong(index.getInt(28 + 16 * i))});
    }
    long metaRefRoot = sb.getLong(216);
    incMeta(metaRefRoot);
    Map<Long, Long> metaRefs = refTree(metaRefRoot);
    if (!topLevel.keySet().equals(mappedBlocks.keySet())) {
      problems.add("details devices " + mappedBlocks.keySet() + " != top-level devices " + topLevel.keySet());
    }
    for (var e : topLevel.entrySet()) {
      Long recorded = mappedBlocks.get(e.getKey());
      long actual = entriesUnder.getOrDefault(e.getValue(), -1L);
      if (recorded != null && recorded != actual) {
        problems.add("device " + e.getKey() + ": mapped_blocks " + recorded + ", has " + actual);
      }
    }
    compare("data", dataIndex, dataRefs, data, nrDataBlocks, sb.getLong(72));
    compare("metadata", metaIndex, metaRefs, meta, metaNrBlocks, sb.getLong(200));
    sharedNodes = meta.entrySet().stream().filter(e -> e.getValue() > 1 && e.getKey() != 0).count();
  }

  private Map<Long, Long> refTree(long root) {
    refValues.clear();
    walk(root, Kind.REFCOUNT, true, 0);
    return new HashMap<>(refValues);
  }

  private void walk(long block, Kind kind, boolean root, int depth) {
    if (depth > 10 || !visited.add(block)) {
      return;
    }
    ByteBuffer n = read(block, NODE_SALT);
    int flags = n.getInt(4);
    int nr = n.getInt(16);
    int max = n.getInt(20);
    int vs = n.getInt(24);
    int wantedVs = switch (kind) { case DETAILS -> 24; case DATA_INDEX -> 16; case REFCOUNT -> 4; default -> 8; };
    boolean leaf = flags == 2;
    if (flags != 1 && flags != 2) {
      problems.add("block " + block + ": flags " + flags);
      return;
    }
    int wantedMax = 3 * (((BLOCK - 32) / (8 + (leaf ? wantedVs : 8))) / 3);
    if (vs != (leaf ? wantedVs : 8) || max != wantedMax || nr > max) {
      problems.add("block " + block + ": " + kind + " node header nr=" + nr + " max=" + max + " vs=" + vs);
      return;
    }
    if (!root && nr < max / 3) {
      problems.add("block " + block + ": " + kind + " node under-full, " + nr + " of " + max);
    }
    long entries = 0;
    for (int i = 0; i < nr; i++) {
      long key = n.getLong(32 + 8 * i);
      if (i > 0 && Long.compareUnsigned(n.getLong(24 + 8 * i), key) >= 0) {
        problems.add("block " + block + ": keys out of order at " + i);
      }
      int v = 32 + 8 * max + vs * i;
      if (!leaf) {
        long child = n.getLong(v);
        incMeta(child);
        walk(child, kind, false, depth + 1);
        entries += entriesUnder.getOrDefault(child, 0L);
        continue;
      }
      entries++;
      switch (kind) {
        case TOP -> {
          long sub = n.getLong(v);
          topLevel.put(key, sub);
          incMeta(sub);
          walk(sub, Kind.MAPPING, true, 0);
        }
        case MAPPING -> {
          long d = n.getLong(v) >>> 24;
          if (d >= nrDataBlocks) {
            problems.add("block " + block + ": data block " + d + " beyond " + nrDataBlocks);
          }
          data.merge(d, 1L, Long::sum);
        }
        case DETAILS -> mappedBlocks.put(key, n.getLong(v));
        case DATA_INDEX -> {
          long bitmap = n.getLong(v);
          incMeta(bitmap);
          dataIndex.add(new long[] {bitmap, Integer.toUnsignedLong(n.getInt(v + 8)),
              Integer.toUnsignedLong(n.getInt(v + 12))});
        }
        case REFCOUNT -> refValues.put(key, Integer.toUnsignedLong(n.getInt(v)));
      }
    }
    entriesUnder.put(block, entries);
  }

  private void compare(String what, List<long[]> index, Map<Long, Long> refs, Map<Long, Long> counts,
      long nrBlocks, long nrAllocated) {
    long allocated = 0;
    long overflow = 0;
    for (int i = 0; i < index.size(); i++) {
      long[] e = index.get(i);
      ByteBuffer bm = read(e[0], BITMAP_SALT);
      long used = 0;
      long firstFree = ENTRIES;
      for (int x = 0; x < ENTRIES; x++) {
        long b = (long) i * ENTRIES + x;
        long word = bm.getLong(16 + 8 * (x / 32));
        int s = 2 * (x % 32);
        int v = (int) (((word >>> s) & 1) << 1 | ((word >>> (s + 1)) & 1));
        long expected = b < nrBlocks ? counts.getOrDefault(b, 0L) : 0;
        long stored = v;
        if (v == 3) {
          overflow++;
          stored = refs.getOrDefault(b, -1L);
        }
        if (stored != expected) {
          problems.add(what + " block " + b + ": count " + stored + ", expected " + expected);
        }
        if (v != 0) {
          used++;
        } else if (firstFree == ENTRIES) {
          firstFree = x;
        }
      }
      allocated += used;
      if (e[1] != ENTRIES - used || e[2] != firstFree) {
        problems.add(what + " bitmap " + i + ": nr_free " + e[1] + " / none_free_before " + e[2]
            + ", expected " + (ENTRIES - used) + " / " + firstFree);
      }
    }
    if (index.size() != (nrBlocks + ENTRIES - 1) / ENTRIES) {
      problems.add(what + ": " + index.size() + " bitmaps for " + nrBlocks + " blocks");
    }
    if (overflow != refs.size()) {
      problems.add(what + ": ref-count tree has " + refs.size() + " entries, bitmaps say " + overflow);
    }
    if (allocated != nrAllocated) {
      problems.add(what + ": nr_allocated " + nrAllocated + ", counted " + allocated);
    }
    for (long b : counts.keySet()) {
      if (b >= nrBlocks) {
        problems.add(what + " block " + b + " is referenced but beyond the space map");
      }
    }
  }
}
