package dev.thinly.cli;

import dev.thinly.pdata.error.NotFoundException;
import dev.thinly.thin.tools.Check;
import dev.thinly.thin.tools.CheckOptions;
import dev.thinly.thin.tools.CheckReport;
import dev.thinly.thin.tools.CheckResult;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code thinly check}: thin_check. Exit 0 when the metadata is clean, 1 otherwise; one line per
 * problem on stderr; {@code TRANSACTION_ID=} and {@code METADATA_FREE_BLOCKS=} on stdout.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Checks thin-pool metadata (like thin_check): every tree, every reference count, both space"
          + " maps. Exits 0 if the metadata is clean, 1 if not; prints one line per problem on"
          + " stderr. Problems that do not endanger data are marked (non-fatal)."
    },
    footer = {"", "Example:", "  thinly check /dev/vg/pool_tmeta"})
final class CheckCommand implements Callable<Integer> {
  /** Beyond this many problem lines the rest are counted, not printed. */
  static final int MAX_LINES = 1000;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "METADATA", description = "Metadata file or device.")
  Path metadata;

  @Option(
      names = {"-q", "--quiet"},
      description = "Print nothing; only the exit status tells.")
  boolean quiet;

  @Option(names = "--super-block-only", description = "Check the superblock only.")
  boolean superblockOnly;

  @Option(
      names = "--skip-mappings",
      description = "Check the device details and top-level trees, not the mappings or space maps.")
  boolean skipMappings;

  @Option(
      names = "--ignore-non-fatal-errors",
      description = "Exit 0 even with non-fatal problems (leaks, under-filled nodes).")
  boolean ignoreNonFatal;

  @Option(
      names = "--clear-needs-check-flag",
      description = "If the metadata is clean, clear NEEDS_CHECK (rewrites the superblock only).")
  boolean clearNeedsCheck;

  @Option(
      names = {"-m", "--metadata-snap"},
      description = "Check the held metadata snapshot instead of the live metadata.")
  boolean metadataSnap;

  @Override
  public Integer call() {
    if (!Files.exists(metadata)) {
      throw new NotFoundException("metadata", metadata + ": no such file or device");
    }
    CheckOptions.Scope scope =
        superblockOnly
            ? CheckOptions.Scope.SUPERBLOCK
            : skipMappings ? CheckOptions.Scope.DEVICES : CheckOptions.Scope.FULL;
    CheckOptions options = new CheckOptions(scope, metadataSnap, ignoreNonFatal, clearNeedsCheck);
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    int[] lines = new int[1];
    CheckReport report =
        p -> {
          if (!quiet && lines[0]++ < MAX_LINES) {
            err.println(p);
          }
        };
    CheckResult r = Check.run(metadata, options, report);
    if (!quiet) {
      if (lines[0] > MAX_LINES) {
        err.println("... and " + (lines[0] - MAX_LINES) + " more problems");
      }
      if (r.superblockValid()) {
        out.println("TRANSACTION_ID=" + r.transactionId());
        out.println("METADATA_FREE_BLOCKS=" + r.metadataFreeBlocks());
      }
      if (r.clearedNeedsCheck()) {
        err.println("cleared needs_check flag");
      }
    }
    out.flush();
    err.flush();
    return r.passed() ? ExitCodes.OK : ExitCodes.FAILURE;
  }
}
