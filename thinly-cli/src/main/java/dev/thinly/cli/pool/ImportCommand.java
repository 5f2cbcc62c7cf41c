package dev.thinly.cli.pool;

import dev.thinly.cli.format.SizeConverter;
import dev.thinly.cli.access.PoolAccess;
import dev.thinly.cli.image.ImageImporter;
import dev.thinly.cli.image.ImportOptions;
import dev.thinly.cli.image.Progress;
import dev.thinly.cli.image.ProgressMeter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code thinly import}. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Write a raw disk image into a volume.",
      "",
      "Afterwards the volume reads exactly as the image. A missing volume is",
      "created with the image's size; an existing one takes the image's size.",
      "gzip, zstd and xz images are recognised by content and decompressed.",
      "All-zero blocks are left unmapped, so the volume stays thin. A progress",
      "bar is shown on stderr when it is a terminal."
    },
    footer = {
      "",
      "Examples:",
      "  thinly import base-debian debian-13.raw",
      "  thinly import vm1 disk.img.zst",
      "  curl -s https://example.org/disk.raw.xz | thinly import vm2 -",
      "  thinly import vm3 - --size 20G < disk.raw"
    })
public final class ImportCommand extends PoolCommandBase {
  @Parameters(index = "0", paramLabel = "NAME", description = "The volume to write (created if missing).")
  String name;

  @Parameters(index = "1", paramLabel = "FILE|-", description = "The image, or - for standard input.")
  String source;

  @Option(names = "--size", paramLabel = "SIZE", converter = SizeConverter.class,
      description = "The volume's size, if not the image's (the image must fit; the rest reads as zeros).")
  long sizeBytes;

  @Option(names = "--json", description = "Print what was done as JSON.")
  boolean json;

  @Override
  public Integer call() {
    ImageImporter.Result r;
    try (PoolAccess p = openPool();
        Progress progress = ProgressMeter.onStderr("import " + name)) {
      r = ImageImporter.run(p, ImportOptions.of(name, source, sizeBytes, System.in), progress);
    }
    if (json) {
      printJson(r);
    } else {
      out().printf(
          "%s volume '%s' from %s (%s): %s image, %s of data written, %s of zero blocks left unmapped%n",
          r.created() ? "created" : "overwrote", r.volume(), source.equals("-") ? "stdin" : source, r.compression().label(),
          SizeConverter.format(r.imageBytes()), SizeConverter.format(r.dataBytes()),
          SizeConverter.format(r.zeroBytes()));
    }
    return 0;
  }
}
