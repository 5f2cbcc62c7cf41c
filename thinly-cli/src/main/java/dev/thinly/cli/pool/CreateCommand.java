package dev.thinly.cli.pool;

import dev.thinly.cli.format.SizeConverter;
import dev.thinly.cli.access.PoolAccess;
import dev.thinly.thin.pool.VolumeInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code thinly create}. */
@Command(
    name = "create",
    mixinStandardHelpOptions = true,
    description = "Create an empty thin volume. It takes no space until written.",
    footer = {
      "",
      "Examples:",
      "  thinly create vm1 --size 20G",
      "  thinly create base-debian --size 10G --label os=debian --label release=13"
    })
public final class CreateCommand extends PoolCommandBase {
  @Parameters(index = "0", paramLabel = "NAME", description = "1-64 characters from A-Z a-z 0-9 . _ -")
  String name;

  @Option(names = "--size", required = true, paramLabel = "SIZE", converter = SizeConverter.class,
      description = "Virtual size (a multiple of 512 bytes): 10G, 512M, 1.5T.")
  long sizeBytes;

  @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label to keep with the volume (repeatable).")
  Map<String, String> labels = new LinkedHashMap<>();

  @Override
  public Integer call() {
    try (PoolAccess p = openPool()) {
      VolumeInfo v = p.create(name, sizeBytes, labels);
      out().printf("created volume '%s' (%s, thin id %d)%n", v.name(), SizeConverter.format(v.sizeBytes()), v.thinId());
    }
    return 0;
  }
}
