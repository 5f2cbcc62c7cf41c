package dev.thinly.thin.ir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * A line builder in front of a {@link Writer}, shared by the text emitters: numbers are appended
 * as unsigned decimals without boxing, and I/O errors become {@link UncheckedIOException}.
 */
final class TextSink {
  private final Writer out;
  private final StringBuilder line = new StringBuilder(128);

  TextSink(Writer out) {
    this.out = out;
  }

  TextSink text(String s) {
    line.append(s);
    return this;
  }

  TextSink number(long unsigned) {
    if (unsigned >= 0) {
      line.append(unsigned);
    } else {
      line.append(Long.toUnsignedString(unsigned));
    }
    return this;
  }

  TextSink spaces(int n) {
    for (int i = 0; i < n; i++) {
      line.append(' ');
    }
    return this;
  }

  /** Ends the line with {@code \n} and hands it to the writer. */
  void endLine() {
    line.append('\n');
    try {
      out.append(line);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the output: " + e.getMessage(), e);
    }
    line.setLength(0);
  }

  void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the output: " + e.getMessage(), e);
    }
  }

  /** Escapes the five XML special characters (thin_dump writes none of them in practice). */
  static String xmlEscape(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String r =
          switch (c) {
            case '&' -> "&amp;";
            case '<' -> "&lt;";
            case '>' -> "&gt;";
            case '"' -> "&quot;";
            case '\'' -> "&apos;";
            default -> null;
          };
      if (r != null && b == null) {
        b = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (b != null) {
        if (r != null) {
          b.append(r);
        } else {
          b.append(c);
        }
      }
    }
    return b == null ? s : b.toString();
  }
}
