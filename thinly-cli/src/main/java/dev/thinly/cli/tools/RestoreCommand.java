package dev.thinly.cli.tools;

import dev.thinly.cli.format.SizeConverter;
import dev.thinly.thin.tools.Restore;
import dev.thinly.thin.tools.RestoreOptions;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code thinly restore}: thin_restore. */
@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description = {
      "Writes fresh pool metadata from XML: thin_dump's format (0.9.0), or the 1.x form with "
          + "<def>/<ref> shared mappings, which become shared btree leaves.",
      "",
      "The output is written bottom-up and streaming; block 0 stays zero until the final "
          + "superblock is written, so an interrupted restore never leaves valid-looking metadata.",
      "",
      "The output file: with --metadata-size it is made exactly that size. Otherwise an existing "
          + "file or device of non-zero size is used whole (and must be big enough), and a missing or "
          + "empty file is created and sized from the estimate: at least the larger of "
          + "thin_metadata_size's estimate for the pool's data blocks and devices and 1.25 x the blocks "
          + "the metadata needs, in whole MiB.",
      "",
      "Kept from the XML: time, transaction, flags, data_block_size, nr_data_blocks, devices and "
          + "mappings. Written as the kernel does: version 2, mapped_blocks counted from the mappings; "
          + "uuid and metadata_snap are ignored.",
      "",
      "Refused, with the line: malformed XML, unknown elements or attributes, missing attributes, "
          + "dev_id above 16777215, a device twice, mappings out of order or overlapping, data blocks "
          + "at or beyond nr_data_blocks, times above 2^24-1.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  thinly restore -i pool.xml -o meta.bin",
      "  thinly restore -i pool.xml -o meta.bin --metadata-size 1G",
      "  thinly restore -i pool.xml -o /dev/vg/pool_tmeta"
    })
public final class RestoreCommand implements Callable<Integer> {
  @Option(names = {"-i", "--input"}, required = true, paramLabel = "XML", description = "The XML to restore.")
  Path input;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "META", description = "Metadata file or device to write.")
  Path output;

  @Option(
      names = "--metadata-size",
      paramLabel = "SIZE",
      converter = SizeConverter.class,
      description = "Make the output file exactly SIZE (e.g. 64M, 1G).")
  Long metadataSize;

  @Override
  public Integer call() {
    Restore.run(
        new RestoreOptions(
            Inputs.existing(input),
            Inputs.creatable(output),
            metadataSize == null ? OptionalLong.empty() : OptionalLong.of(metadataSize)));
    return 0;
  }
}
