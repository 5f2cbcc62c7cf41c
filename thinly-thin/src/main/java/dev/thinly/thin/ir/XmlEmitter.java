package dev.thinly.thin.ir;

import java.io.Writer;

/**
 * Writes the thin_dump XML format, byte for byte as thin_dump 0.9.0 does: two spaces of
 * indentation per level, attributes in a fixed order, {@code flags} always present (0 when
 * unknown), {@code version} 1 when unknown, {@code metadata_snap} only when given. Shared sets
 * ({@code <def>}/{@code <ref>}, the 1.x form) are written in the same style; dumps never produce
 * them.
 *
 * <p>The caller owns the writer (and should buffer it); {@link #eof} flushes it.
 */
public final class XmlEmitter implements MetadataVisitor {
  private final TextSink out;
  private int depth;

  public XmlEmitter(Writer out) {
    this.out = new TextSink(out);
  }

  private TextSink indent() {
    return out.spaces(2 * depth);
  }

  @Override
  public Visit superblockBegin(SuperblockAttrs sb) {
    indent()
        .text("<superblock uuid=\"").text(TextSink.xmlEscape(sb.uuid()))
        .text("\" time=\"").number(sb.time())
        .text("\" transaction=\"").number(sb.transaction())
        .text("\" flags=\"").number(sb.flagsOrDefault())
        .text("\" version=\"").number(sb.versionOrDefault())
        .text("\" data_block_size=\"").number(sb.dataBlockSizeSectors())
        .text("\" nr_data_blocks=\"").number(sb.nrDataBlocks());
    if (sb.metadataSnap().isPresent()) {
      out.text("\" metadata_snap=\"").number(sb.metadataSnap().getAsLong());
    }
    out.text("\">").endLine();
    depth++;
    return Visit.CONTINUE;
  }

  @Override
  public Visit superblockEnd() {
    depth--;
    indent().text("</superblock>").endLine();
    return Visit.CONTINUE;
  }

  @Override
  public Visit defBegin(String name) {
    indent().text("<def name=\"").text(TextSink.xmlEscape(name)).text("\">").endLine();
    depth++;
    return Visit.CONTINUE;
  }

  @Override
  public Visit defEnd() {
    depth--;
    indent().text("</def>").endLine();
    return Visit.CONTINUE;
  }

  @Override
  public Visit deviceBegin(DeviceAttrs d) {
    indent()
        .text("<device dev_id=\"").number(d.thinId())
        .text("\" mapped_blocks=\"").number(d.mappedBlocks())
        .text("\" transaction=\"").number(d.transaction())
        .text("\" creation_time=\"").number(d.creationTime())
        .text("\" snap_time=\"").number(d.snapTime())
        .text("\">").endLine();
    depth++;
    return Visit.CONTINUE;
  }

  @Override
  public Visit deviceEnd() {
    depth--;
    indent().text("</device>").endLine();
    return Visit.CONTINUE;
  }

  @Override
  public Visit mapping(MappingRun run) {
    if (run.isSingle()) {
      indent()
          .text("<single_mapping origin_block=\"").number(run.thinBegin())
          .text("\" data_block=\"").number(run.dataBegin())
          .text("\" time=\"").number(run.time())
          .text("\"/>").endLine();
    } else {
      indent()
          .text("<range_mapping origin_begin=\"").number(run.thinBegin())
          .text("\" data_begin=\"").number(run.dataBegin())
          .text("\" length=\"").number(run.lenBlocks())
          .text("\" time=\"").number(run.time())
          .text("\"/>").endLine();
    }
    return Visit.CONTINUE;
  }

  @Override
  public Visit ref(String name) {
    indent().text("<ref name=\"").text(TextSink.xmlEscape(name)).text("\"/>").endLine();
    return Visit.CONTINUE;
  }

  @Override
  public Visit eof() {
    out.flush();
    return Visit.CONTINUE;
  }
}
