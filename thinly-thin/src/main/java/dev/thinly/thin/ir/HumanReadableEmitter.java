package dev.thinly.thin.ir;

import java.io.Writer;

/**
 * Writes thin_dump's {@code -f human_readable} format byte for byte as 0.9.0 does:
 *
 * <pre>
 * begin superblock: "UUID", TIME, TRANSACTION, FLAGS, VERSION, DATA_BLOCK_SIZE, NR_DATA_BLOCKS
 * device: ID
 * mapped_blocks: N
 * transaction: X
 * creation time: C
 * snap time: S
 *     (THIN_BEGIN..THIN_LAST) -> (DATA_BEGIN..DATA_LAST), TIME      a range (inclusive ends)
 *     THIN -> DATA, TIME                                            a single mapping
 * (blank line after each device)
 * end superblock
 * </pre>
 *
 * 0.9.0 has no notation for shared sets; they are written as {@code begin def: NAME} ... {@code
 * end def} and {@code     ref: NAME}, which dumps never produce.
 */
public final class HumanReadableEmitter implements MetadataVisitor {
  private final TextSink out;

  public HumanReadableEmitter(Writer out) {
    this.out = new TextSink(out);
  }

  @Override
  public Visit superblockBegin(SuperblockAttrs sb) {
    out.text("begin superblock: \"").text(sb.uuid())
        .text("\", ").number(sb.time())
        .text(", ").number(sb.transaction())
        .text(", ").number(sb.flagsOrDefault())
        .text(", ").number(sb.versionOrDefault())
        .text(", ").number(sb.dataBlockSizeSectors())
        .text(", ").number(sb.nrDataBlocks());
    if (sb.metadataSnap().isPresent()) {
      out.text(", ").number(sb.metadataSnap().getAsLong());
    }
    out.endLine();
    return Visit.CONTINUE;
  }

  @Override
  public Visit superblockEnd() {
    out.text("end superblock").endLine();
    return Visit.CONTINUE;
  }

  @Override
  public Visit defBegin(String name) {
    out.text("begin def: ").text(name).endLine();
    return Visit.CONTINUE;
  }

  @Override
  public Visit defEnd() {
    out.text("end def").endLine();
    return Visit.CONTINUE;
  }

  @Override
  public Visit deviceBegin(DeviceAttrs d) {
    out.text("device: ").number(d.thinId()).endLine();
    out.text("mapped_blocks: ").number(d.mappedBlocks()).endLine();
    out.text("transaction: ").number(d.transaction()).endLine();
    out.text("creation time: ").number(d.creationTime()).endLine();
    out.text("snap time: ").number(d.snapTime()).endLine();
    return Visit.CONTINUE;
  }

  @Override
  public Visit deviceEnd() {
    out.endLine();
    return Visit.CONTINUE;
  }

  @Override
  public Visit mapping(MappingRun run) {
    if (run.isSingle()) {
      out.text("    ").number(run.thinBegin())
          .text(" -> ").number(run.dataBegin())
          .text(", ").number(run.time());
    } else {
      out.text("    (").number(run.thinBegin())
          .text("..").number(run.thinBegin() + run.lenBlocks() - 1)
          .text(") -> (").number(run.dataBegin())
          .text("..").number(run.dataBegin() + run.lenBlocks() - 1)
          .text("), ").number(run.time());
    }
    out.endLine();
    return Visit.CONTINUE;
  }

  @Override
  public Visit ref(String name) {
    out.text("    ref: ").text(name).endLine();
    return Visit.CONTINUE;
  }

  @Override
  public Visit eof() {
    out.flush();
    return Visit.CONTINUE;
  }
}
