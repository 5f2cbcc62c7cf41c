package dev.thinly.cli.pool;

import java.io.PrintWriter;
import java.util.List;

/** Prints rows as aligned columns, two spaces apart, numbers right-aligned. */
final class TextTable {
  private TextTable() {}

  static void print(PrintWriter out, List<String[]> rows, boolean[] rightAligned) {
    int[] widths = new int[rows.getFirst().length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        widths[i] = Math.max(widths[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        String pad = " ".repeat(widths[i] - r[i].length());
        if (i > 0) {
          line.append("  ");
        }
        line.append(rightAligned[i] ? pad + r[i] : r[i] + (i == r.length - 1 ? "" : pad));
      }
      out.println(line.toString().stripTrailing());
    }
    out.flush();
  }
}
