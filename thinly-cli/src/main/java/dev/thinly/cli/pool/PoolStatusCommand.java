package dev.thinly.cli.pool;

import dev.thinly.cli.format.SizeConverter;
import dev.thinly.cli.access.PoolAccess;
import dev.thinly.thin.pool.PoolStatus;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** {@code thinly pool status}. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show a pool's space use, transaction id and mode.",
      "",
      "Modes: rw; ro (metadata full, or a commit failed); out-of-data-space;",
      "needs-check (run 'thinly check')."
    },
    footer = {"", "Examples:", "  thinly pool status --pool /srv/pool", "  thinly pool status --json | jq .data_used_percent"})
final class PoolStatusCommand extends PoolCommandBase {
  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  /** The JSON form. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Json(
      String path,
      long blockSizeBytes,
      long dataBlocksUsed,
      long dataBlocksTotal,
      double dataUsedPercent,
      long metadataBlocksUsed,
      long metadataBlocksTotal,
      double metadataUsedPercent,
      long transactionId,
      String mode,
      String modeReason,
      Long heldRoot,
      int volumes,
      String noSpacePolicy,
      boolean zeroNewBlocks) {}

  @Override
  public Integer call() {
    PoolStatus s;
    try (PoolAccess p = openPool()) {
      s = p.status();
    }
    if (json) {
      printJson(
          new Json(
              s.path(), s.blockSizeBytes(), s.dataBlocksUsed(), s.dataBlocksTotal(),
              percent(s.dataBlocksUsed(), s.dataBlocksTotal()), s.metadataBlocksUsed(), s.metadataBlocksTotal(),
              percent(s.metadataBlocksUsed(), s.metadataBlocksTotal()), s.transactionId(), s.mode(),
              s.modeReason(), s.heldRoot(), s.volumes(), s.noSpacePolicy(), s.zeroNewBlocks()));
      return 0;
    }
    var o = out();
    o.printf("pool:            %s%n", s.path());
    o.printf("block size:      %s%n", SizeConverter.format(s.blockSizeBytes()));
    o.printf(
        "data:            %d / %d blocks used (%s), %s of %s%n", s.dataBlocksUsed(), s.dataBlocksTotal(),
        pct(s.dataBlocksUsed(), s.dataBlocksTotal()), SizeConverter.format(s.dataBlocksUsed() * s.blockSizeBytes()),
        SizeConverter.format(s.dataBlocksTotal() * s.blockSizeBytes()));
    o.printf(
        "metadata:        %d / %d blocks used (%s), %s of %s%n", s.metadataBlocksUsed(), s.metadataBlocksTotal(),
        pct(s.metadataBlocksUsed(), s.metadataBlocksTotal()), SizeConverter.format(s.metadataBlocksUsed() * 4096),
        SizeConverter.format(s.metadataBlocksTotal() * 4096));
    o.printf("transaction id:  %d%n", s.transactionId());
    o.printf("mode:            %s%s%n", s.mode(), s.modeReason().isEmpty() ? "" : " (" + s.modeReason() + ")");
    o.printf("held root:       %s%n", s.heldRoot() == null ? "none" : s.heldRoot().toString());
    o.printf("volumes:         %d%n", s.volumes());
    o.printf("when full:       %s%n", s.noSpacePolicy());
    o.printf("zero new blocks: %s%n", s.zeroNewBlocks() ? "yes" : "no");
    return 0;
  }

  private static double percent(long used, long total) {
    return total == 0 ? 0 : Math.round(used * 10000.0 / total) / 100.0;
  }

  private static String pct(long used, long total) {
    return String.format(Locale.ROOT, "%.1f%%", percent(used, total));
  }
}
