package dev.thinly.thin.tools;

import dev.thinly.pdata.error.InvalidRequestException;

/** Data blocks {@code [begin, end)}, written {@code BEGIN..END} (end exclusive) as thin_rmap takes them. */
public record Region(long begin, long end) {
  public Region {
    if (begin < 0 || end <= begin) {
      throw new InvalidRequestException(
          "badly formed region " + begin + ".." + end + " (end must be above begin)");
    }
  }

  public boolean contains(long dataBlock) {
    return dataBlock >= begin && dataBlock < end;
  }

  /** Parses {@code BEGIN..END}. */
  public static Region parse(String text) {
    int dots = text.indexOf("..");
    if (dots < 0) {
      throw new InvalidRequestException("badly formed region '" + text + "' (no dots; write BEGIN..END)");
    }
    try {
      return new Region(
          Long.parseLong(text.substring(0, dots).strip()), Long.parseLong(text.substring(dots + 2).strip()));
    } catch (NumberFormatException e) {
      throw new InvalidRequestException(
          "badly formed region '" + text + "' (BEGIN and END must be block numbers)");
    }
  }

  @Override
  public String toString() {
    return begin + ".." + end;
  }
}
