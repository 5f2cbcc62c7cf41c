package dev.thinly.thin.ir;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import javax.xml.stream.XMLStreamReader;

/**
 * The attributes of one element, checked against the element's known set: unknown attributes are
 * refused, and a missing one is reported when asked for.
 */
final class Attributes {
  private static final Map<String, Set<String>> KNOWN =
      Map.of(
          "superblock",
              Set.of("uuid", "time", "transaction", "flags", "version", "data_block_size",
                  "nr_data_blocks", "metadata_snap"),
          "device", Set.of("dev_id", "mapped_blocks", "transaction", "creation_time", "snap_time"),
          "single_mapping", Set.of("origin_block", "data_block", "time"),
          "range_mapping", Set.of("origin_begin", "data_begin", "length", "time"),
          "def", Set.of("name"),
          "ref", Set.of("name"));

  private final String element;
  private final Map<String, String> values;
  private final Function<String, MetadataInputException> problem;

  private Attributes(String element, Map<String, String> values, Function<String, MetadataInputException> problem) {
    this.element = element;
    this.values = values;
    this.problem = problem;
  }

  static Attributes read(XMLStreamReader r, String element, Function<String, MetadataInputException> problem) {
    Set<String> known = KNOWN.get(element);
    int n = r.getAttributeCount();
    Map<String, String> values = HashMap.newHashMap(n);
    for (int i = 0; i < n; i++) {
      String name = r.getAttributeLocalName(i);
      String prefix = r.getAttributePrefix(i);
      if ((prefix != null && !prefix.isEmpty()) || !known.contains(name)) {
        String shown = prefix == null || prefix.isEmpty() ? name : prefix + ":" + name;
        throw problem.apply("<" + element + "> has an unknown attribute " + shown);
      }
      values.put(name, r.getAttributeValue(i));
    }
    return new Attributes(element, values, problem);
  }

  String string(String name) {
    String v = values.get(name);
    if (v == null) {
      throw problem.apply("<" + element + "> is missing the attribute " + name);
    }
    return v;
  }

  long number(String name) {
    return parse(name, string(name));
  }

  OptionalLong optional(String name) {
    String v = values.get(name);
    return v == null ? OptionalLong.empty() : OptionalLong.of(parse(name, v));
  }

  /** An unsigned 64-bit decimal: digits only, no sign, no spaces. */
  private long parse(String name, String v) {
    boolean digits = !v.isEmpty();
    for (int i = 0; i < v.length() && digits; i++) {
      char c = v.charAt(i);
      digits = c >= '0' && c <= '9';
    }
    if (!digits) {
      throw problem.apply(name + " \"" + v + "\" is not an unsigned decimal number");
    }
    try {
      return Long.parseUnsignedLong(v);
    } catch (NumberFormatException e) {
      throw problem.apply(name + " " + v + " is above the limit " + Long.toUnsignedString(-1L));
    }
  }
}
