package dev.thinly.cli.pool;

import dev.thinly.cli.format.SizeConverter;
import dev.thinly.cli.access.PoolAccess;
import dev.thinly.thin.pool.PoolStatus;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code thinly pool grow}. */
@Command(
    name = "grow",
    mixinStandardHelpOptions = true,
    description = {
      "Grow a pool's data or metadata space.",
      "",
      "Sizes are the new total, or +SIZE to add. Writes waiting for space",
      "resume; a pool that went read-only for lack of metadata returns to rw."
    },
    footer = {
      "",
      "Examples:",
      "  thinly pool grow --data-size 200G",
      "  thinly pool grow --data-size +50G",
      "  thinly pool grow --metadata-size +64M"
    })
final class PoolGrowCommand extends PoolCommandBase {
  @ArgGroup(exclusive = false, multiplicity = "1")
  Sizes sizes;

  static final class Sizes {
    @Option(names = "--data-size", paramLabel = "[+]SIZE", converter = SizeChange.Converter.class,
        description = "New data size, or +SIZE to add.")
    SizeChange data;

    @Option(names = "--metadata-size", paramLabel = "[+]SIZE", converter = SizeChange.Converter.class,
        description = "New metadata size, or +SIZE to add.")
    SizeChange metadata;
  }

  @Override
  public Integer call() {
    try (PoolAccess p = openPool()) {
      PoolStatus before = p.status();
      long dataBytes = before.dataBlocksTotal() * before.blockSizeBytes();
      long newData = sizes.data == null ? 0 : growOnly(sizes.data).applyTo(dataBytes);
      long newMeta = sizes.metadata == null ? 0 : growOnly(sizes.metadata).applyTo(p.metadataSizeBytes());
      p.grow(newData, newMeta);
      PoolStatus after = p.status();
      out().printf(
          "pool %s: data %s (%d blocks), metadata %s (%d blocks)%n", after.path(),
          SizeConverter.format(after.dataBlocksTotal() * after.blockSizeBytes()), after.dataBlocksTotal(),
          SizeConverter.format(after.metadataBlocksTotal() * 4096), after.metadataBlocksTotal());
    }
    return 0;
  }

  private static SizeChange growOnly(SizeChange c) {
    if (c.sign() < 0) {
      throw new dev.thinly.pdata.error.InvalidRequestException("a pool cannot shrink; give a new size or +SIZE");
    }
    return c;
  }
}
