package dev.thinly.cli.pool;

import dev.thinly.cli.format.SizeConverter;
import dev.thinly.cli.access.PoolAccess;
import dev.thinly.pdata.error.NotFoundException;
import dev.thinly.thin.pool.VolumeInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code thinly resize}. */
@Command(
    name = "resize",
    mixinStandardHelpOptions = true,
    description = {
      "Change a volume's virtual size.",
      "",
      "Shrinking discards everything past the new end; growing adds space",
      "that reads as zeros."
    },
    footer = {"", "Examples:", "  thinly resize vm1 --size 40G", "  thinly resize vm1 --size +10G", "  thinly resize vm1 --size=-512M"})
public final class ResizeCommand extends PoolCommandBase {
  @Parameters(index = "0", paramLabel = "NAME", description = "The volume to resize.")
  String name;

  @Option(names = "--size", required = true, paramLabel = "[+|-]SIZE", converter = SizeChange.Converter.class,
      description = "The new size, or +SIZE / -SIZE relative to the current one.")
  SizeChange size;

  @Option(
      names = "--force",
      description = "Shrink even while clients are connected (thinly serve disconnects them first).")
  boolean force;

  @Override
  public Integer call() {
    try (PoolAccess p = openPool()) {
      VolumeInfo before =
          p.find(name).orElseThrow(() -> new NotFoundException("volume", "no volume named '" + name + "'"));
      VolumeInfo after = p.resize(name, size.applyTo(before.sizeBytes()), force);
      out().printf(
          "resized volume '%s': %s -> %s%n", name, SizeConverter.format(before.sizeBytes()),
          SizeConverter.format(after.sizeBytes()));
    }
    return 0;
  }
}
