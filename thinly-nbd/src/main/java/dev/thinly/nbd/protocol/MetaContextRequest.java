package dev.thinly.nbd.protocol;

import java.util.List;

/**
 * The data of {@code NBD_OPT_LIST_META_CONTEXT} and {@code NBD_OPT_SET_META_CONTEXT}.
 *
 * @param exportName the export the contexts are for
 * @param queries context queries such as {@code "base:allocation"} or {@code "base:"}
 */
public record MetaContextRequest(String exportName, List<String> queries) {
  public MetaContextRequest {
    queries = List.copyOf(queries);
  }
}
