package dev.thinly.thin.tools;

import dev.thinly.pdata.codec.LittleEndian;
import dev.thinly.pdata.io.BlockDevice;
import dev.thinly.pdata.io.FileBlockDevice;
import dev.thinly.pdata.spacemap.disk.MetadataIndexBlock;
import dev.thinly.thin.format.Superblock;
import dev.thinly.thin.format.SuperblockValidator;
import dev.thinly.thin.tools.CheckContext.Role;
import dev.thinly.thin.tools.CheckReport.Kind;
import dev.thinly.thin.tools.CheckReport.Problem;
import dev.thinly.thin.tools.CheckReport.Severity;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks thin-pool metadata: everything thin_check 1.x verifies, plus what 0.9.0 verifies in its
 * own way, without trusting any of it (spec 3.2, 4.3, 5.7, 13).
 *
 * <ol>
 *   <li>the superblock (and the held metadata snapshot's copy);
 *   <li>every btree reachable from either: each node once, in place, against every parent (see
 *       {@link CheckTreeWalker}); details and top-level trees naming the same devices; {@code
 *       mapped_blocks}; data blocks within the data device (see {@link CheckDevices});
 *   <li>the space maps' own structures, then every reference count of both maps and their {@code
 *       nr_allocated} (see {@link CheckSpaceMaps}), unless damage already reported means the
 *       recount is incomplete.
 * </ol>
 *
 * Never throws for damaged metadata: every problem goes to the {@link CheckReport} and the walk
 * goes on. Memory: an int per metadata block, ~40 bytes per btree node, and compressed bitmaps of
 * the mapped data blocks; each metadata block is read once.
 */
public final class Check {
  private Check() {}

  /**
   * Checks the metadata file or device at {@code path}; with {@link CheckOptions#clearNeedsCheck}
   * and a clean result, clears NEEDS_CHECK in the superblock (nothing else is written).
   */
  public static CheckResult run(Path path, CheckOptions options, CheckReport report) {
    CheckResult r;
    try (BlockDevice device = FileBlockDevice.open(path, true)) {
      r = run(device, options, report);
    }
    if (options.clearNeedsCheck() && r.passed() && r.clean() && r.needsCheck()) {
      try (BlockDevice device = FileBlockDevice.open(path, false)) {
        clearNeedsCheck(device);
      }
      return new CheckResult(
          r.superblockValid(),
          r.transactionId(),
          r.metadataFreeBlocks(),
          r.fatal(),
          r.nonFatal(),
          r.warnings(),
          false,
          true,
          r.passed(),
          r.blocksRead());
    }
    return r;
  }

  /** Checks the metadata on {@code device}, which is only read. */
  public static CheckResult run(BlockDevice device, CheckOptions options, CheckReport report) {
    return new Check.Run(device, options, report).run();
  }

  /** Rewrites the superblock with NEEDS_CHECK cleared; every other byte stays as it is. */
  public static void clearNeedsCheck(BlockDevice device) {
    byte[] b = new byte[CheckBlockReader.BLOCK];
    device.read(0, ByteBuffer.wrap(b));
    int flags = LittleEndian.getInt(b, 4);
    LittleEndian.putInt(b, 4, flags & ~Superblock.FLAG_NEEDS_CHECK);
    SuperblockValidator.INSTANCE.prepareForWrite(0, b);
    device.write(0, ByteBuffer.wrap(b));
    device.flush();
  }

  /** One check: the state that lives as long as it runs. */
  private static final class Run {
    private final BlockDevice device;
    private final CheckOptions options;
    private final CheckReport report;

    /** Superblock problems come before the context exists; they are replayed into its counters. */
    private final List<Problem> early = new ArrayList<>();

    Run(BlockDevice device, CheckOptions options, CheckReport report) {
      this.device = device;
      this.options = options;
      this.report = report;
    }

    CheckResult run() {
      CheckBlockReader reader = new CheckBlockReader(device);
      if (reader.deviceBlocks() < 1) {
        return failed(
            "metadata device/file too small ("
                + device.sizeBytes()
                + " bytes): is this binary metadata?");
      }
      byte[] b0;
      try {
        b0 = reader.read(0);
      } catch (RuntimeException e) {
        return failed("cannot read the superblock: " + e.getMessage());
      }
      CheckSuperblock.Problems sink = (s, k, blk, m) -> early.add(new Problem(s, k, blk, m));
      Superblock live = CheckSuperblock.check(b0, 0, false, sink, reader.deviceBlocks());
      if (live == null) {
        return finish(null, null, -1, -1, reader);
      }
      long nrMeta =
          Math.min(
              Math.min(live.metadataSpaceMap().nrBlocks(), reader.deviceBlocks()),
              MetadataIndexBlock.MAX_METADATA_BLOCKS);
      long free = live.metadataSpaceMap().nrBlocks() - live.metadataSpaceMap().nrAllocated();
      if (nrMeta < 1) {
        return finish(null, live, live.transactionId(), free, reader);
      }
      CheckContext ctx = new CheckContext(reader, nrMeta, report);
      for (Problem p : early) {
        ctx.problem(p.severity(), p.kind(), p.block(), p.message());
      }
      early.clear();
      ctx.reference(0, Role.SUPERBLOCK, "the device");
      boolean superblockOnly = options.scope() == CheckOptions.Scope.SUPERBLOCK;
      Superblock held = superblockOnly && !options.metadataSnap() ? null : readHeld(ctx, live);
      if (options.metadataSnap()) {
        if (live.heldRoot() == 0) {
          ctx.fatal(
              Kind.SUPERBLOCK, 0, "no metadata snapshot is held (the superblock's held root is 0)");
          return finish(ctx, live, live.transactionId(), free, reader);
        }
        if (held == null) {
          return finish(ctx, live, live.transactionId(), free, reader);
        }
      }
      Superblock primary = options.metadataSnap() ? held : live;
      if (!superblockOnly) {
        checkTrees(ctx, live, held);
      }
      return finish(ctx, live, primary.transactionId(), free, reader);
    }

