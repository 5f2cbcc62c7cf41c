package dev.thinly.nbd.protocol;

import java.util.List;

/**
 * The data of {@code NBD_OPT_INFO} and {@code NBD_OPT_GO}: an export name and the information items
 * the client asks for.
 *
 * @param exportName the export ("" is the default export)
 * @param infoTypes requested 16-bit {@link InfoType} numbers, in wire order, unknown ones included
 */
public record ExportInfoRequest(String exportName, List<Integer> infoTypes) {
  public ExportInfoRequest {
    infoTypes = List.copyOf(infoTypes);
  }

  /** True if the client asked for this item. */
  public boolean requests(InfoType type) {
    return infoTypes.contains(type.code());
  }
}
