package dev.thinly.thin.ir;

import dev.thinly.pdata.error.ThinlyException;

/**
 * Input that does not describe a valid pool: malformed XML, an unknown element or attribute, a
 * missing attribute, a number out of range, duplicate devices, overlapping mappings. The message
 * is one line and says where: {@code pool.xml line 12: dev_id 16777216 is above the limit
 * 16777215}.
 */
public final class MetadataInputException extends ThinlyException {
  private final String source;
  private final long line;

  public MetadataInputException(String source, long line, String problem) {
    super(source + (line > 0 ? " line " + line : "") + ": " + problem);
    this.source = source;
    this.line = line;
  }

  /** The input's name, as given by the user. */
  public String source() {
    return source;
  }

  /** The line of the problem, or 0 when unknown. */
  public long line() {
    return line;
  }
}
