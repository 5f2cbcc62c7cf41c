package dev.thinly.thin.tools;

import dev.thinly.thin.format.Superblock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * thin_delta 0.9.0's XML, byte for byte: a {@code superblock} element without flags or version, one
 * {@code diff}, and either one element per range ({@code <same begin length/>}) or, verbose, one
 * container per run of ranges of a kind, holding {@code <range .../>} with the data blocks. Two
 * spaces of indentation per level.
 */
final class DeltaXml {
  private static final String[] NAMES = {"left_only", "right_only", "different", "same"};

  private final Writer out;
  private final boolean verbose;
  private int open = -1;

  DeltaXml(Writer out, boolean verbose) {
    this.out = out;
    this.verbose = verbose;
  }

  void begin(Superblock sb, long nrDataBlocks, long metadataSnap, long left, long right)
      throws IOException {
    out.write(
        "<superblock uuid=\"\" time=\""
            + sb.time()
            + "\" transaction=\""
            + Long.toUnsignedString(sb.transactionId())
            + "\" data_block_size=\""
            + sb.dataBlockSizeSectors()
            + "\" nr_data_blocks=\""
            + Long.toUnsignedString(nrDataBlocks)
            + (metadataSnap != 0 ? "\" metadata_snap=\"" + metadataSnap : "")
            + "\">\n");
    out.write(
        "  <diff left=\""
            + Long.toUnsignedString(left)
            + "\" right=\""
            + Long.toUnsignedString(right)
            + "\">\n");
  }

  /** One range of a kind ({@link DeltaPieces#LEFT_ONLY} and so on). */
  void range(byte kind, long begin, long length, long leftData, long rightData) {
    try {
      String b = Long.toUnsignedString(begin);
      String len = Long.toUnsignedString(length);
      if (!verbose) {
        out.write("    <" + NAMES[kind] + " begin=\"" + b + "\" length=\"" + len + "\"/>\n");
        return;
      }
      if (open != kind) {
        closeContainer();
        out.write("    <" + NAMES[kind] + ">\n");
        open = kind;
      }
      String data =
          switch (kind) {
            case DeltaPieces.DIFFERENT ->
                " left_data_begin=\"" + leftData + "\" right_data_begin=\"" + rightData + "\"";
            case DeltaPieces.RIGHT_ONLY -> " data_begin=\"" + rightData + "\"";
            default -> " data_begin=\"" + leftData + "\"";
          };
      out.write("      <range begin=\"" + b + "\"" + data + " length=\"" + len + "\"/>\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void closeContainer() throws IOException {
    if (open >= 0) {
      out.write("    </" + NAMES[open] + ">\n");
      open = -1;
    }
  }

  void end() throws IOException {
    closeContainer();
    out.write("  </diff>\n</superblock>\n");
  }
}
