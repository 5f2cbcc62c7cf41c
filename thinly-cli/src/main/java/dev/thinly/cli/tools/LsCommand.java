package dev.thinly.cli.tools;

import dev.thinly.thin.tools.Ls;
import dev.thinly.thin.tools.LsField;
import dev.thinly.thin.tools.LsOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code thinly ls}: thin_ls. */
@Command(
    name = "ls",
    mixinStandardHelpOptions = true,
    description = {
      "Lists the thin devices of a pool, one line each, formatted exactly as thin_ls 0.9.0 does. "
          + "The metadata is opened read-only.",
      "",
      "Fields: DEV, MAPPED_BLOCKS, EXCLUSIVE_BLOCKS, SHARED_BLOCKS, MAPPED_SECTORS, "
          + "EXCLUSIVE_SECTORS, SHARED_SECTORS, MAPPED_BYTES, EXCLUSIVE_BYTES, SHARED_BYTES, MAPPED, "
          + "EXCLUSIVE, SHARED (sizes with units), TRANSACTION, CREATE_TIME, SNAP_TIME. A block is "
          + "exclusive when no other mapping of any device uses its data block.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  thinly ls meta.bin",
      "  thinly ls -o DEV,MAPPED_BLOCKS,EXCLUSIVE_BLOCKS,SHARED_BLOCKS meta.bin",
      "  thinly ls --no-headers -m meta.bin     the held metadata snapshot"
    })
public final class LsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "META", description = "Metadata file or device.")
  Path metadata;

  @Option(
      names = {"-o", "--format"},
      paramLabel = "FIELDS",
      description = "Comma-separated fields (default DEV,MAPPED,CREATE_TIME,SNAP_TIME).")
  String fields;

  @Option(names = "--no-headers", description = "Leave out the header line.")
  boolean noHeaders;

  @Option(names = {"-m", "--metadata-snap"}, description = "List the held metadata snapshot.")
  boolean metadataSnap;

  @Override
  public Integer call() {
    LsOptions options =
        new LsOptions(
            Inputs.existing(metadata),
            fields == null ? LsField.DEFAULT : LsField.parseList(fields),
            !noHeaders,
            metadataSnap);
    Ls.run(options, spec.commandLine().getOut());
    return 0;
  }
}
