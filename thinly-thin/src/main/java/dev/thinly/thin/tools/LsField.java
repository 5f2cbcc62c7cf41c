package dev.thinly.thin.tools;

import dev.thinly.pdata.error.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The columns of ls, named as thin_ls names them. */
public enum LsField {
  DEV,
  MAPPED_BLOCKS,
  EXCLUSIVE_BLOCKS,
  SHARED_BLOCKS,
  MAPPED_SECTORS,
  EXCLUSIVE_SECTORS,
  SHARED_SECTORS,
  MAPPED_BYTES,
  EXCLUSIVE_BYTES,
  SHARED_BYTES,
  MAPPED,
  EXCLUSIVE,
  SHARED,
  TRANSACTION,
  CREATE_TIME,
  SNAP_TIME;

  /** thin_ls's default columns. */
  public static final List<LsField> DEFAULT = List.of(DEV, MAPPED, CREATE_TIME, SNAP_TIME);

  /** True if the column needs the exclusive/shared count (a walk of every device's mappings). */
  boolean needsSharing() {
    return name().startsWith("EXCLUSIVE") || name().startsWith("SHARED");
  }

  /** Parses {@code DEV,MAPPED,...} (names as thin_ls takes them; case does not matter). */
  public static List<LsField> parseList(String spec) {
    List<LsField> fields = new ArrayList<>();
    for (String token : spec.split(",", -1)) {
      String name = token.strip().toUpperCase(Locale.ROOT);
      try {
        fields.add(valueOf(name));
      } catch (IllegalArgumentException e) {
        throw new InvalidRequestException(
            "unknown field '" + token + "'; fields are " + List.of(values()).toString().replace(" ", ""));
      }
    }
    return fields;
  }
}
