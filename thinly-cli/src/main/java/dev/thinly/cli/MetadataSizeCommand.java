package dev.thinly.cli;

import dev.thinly.thin.tools.MetadataSize;
import dev.thinly.thin.tools.MetadataSizeOptions;
import dev.thinly.thin.tools.MetadataSizeOptions.SizeArg;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code thinly metadata-size}: thin_metadata_size 0.9.0, same syntax, numbers and output. */
@Command(
    name = "metadata-size",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Estimates the metadata device size for a pool (the output of thin_metadata_size 0.9.0).",
      "Sizes are a number and a unit letter (bskKmMgGtTpPeEzZyY: lower case binary, upper case"
          + " decimal) or unit name (sectors, kibibytes, ...); without a unit they are sectors."
    },
    footer = {"", "Example:", "  thinly metadata-size -b 64k -s 1t -m 1000 -u m"})
final class MetadataSizeCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private SizeArg blockSize;
  private SizeArg poolSize;
  private SizeArg maxThins;
  private String unit;
  private MetadataSizeOptions.Numeric numeric = MetadataSizeOptions.Numeric.FULL;

  // Setters run in command-line order: a unitless size is echoed with the unit given before it.
  @Option(
      names = {"-b", "--block-size"},
      paramLabel = "SIZE",
      description = "Data block size.")
  void blockSize(String v) {
    blockSize = new SizeArg(v, unit);
  }

  @Option(
      names = {"-s", "--pool-size"},
      paramLabel = "SIZE",
      description = "Data device size.")
  void poolSize(String v) {
    poolSize = new SizeArg(v, unit);
  }

  @Option(
      names = {"-m", "--max-thins"},
      paramLabel = "COUNT",
      description = "Maximum number of thin devices and snapshots.")
  void maxThins(String v) {
    maxThins = new SizeArg(v, unit);
  }

  @Option(
      names = {"-u", "--unit"},
      paramLabel = "UNIT",
      description = "Output unit (default: sectors).")
  void unit(String v) {
    unit = v;
  }

  @Option(
      names = {"-n", "--numeric-only"},
      arity = "0..1",
      paramLabel = "short|long",
      fallbackValue = "",
      description = "Print the number only (optionally with the unit's letter or name).")
  void numeric(String v) {
    numeric = MetadataSize.numeric(v.isEmpty() ? null : v);
  }

  @Override
  public Integer call() {
    String line =
        MetadataSize.run(new MetadataSizeOptions(blockSize, poolSize, maxThins, unit, numeric));
    spec.commandLine().getOut().println(line);
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
