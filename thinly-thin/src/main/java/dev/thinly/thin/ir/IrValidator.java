package dev.thinly.thin.ir;

import com.carrotsearch.hppc.LongHashSet;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Checks an event stream against the rules a pool must obey before passing it on, so that
 * consumers (the pool builder) can trust what they receive: one superblock; data block size 64
 * KiB to 1 GiB in 64 KiB steps; device ids at most 2^24-1 (the kernel's limit) and unique;
 * mappings only inside devices or defs, ascending by thin block without overlaps, times within
 * 24 bits, data blocks below {@code nr_data_blocks}; defs before the devices, named once, refs
 * only to earlier defs and in key order with the device's own mappings.
 *
 * <p>Problems become a {@link MetadataInputException} naming the source and the line the parser
 * is at.
 */
public final class IrValidator implements MetadataVisitor {
  public static final long MAX_THIN_ID = (1L << 24) - 1;
  public static final long MAX_TIME = (1L << 24) - 1;
  public static final long MAX_U32 = 0xFFFF_FFFFL;
  public static final long MAX_DATA_BLOCKS = 1L << 40;
  public static final long MIN_DATA_BLOCK_SECTORS = 128;
  public static final long MAX_DATA_BLOCK_SECTORS = 2_097_152;

  private enum Phase { BEFORE, SUPERBLOCK, DEF, DEVICE, AFTER }

  /** What a def covers: its first thin block and one past its last, or empty. */
  private record DefRange(long first, long end, boolean empty) {}

  private final MetadataVisitor next;
  private final String source;
  private final LongSupplier line;
  private final LongHashSet thinIds = new LongHashSet();
  private final Map<String, DefRange> defs = new HashMap<>();
  private Phase phase = Phase.BEFORE;
  private long nrDataBlocks;
  private boolean sawDevice;
  private String container = "";
  private String defName;
  private boolean any;
  private long firstBlock;
  private long lastBegin;
  private long lastEnd;

  public IrValidator(MetadataVisitor next, String source, LongSupplier line) {
    this.next = next;
    this.source = source;
    this.line = line;
  }

  private MetadataInputException problem(String what) {
    return new MetadataInputException(source, line.getAsLong(), what);
  }

  private void expect(Phase wanted, String what) {
    if (phase != wanted) {
      throw problem(what);
    }
  }

  private void atMost(String name, long value, long max) {
    if (Long.compareUnsigned(value, max) > 0) {
      throw problem(name + " " + Long.toUnsignedString(value) + " is above the limit " + max);
    }
  }

  @Override
  public Visit superblockBegin(SuperblockAttrs sb) {
    expect(Phase.BEFORE, "there is more than one <superblock>");
    long bs = sb.dataBlockSizeSectors();
    if (Long.compareUnsigned(bs, MIN_DATA_BLOCK_SECTORS) < 0
        || Long.compareUnsigned(bs, MAX_DATA_BLOCK_SECTORS) > 0
        || bs % MIN_DATA_BLOCK_SECTORS != 0) {
      throw problem(
          "data_block_size " + Long.toUnsignedString(bs)
              + " is not 128 to 2097152 sectors in steps of 128 (64 KiB to 1 GiB)");
    }
    atMost("time", sb.time(), MAX_U32);
    atMost("nr_data_blocks", sb.nrDataBlocks(), MAX_DATA_BLOCKS);
    atMost("flags", sb.flagsOrDefault(), MAX_U32);
    atMost("version", sb.versionOrDefault(), MAX_U32);
    nrDataBlocks = sb.nrDataBlocks();
    phase = Phase.SUPERBLOCK;
    return next.superblockBegin(sb);
  }

  @Override
  public Visit superblockEnd() {
    expect(Phase.SUPERBLOCK, "</superblock> closes an open <device> or <def>");
    phase = Phase.AFTER;
    return next.superblockEnd();
  }

  @Override
  public Visit defBegin(String name) {
    expect(Phase.SUPERBLOCK, "<def> is only allowed directly inside <superblock>");
    if (sawDevice) {
      throw problem("<def name=\"" + name + "\"> comes after a <device>; defs must precede all devices");
    }
    if (defs.containsKey(name)) {
      throw problem("def \"" + name + "\" is defined twice");
    }
    phase = Phase.DEF;
    defName = name;
    startContainer("def \"" + name + "\"");
    return next.defBegin(name);
  }

  @Override
  public Visit defEnd() {
    expect(Phase.DEF, "</def> without <def>");
    defs.put(defName, new DefRange(firstBlock, lastEnd, !any));
    phase = Phase.SUPERBLOCK;
    return next.defEnd();
  }

  @Override
  public Visit deviceBegin(DeviceAttrs d) {
    expect(Phase.SUPERBLOCK, "<device> is only allowed directly inside <superblock>");
    atMost("dev_id", d.thinId(), MAX_THIN_ID);
    atMost("creation_time", d.creationTime(), MAX_U32);
    atMost("snap_time", d.snapTime(), MAX_U32);
    if (!thinIds.add(d.thinId())) {
      throw problem("device " + d.thinId() + " appears more than once");
    }
    sawDevice = true;
    phase = Phase.DEVICE;
    startContainer("device " + d.thinId());
    return next.deviceBegin(d);
  }

  @Override
  public Visit deviceEnd() {
    expect(Phase.DEVICE, "</device> without <device>");
    phase = Phase.SUPERBLOCK;
    return next.deviceEnd();
  }

  private void startContainer(String name) {
    container = name;
    any = false;
  }

  @Override
  public Visit mapping(MappingRun run) {
    if (phase != Phase.DEVICE && phase != Phase.DEF) {
      throw problem("a mapping outside <device> or <def>");
    }
    atMost("time", run.time(), MAX_TIME);
    if (Long.compareUnsigned(run.thinEnd(), run.thinBegin()) <= 0) {
      throw problem("the mapping runs past thin block 2^64-1");
    }
    if (Long.compareUnsigned(run.dataBegin(), nrDataBlocks) >= 0
        || Long.compareUnsigned(run.lenBlocks(), nrDataBlocks - run.dataBegin()) > 0) {
      throw problem(
          "data block " + Long.toUnsignedString(run.dataEnd() - 1)
              + " is beyond nr_data_blocks " + nrDataBlocks);
    }
    extend(run.thinBegin(), run.thinEnd());
    return next.mapping(run);
  }

  /** Checks that {@code [begin, end)} follows everything the container maps so far. */
  private void extend(long begin, long end) {
    if (any && Long.compareUnsigned(begin, lastEnd) < 0) {
      if (Long.compareUnsigned(begin, lastBegin) >= 0) {
        throw problem(
            "thin block " + Long.toUnsignedString(begin) + " is mapped twice in " + container
                + " (overlapping mappings)");
      }
      throw problem(
          "mappings must ascend by thin block: " + Long.toUnsignedString(begin) + " comes after "
              + Long.toUnsignedString(lastBegin) + " in " + container);
    }
    if (!any) {
      firstBlock = begin;
    }
    any = true;
    lastBegin = begin;
    lastEnd = end;
  }

  @Override
  public Visit ref(String name) {
    expect(Phase.DEVICE, "<ref> is only allowed inside <device>");
    DefRange def = defs.get(name);
    if (def == null) {
      throw problem("<ref name=\"" + name + "\"> names no earlier <def>");
    }
    if (!def.empty()) {
      extend(def.first(), def.end());
    }
    return next.ref(name);
  }

  @Override
  public Visit eof() {
    if (phase == Phase.BEFORE) {
      throw problem("there is no <superblock>");
    }
    expect(Phase.AFTER, "the input ends inside <superblock>");
    return next.eof();
  }
}
