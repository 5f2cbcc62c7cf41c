package dev.thinly.cli;

import dev.thinly.pdata.error.NotFoundException;
import dev.thinly.thin.tools.Delta;
import dev.thinly.thin.tools.DeltaOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Stack;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code thinly delta}: thin_delta 0.9.0, same options and output. */
@Command(
    name = "delta",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Prints how the mappings of two thin devices differ (the XML of thin_delta 0.9.0).",
      "Subtrees the devices share (a snapshot and its origin) are not compared: the cost follows"
          + " what changed."
    },
    footer = {"", "Example:", "  thinly delta --thin1 0 --thin2 1 /dev/vg/pool_tmeta"})
final class DeltaCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "METADATA", description = "Metadata file or device.")
  Path metadata;

  @Option(
      names = {"--thin1", "--snap1"},
      required = true,
      paramLabel = "ID",
      description = "The left device.")
  long thin1;

  @Option(
      names = {"--thin2", "--snap2"},
      required = true,
      paramLabel = "ID",
      description = "The right device.")
  long thin2;

  @Option(names = "--verbose", description = "List every range with its data blocks.")
  boolean verbose;

  @Option(
      names = {"-m", "--metadata-snap"},
      paramLabel = "BLOCK",
      parameterConsumer = OptionalBlock.class,
      description = "Use the held metadata snapshot (at BLOCK, if given: -mBLOCK, -m BLOCK).")
  Long metadataSnap;

  /**
   * {@code -m} takes a block number only if one follows: {@code -m META} must leave the metadata
   * path alone, as thin_delta's optional argument does.
   */
  static final class OptionalBlock implements CommandLine.IParameterConsumer {
    @Override
    public void consumeParameters(
        Stack<String> args,
        CommandLine.Model.ArgSpec argSpec,
        CommandLine.Model.CommandSpec commandSpec) {
      boolean number = !args.isEmpty() && args.peek().matches("[0-9]+");
      argSpec.setValue(number ? Long.parseLong(args.pop()) : -1L);
    }
  }

  @Override
  public Integer call() {
    if (!Files.exists(metadata)) {
      throw new NotFoundException("metadata", metadata + ": no such file or device");
    }
    Long block = metadataSnap == null || metadataSnap < 0 ? null : metadataSnap;
    DeltaOptions options =
        new DeltaOptions(thin1, thin2, verbose, metadataSnap != null, block, 16L << 20);
    Delta.run(metadata, options, spec.commandLine().getOut());
    return ExitCodes.OK;
  }
}
