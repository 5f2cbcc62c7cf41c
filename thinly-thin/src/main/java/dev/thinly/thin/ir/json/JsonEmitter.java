package dev.thinly.thin.ir.json;

import dev.thinly.thin.ir.DeviceAttrs;
import dev.thinly.thin.ir.MappingRun;
import dev.thinly.thin.ir.MetadataVisitor;
import dev.thinly.thin.ir.SuperblockAttrs;
import dev.thinly.thin.ir.Visit;
import java.io.Writer;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.PrettyPrinter;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;

/**
 * Writes a pool as one JSON document, streamed (nothing is held back but the generator's buffer):
 *
 * <pre>
 * {"superblock": {"uuid": "", "time": 2, "transaction": 7, "flags": 0, "version": 2,
 *                 "data_block_size": 128, "nr_data_blocks": 4096},
 *  "defs": [{"name": "N", "mappings": [RUN, ...]}, ...],          only if the input has defs
 *  "devices": [
 *   {"dev_id": 0, "mapped_blocks": 100, "transaction": 1, "creation_time": 0, "snap_time": 1,
 *    "mappings": [
 *     {"thin_begin": 0, "data_begin": 0, "length": 10, "time": 0},
 *     {"ref": "N"}                                                  only in devices using defs
 *    ]}
 *  ]}
 * </pre>
 *
 * A RUN maps {@code thin_begin + i} to {@code data_begin + i} for {@code i < length}, with the
 * same time (runs are merged as in the XML dump). {@code flags}, {@code version} and {@code
 * metadata_snap} appear when known. Numbers are unsigned integers; every object is on one line and
 * every array element on its own line, so the output is both valid JSON and grep-able.
 */
public final class JsonEmitter implements MetadataVisitor {
  private static final JsonFactory FACTORY = new JsonFactory();

  private final JsonGenerator g;
  private boolean inDefs;
  private boolean inDevices;

  public JsonEmitter(Writer out) {
    this.g = FACTORY.createGenerator(new Context(), out);
  }

  /** Pretty printing with one object per line. */
  private static final class Context extends ObjectWriteContext.Base {
    @Override
    public PrettyPrinter getPrettyPrinter() {
      Separators s =
          Separators.createDefaultInstance()
              .withObjectNameValueSpacing(Separators.Spacing.AFTER)
              .withObjectEntrySpacing(Separators.Spacing.AFTER);
      return new DefaultPrettyPrinter(s)
          .withObjectIndenter(new DefaultPrettyPrinter.NopIndenter())
          .withArrayIndenter(new DefaultIndenter(" ", "\n"));
    }

    @Override
    public boolean hasPrettyPrinter() {
      return true;
    }
  }

  private void number(String name, long unsigned) {
    g.writeName(name);
    if (unsigned >= 0) {
      g.writeNumber(unsigned);
    } else {
      g.writeNumber(new java.math.BigInteger(Long.toUnsignedString(unsigned)));
    }
  }

  @Override
  public Visit superblockBegin(SuperblockAttrs sb) {
    g.writeStartObject();
    g.writeName("superblock");
    g.writeStartObject();
    g.writeStringProperty("uuid", sb.uuid());
    number("time", sb.time());
    number("transaction", sb.transaction());
    if (sb.flags().isPresent()) {
      number("flags", sb.flags().getAsLong());
    }
    if (sb.version().isPresent()) {
      number("version", sb.version().getAsLong());
    }
    number("data_block_size", sb.dataBlockSizeSectors());
    number("nr_data_blocks", sb.nrDataBlocks());
    if (sb.metadataSnap().isPresent()) {
      number("metadata_snap", sb.metadataSnap().getAsLong());
    }
    g.writeEndObject();
    return Visit.CONTINUE;
  }

  @Override
  public Visit superblockEnd() {
    if (inDefs) {
      g.writeEndArray();
      inDefs = false;
    }
    if (!inDevices) {
      g.writeName("devices");
      g.writeStartArray();
    }
    g.writeEndArray();
    g.writeEndObject();
    return Visit.CONTINUE;
  }

  @Override
  public Visit defBegin(String name) {
    if (!inDefs) {
      g.writeName("defs");
      g.writeStartArray();
      inDefs = true;
    }
    g.writeStartObject();
    g.writeStringProperty("name", name);
    g.writeName("mappings");
    g.writeStartArray();
    return Visit.CONTINUE;
  }

  @Override
  public Visit defEnd() {
    g.writeEndArray();
    g.writeEndObject();
    return Visit.CONTINUE;
  }

  @Override
  public Visit deviceBegin(DeviceAttrs d) {
    if (inDefs) {
      g.writeEndArray();
      inDefs = false;
    }
    if (!inDevices) {
      g.writeName("devices");
      g.writeStartArray();
      inDevices = true;
    }
    g.writeStartObject();
    number("dev_id", d.thinId());
    number("mapped_blocks", d.mappedBlocks());
    number("transaction", d.transaction());
    number("creation_time", d.creationTime());
    number("snap_time", d.snapTime());
    g.writeName("mappings");
    g.writeStartArray();
    return Visit.CONTINUE;
  }

  @Override
  public Visit deviceEnd() {
    g.writeEndArray();
    g.writeEndObject();
    return Visit.CONTINUE;
  }

  @Override
  public Visit mapping(MappingRun run) {
    g.writeStartObject();
    number("thin_begin", run.thinBegin());
    number("data_begin", run.dataBegin());
    number("length", run.lenBlocks());
    number("time", run.time());
    g.writeEndObject();
    return Visit.CONTINUE;
  }

  @Override
  public Visit ref(String name) {
    g.writeStartObject();
    g.writeStringProperty("ref", name);
    g.writeEndObject();
    return Visit.CONTINUE;
  }

  @Override
  public Visit eof() {
    g.writeRaw('\n');
    g.flush();
    return Visit.CONTINUE;
  }
}
