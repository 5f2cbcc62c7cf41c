package dev.thinly.cli.pool;

import dev.thinly.cli.format.SizeConverter;
import dev.thinly.cli.access.LocalPoolAccess;
import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.thin.pool.PoolConfig;
import dev.thinly.thin.pool.PoolCreateOptions;
import dev.thinly.thin.pool.PoolStatus;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code thinly pool create}. */
@Command(
    name = "create",
    mixinStandardHelpOptions = true,
    description = {
      "Create a pool.",
      "",
      "A pool is a directory with a sparse data file, dm-thin metadata and a",
      "catalog of volumes. With --data-device and --metadata-device it keeps",
      "data and metadata on those block devices instead."
    },
    footer = {
      "",
      "Examples:",
      "  thinly pool create --pool /srv/pool        # 100G of sparse data space",
      "  thinly pool create --data-size 2T --block-size 256K",
      "  thinly pool create --data-device /dev/vg/data --metadata-device /dev/vg/meta",
      "  thinly pool create --no-space-policy queue --no-space-timeout 120 \\",
      "      --threshold-hook /usr/local/bin/pool-alert"
    })
final class PoolCreateCommand extends PoolCommandBase {
  private static final long MIN_BLOCK = 64 * 1024;
  private static final long MAX_BLOCK = 1L << 30;

  @Option(names = "--data-size", paramLabel = "SIZE", converter = SizeConverter.class,
      description = "Size of the data file (default: ${DEFAULT-VALUE}); ignored with --data-device.",
      defaultValue = "100G")
  long dataSizeBytes;

  @Option(names = "--metadata-size", paramLabel = "SIZE", converter = SizeConverter.class,
      description = "Size of the metadata file (default: what thin_metadata_size estimates for the data size).")
  long metadataSizeBytes;

  @Option(names = "--block-size", paramLabel = "SIZE", converter = SizeConverter.class, defaultValue = "64K",
      description = "Data block size, the unit of allocation and sharing: 64K to 1G, a multiple of 64K"
          + " (default: ${DEFAULT-VALUE}).")
  long blockSizeBytes;

  @Option(names = "--no-zero", description = "Do not zero the unwritten part of newly provisioned blocks.")
  boolean noZero;

  @Option(names = "--data-device", paramLabel = "DEV", description = "A block device (or file) for the data.")
  String dataDevice;

  @Option(names = "--metadata-device", paramLabel = "DEV", description = "A block device (or file) for the metadata.")
  String metadataDevice;

  @Option(names = "--no-space-policy", paramLabel = "error|queue", defaultValue = "error",
      converter = PolicyConverter.class,
      description = "When the data space is full: fail writes at once (error), or hold them until the"
          + " pool grows or the timeout passes (queue). Default: ${DEFAULT-VALUE}.")
  PoolConfig.NoSpacePolicy noSpacePolicy;

  @Option(names = "--no-space-timeout", paramLabel = "SECONDS", defaultValue = "60",
      description = "How long the queue policy holds a write (default: ${DEFAULT-VALUE}).")
  int noSpaceTimeoutSeconds;

  @Option(names = "--threshold-hook", paramLabel = "CMD",
      description = "Run as 'CMD POOLDIR data|metadata PERCENT' when usage crosses 80, 90 or 95%%.")
  String hook;

  @Override
  public Integer call() {
    if (blockSizeBytes < MIN_BLOCK || blockSizeBytes > MAX_BLOCK || blockSizeBytes % MIN_BLOCK != 0) {
      throw new InvalidRequestException(
          "--block-size must be 64K to 1G and a multiple of 64K, not " + SizeConverter.format(blockSizeBytes));
    }
    PoolCreateOptions o =
        new PoolCreateOptions(
            dataSizeBytes, metadataSizeBytes, blockSizeBytes, !noZero, dataDevice, metadataDevice,
            noSpacePolicy, noSpaceTimeoutSeconds, PoolConfig.DEFAULT_THRESHOLDS, hook);
    PoolStatus s = LocalPoolAccess.create(pool.dir(), o, spec.qualifiedName(" "), notices());
    out().printf(
        "created pool %s: data %s (%d blocks of %s), metadata %s%n",
        s.path(), SizeConverter.format(s.dataBlocksTotal() * s.blockSizeBytes()), s.dataBlocksTotal(),
        SizeConverter.format(s.blockSizeBytes()), SizeConverter.format(s.metadataBlocksTotal() * 4096));
    return 0;
  }

  /** {@code error} or {@code queue}, in any case. */
  static final class PolicyConverter implements CommandLine.ITypeConverter<PoolConfig.NoSpacePolicy> {
    @Override
    public PoolConfig.NoSpacePolicy convert(String value) {
      try {
        return PoolConfig.NoSpacePolicy.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a policy: use error or queue");
      }
    }
  }
}
