package dev.thinly.cli.tools;

import dev.thinly.thin.tools.Region;
import dev.thinly.thin.tools.Rmap;
import dev.thinly.thin.tools.RmapOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code thinly rmap}: thin_rmap. */
@Command(
    name = "rmap",
    mixinStandardHelpOptions = true,
    description = {
      "Maps data blocks back to the thin blocks that use them, in thin_rmap's format: "
          + "'data B..E -> thin(DEV) V..W' (ends exclusive), one line per run, sorted by data block "
          + "then device. As thin_rmap does, a btree node shared by several devices (a snapshot "
          + "that has not diverged there) is reported once, under the first device that reaches it. "
          + "The metadata is opened read-only.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  thinly rmap --region 0..500 meta.bin",
      "  thinly rmap --region 0..100 --region 4000..4096 meta.bin"
    })
public final class RmapCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "META", description = "Metadata file or device.")
  Path metadata;

  @Option(
      names = "--region",
      required = true,
      paramLabel = "B..E",
      description = "Data blocks B to E-1; repeat for more regions.")
  List<String> regions;

  @Override
  public Integer call() {
    List<Region> parsed = regions.stream().map(Region::parse).toList();
    Rmap.run(new RmapOptions(Inputs.existing(metadata), parsed), spec.commandLine().getOut());
    return 0;
  }
}
