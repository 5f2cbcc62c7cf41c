package dev.thinly.thin.tools;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/** thin_dump: the metadata as XML, human-readable text or JSON, through the IR emitters. */
public final class Dump {
  private static final int BUFFER_CHARS = 1 << 16;

  private Dump() {}

  /** Dumps as {@code options} say, to {@code out} unless an output file is given. */
  public static void run(DumpOptions options, Writer out) {
    try (MetadataWalker walker = MetadataWalker.open(options.metadata(), options.metadataSnap())) {
      if (options.output().isPresent()) {
        try (Writer file = Files.newBufferedWriter(options.output().get(), StandardCharsets.UTF_8)) {
          walker.walk(options.format().emitter(file), options.thinId(), options.skipMappings());
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write " + options.output().get() + ": " + e.getMessage(), e);
        }
      } else {
        Writer buffered = new BufferedWriter(out, BUFFER_CHARS);
        walker.walk(options.format().emitter(buffered), options.thinId(), options.skipMappings());
        try {
          buffered.flush();
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write the output: " + e.getMessage(), e);
        }
      }
    }
  }
}