    /** The held snapshot's superblock copy, referenced and checked; null if none or unusable. */
    private Superblock readHeld(CheckContext ctx, Superblock live) {
      long h = live.heldRoot();
      if (h == 0 || !ctx.reference(h, Role.HELD_SUPERBLOCK, "superblock (held root)")) {
        return null;
      }
      byte[] b;
      try {
        b = ctx.reader.read(h);
      } catch (RuntimeException e) {
        ctx.markIncomplete();
        ctx.fatal(
            Kind.IO,
            h,
            "cannot read the metadata snapshot superblock " + h + ": " + e.getMessage());
        return null;
      }
      Superblock held = CheckSuperblock.check(b, h, true, ctx::problem, ctx.reader.deviceBlocks());
      if (held == null) {
        ctx.markIncomplete();
      }
      return held;
    }

    private void checkTrees(CheckContext ctx, Superblock live, Superblock held) {
      boolean full = options.scope() == CheckOptions.Scope.FULL;
      boolean countData = full && !options.metadataSnap();
      CheckTreeWalker walker = new CheckTreeWalker(ctx);
      DataRefCounts dataCounts = countData ? new DataRefCounts() : null;
      CheckDevices devices =
          new CheckDevices(ctx, walker, dataCounts, live.dataSpaceMap().nrBlocks());
      List<CheckDevices.View> views = new ArrayList<>();
      if (!options.metadataSnap()) {
        views.add(new CheckDevices.View("", live.deviceDetailsRoot(), live.dataMappingRoot()));
      }
      if (held != null && (options.metadataSnap() || full)) {
        views.add(
            new CheckDevices.View(
                options.metadataSnap() ? "" : "metadata snapshot: ",
                held.deviceDetailsRoot(),
                held.dataMappingRoot()));
      }
      List<CheckDevices.Devices> sets = new ArrayList<>();
      for (CheckDevices.View v : views) {
        devices.walkDeviceTrees(
            v,
            v.prefix().isEmpty() && !options.metadataSnap()
                ? "superblock"
                : "metadata snapshot superblock");
        sets.add(devices.devices(v));
      }
      if (!full) {
        return;
      }
      devices.walkSubtrees(sets);
      sets.forEach(devices::checkMappedBlocks);
      if (options.metadataSnap()) {
        return;
      }
      CheckSpaceMaps maps =
          new CheckSpaceMaps(ctx, walker, dataCounts, live.metadataSpaceMap(), live.dataSpaceMap());
      maps.walkDataSpaceMap();
      maps.walkMetadataSpaceMap();
      if (ctx.countsIncomplete()) {
        ctx.problem(
            Severity.WARNING,
            Kind.NOT_COMPARED,
            -1,
            "reference counts were not compared with the space maps: damage reported above hides"
                + " part of the metadata");
        return;
      }
      maps.compareCounts();
    }

    private CheckResult failed(String message) {
      report.problem(new Problem(Severity.FATAL, Kind.SUPERBLOCK, 0, message));
      return new CheckResult(false, -1, -1, 1, 0, 0, false, false, false, 0);
    }

    private CheckResult finish(
        CheckContext ctx, Superblock live, long transactionId, long free, CheckBlockReader reader) {
      int fatal;
      int nonFatal;
      int warnings;
      if (ctx == null) {
        fatal = 0;
        nonFatal = 0;
        warnings = 0;
        for (Problem p : early) {
          report.problem(p);
          switch (p.severity()) {
            case FATAL -> fatal++;
            case NON_FATAL -> nonFatal++;
            case WARNING -> warnings++;
          }
        }
      } else {
        fatal = ctx.fatalCount();
        nonFatal = ctx.nonFatalCount();
        warnings = ctx.warningCount();
      }
      boolean passed = fatal == 0 && (options.ignoreNonFatal() || nonFatal == 0);
      return new CheckResult(
          live != null,
          live == null ? -1 : transactionId,
          live == null ? -1 : free,
          fatal,
          nonFatal,
          warnings,
          live != null && live.needsCheck(),
          false,
          passed,
          reader.blocksRead());
    }
  }
}
