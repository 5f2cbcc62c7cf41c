package dev.thinly.cli.tools;

import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.thin.tools.Dump;
import dev.thinly.thin.tools.DumpFormat;
import dev.thinly.thin.tools.DumpOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.Map;
import java.util.Stack;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterPreprocessor;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code thinly dump}: thin_dump. */
@Command(
    name = "dump",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the metadata of a pool: XML and human_readable exactly as thin_dump 0.9.0 prints "
          + "them, or JSON. The metadata is opened read-only.",
      ""
    },
    footer = {
      "",
      "JSON (-f json) is one document, one device or mapping per line:",
      "  {\"superblock\": {\"uuid\": \"\", \"time\": T, \"transaction\": X,",
      "                  \"flags\": F, \"version\": V,",
      "                  \"data_block_size\": SECTORS, \"nr_data_blocks\": N},",
      "   \"devices\": [",
      "    {\"dev_id\": ID, \"mapped_blocks\": M, \"transaction\": X,",
      "     \"creation_time\": C, \"snap_time\": S, \"mappings\": [",
      "      {\"thin_begin\": V, \"data_begin\": D, \"length\": L, \"time\": T},",
      "      ...]},",
      "    ...]}",
      "  Each mapping maps thin blocks V..V+L-1 to data blocks D..D+L-1,",
      "  written at time T.",
      "",
      "Examples:",
      "  thinly dump /dev/vg/pool_tmeta > pool.xml",
      "  thinly dump -f human_readable --dev-id 3 meta.bin",
      "  thinly dump -m meta.bin              the held metadata snapshot",
      "  thinly dump -f json --skip-mappings -o devices.json meta.bin"
    })
public final class DumpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "META", description = "Metadata file or device.")
  Path metadata;

  @Option(
      names = {"-f", "--format"},
      paramLabel = "FORMAT",
      defaultValue = "xml",
      description = "xml (default), human_readable or json.")
  String format;

  @Option(
      names = {"-m", "--metadata-snap"},
      arity = "0..1",
      paramLabel = "BLOCK",
      preprocessor = DumpCommand.OptionalBlock.class,
      description = "Dump the metadata snapshot: the held one, or the one whose superblock is at BLOCK.")
  Long metadataSnap;

  @Option(names = "--dev-id", paramLabel = "ID", description = "Only this thin device.")
  Long thinId;

  @Option(names = "--skip-mappings", description = "Devices without their mappings.")
  boolean skipMappings;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write to FILE (created or replaced) instead of standard output.")
  Path output;

  /**
   * {@code -m} takes a block number only if one follows: {@code -m META} must leave META to the
   * positional parameter, which picocli's optional-value handling would otherwise swallow.
   */
  static final class OptionalBlock implements IParameterPreprocessor {
    @Override
    public boolean preprocess(
        Stack<String> args, CommandSpec spec, ArgSpec argSpec, Map<String, Object> info) {
      if ("=".equals(info.get("separator")) || (!args.isEmpty() && args.peek().matches("[0-9]+"))) {
        return false;
      }
      argSpec.setValue(-1L);
      return true;
    }
  }

  static DumpFormat format(String name) {
    return Arrays.stream(DumpFormat.values())
        .filter(f -> f.cliName().equals(name))
        .findFirst()
        .orElseThrow(
            () -> new InvalidRequestException("unknown format '" + name + "'; use xml, human_readable or json"));
  }

  @Override
  public Integer call() {
    DumpOptions options =
        new DumpOptions(
            Inputs.existing(metadata),
            format(format),
            metadataSnap == null ? OptionalLong.empty() : OptionalLong.of(metadataSnap),
            thinId == null ? OptionalLong.empty() : OptionalLong.of(thinId),
            skipMappings,
            Optional.ofNullable(output).map(Inputs::creatable));
    Dump.run(options, spec.commandLine().getOut());
    return 0;
  }
}
