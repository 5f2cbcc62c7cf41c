package dev.thinly.thin.tools;

import dev.thinly.thin.ir.HumanReadableEmitter;
import dev.thinly.thin.ir.MetadataVisitor;
import dev.thinly.thin.ir.XmlEmitter;
import dev.thinly.thin.ir.json.JsonEmitter;
import java.io.Writer;
import java.util.function.Function;

/** The output formats of dump. */
public enum DumpFormat {
  /** thin_dump's XML, byte-identical to 0.9.0. */
  XML("xml", XmlEmitter::new),
  /** thin_dump's {@code -f human_readable}, byte-identical to 0.9.0. */
  HUMAN_READABLE("human_readable", HumanReadableEmitter::new),
  /** thinly's JSON document (see {@link JsonEmitter}). */
  JSON("json", JsonEmitter::new);

  private final String cliName;
  private final Function<Writer, MetadataVisitor> emitter;

  DumpFormat(String cliName, Function<Writer, MetadataVisitor> emitter) {
    this.cliName = cliName;
    this.emitter = emitter;
  }

  /** The name on the command line ({@code -f NAME}). */
  public String cliName() {
    return cliName;
  }

  public MetadataVisitor emitter(Writer out) {
    return emitter.apply(out);
  }

  @Override
  public String toString() {
    return cliName;
  }
}
