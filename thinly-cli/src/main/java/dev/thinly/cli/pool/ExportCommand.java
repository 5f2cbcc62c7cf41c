package dev.thinly.cli.pool;

import dev.thinly.cli.format.SizeConverter;
import dev.thinly.cli.access.PoolAccess;
import dev.thinly.cli.image.ExportOptions;
import dev.thinly.cli.image.ImageExporter;
import dev.thinly.cli.image.Progress;
import dev.thinly.cli.image.ProgressMeter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code thinly export}. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Write a volume out as a raw disk image.",
      "",
      "To a file (created or overwritten) or to stdout. With --sparse, a file",
      "gets holes where the volume is unprovisioned or zero. A progress bar is",
      "shown on stderr when it is a terminal."
    },
    footer = {
      "",
      "Examples:",
      "  thinly export vm1 vm1.raw --sparse",
      "  thinly export vm1 - | zstd -T0 > vm1.raw.zst",
      "  thinly export vm1 /dev/sdb"
    })
public final class ExportCommand extends PoolCommandBase {
  @Parameters(index = "0", paramLabel = "NAME", description = "The volume to read.")
  String name;

  @Parameters(index = "1", paramLabel = "FILE|-", description = "Where to write, or - for standard output.")
  String target;

  @Option(names = "--sparse", description = "Leave holes in FILE for unprovisioned and all-zero blocks.")
  boolean sparse;

  @Option(names = "--json", description = "Print what was done as JSON (not with -).")
  boolean json;

  @Override
  public Integer call() {
    ImageExporter.Result r;
    try (PoolAccess p = openPool();
        Progress progress = ProgressMeter.onStderr("export " + name)) {
      r = ImageExporter.run(p, ExportOptions.of(name, target, sparse, System.out), progress);
    }
    if (target.equals("-")) {
      return 0; // stdout carries the image
    }
    if (json) {
      printJson(r);
    } else {
      out().printf(
          "exported volume '%s' to %s: %s, of which %s data and %s zeros%s%n", r.volume(), target,
          SizeConverter.format(r.sizeBytes()), SizeConverter.format(r.dataBytes()),
          SizeConverter.format(r.zeroBytes()), sparse ? " (holes)" : "");
    }
    return 0;
  }
}
