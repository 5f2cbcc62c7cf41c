package dev.thinly.thin.tools;

import dev.thinly.pdata.block.BlockManager;
import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.pdata.io.BlockDevice;
import dev.thinly.pdata.io.FileBlockDevice;
import dev.thinly.pdata.spacemap.disk.MetadataIndexBlock;
import dev.thinly.thin.ir.DeviceAttrs;
import dev.thinly.thin.ir.MappingRun;
import dev.thinly.thin.ir.MetadataVisitor;
import dev.thinly.thin.ir.SuperblockAttrs;
import dev.thinly.thin.ir.Visit;
import dev.thinly.thin.ir.XmlParser;
import dev.thinly.thin.metadata.PoolBuilder;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * thin_restore: builds fresh metadata from XML, streaming (parser to validator to {@link
 * PoolBuilder}), so memory does not grow with the number of mappings.
 *
 * <p>The output: with a size option, a regular file of exactly that size; else an existing file or
 * device of non-zero size is used whole; else the file is created, grows while the pool is built
 * and ends up at least {@code max(estimate, 1.25 x the blocks used)} long in whole MiB, where the
 * estimate is thin_metadata_size's for the pool's data blocks and devices. Nothing is written before the XML's {@code <superblock>} has been read; from
 * then on block 0 is zero until the final superblock is written, and a file restore created is
 * deleted again if the restore fails.
 *
 * <p>What is kept from the XML: time, transaction, flags, data block size, nr_data_blocks, devices
 * and mappings. The version is always written as 2 (the kernel's), {@code mapped_blocks} is
 * recomputed from the mappings, {@code uuid} is not stored (the kernel never uses it) and {@code
 * metadata_snap} is ignored (a block number of another image means nothing here).
 */
public final class Restore {
  private Restore() {}

  public static PoolBuilder.Summary run(RestoreOptions options) {
    boolean created = !Files.exists(options.output());
    if (!created && sameFile(options.input(), options.output())) {
      throw new InvalidRequestException("the output " + options.output() + " is the input");
    }
    Target target = new Target(options);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(options.input()), 1 << 16)) {
      XmlParser.parse(in, options.input().toString(), target);
      if (target.summary == null) {
        throw new IllegalStateException("the input ended without a complete pool");
      }
      return target.summary;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + options.input() + ": " + e.getMessage(), e);
    } finally {
      target.close();
      if (target.summary == null && created) {
        try {
          Files.deleteIfExists(options.output());
        } catch (IOException ignored) {
          // the restore failed already; a leftover file with a zero superblock is harmless
        }
      }
    }
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (IOException e) {
      return false; // unreadable: opening it will tell
    }
  }

  /** Opens the output the way the options say; returns it and whether it may grow. */
  private static BlockDevice openOutput(RestoreOptions o, long nrDataBlocks) {
    Path out = o.output();
    if (o.metadataSizeBytes().isPresent()) {
      long size = o.metadataSizeBytes().getAsLong();
      if (size < 2 * BlockManager.BLOCK_SIZE
          || size > MetadataIndexBlock.MAX_METADATA_BLOCKS * BlockManager.BLOCK_SIZE) {
        throw new InvalidRequestException(
            "the metadata size must be 8 KiB to 15.9 GiB, not " + size + " bytes");
      }
      if (Files.exists(out) && !Files.isRegularFile(out)) {
        throw new InvalidRequestException(out + " is not a regular file: --metadata-size only applies to files");
      }
      return FileBlockDevice.create(out, size);
    }
    if (Files.exists(out) && sizeOf(out) > 0) {
      return FileBlockDevice.open(out, false);
    }
    long blocks = PoolBuilder.estimateBlocks(nrDataBlocks, 0);
    return FileBlockDevice.create(out, Math.min(blocks, 2048) * BlockManager.BLOCK_SIZE); // grows as needed
  }

  private static long sizeOf(Path p) {
    try (FileBlockDevice d = FileBlockDevice.open(p, true)) {
      return d.sizeBytes();
    }
  }

  private static boolean growable(RestoreOptions o) {
    return o.metadataSizeBytes().isEmpty() && (!Files.exists(o.output()) || sizeOf(o.output()) == 0);
  }

  /** The visitor end of the restore: IR events to pool builder calls. */
  private static final class Target implements MetadataVisitor {
    private final RestoreOptions options;
    private PoolBuilder builder;
    private long nrDataBlocks;
    private long nrDevices;
    private PoolBuilder.Summary summary;

    Target(RestoreOptions options) {
      this.options = options;
    }

    @Override
    public Visit superblockBegin(SuperblockAttrs sb) {
      nrDataBlocks = sb.nrDataBlocks();
      boolean grow = growable(options); // decided before openOutput may create the file
      BlockDevice device = openOutput(options, nrDataBlocks);
      try {
        builder =
            PoolBuilder.start(
                device, grow, MetadataWalker.CACHE_BYTES,
                new PoolBuilder.Header(
                    sb.dataBlockSizeSectors(), sb.nrDataBlocks(), sb.time(), sb.transaction(),
                    (int) sb.flagsOrDefault()));
      } catch (RuntimeException e) {
        device.close();
        throw e;
      }
      return Visit.CONTINUE;
    }

    @Override
    public Visit superblockEnd() {
      summary = builder.commit(PoolBuilder.estimateBlocks(nrDataBlocks, nrDevices));
      return Visit.CONTINUE;
    }

    @Override
    public Visit defBegin(String name) {
      builder.beginDef(name);
      return Visit.CONTINUE;
    }

    @Override
    public Visit defEnd() {
      builder.endDef();
      return Visit.CONTINUE;
    }

    @Override
    public Visit deviceBegin(DeviceAttrs d) {
      builder.beginDevice(d.thinId(), d.transaction(), d.creationTime(), d.snapTime());
      nrDevices++;
      return Visit.CONTINUE;
    }

    @Override
    public Visit deviceEnd() {
      builder.endDevice();
      return Visit.CONTINUE;
    }

    @Override
    public Visit mapping(MappingRun run) {
      builder.mapRun(run.thinBegin(), run.dataBegin(), run.lenBlocks(), run.time());
      return Visit.CONTINUE;
    }

    @Override
    public Visit ref(String name) {
      builder.refDef(name);
      return Visit.CONTINUE;
    }

    @Override
    public Visit eof() {
      return Visit.CONTINUE;
    }

    void close() {
      if (builder != null) {
        builder.close();
      }
    }
  }
}
